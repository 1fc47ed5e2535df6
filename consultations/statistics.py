"""Consultation figures for the housing bureau: how many, where they stand, how they were
decided, and turnout (dwellings with a counted ballot of the dwellings entitled to vote) —
broken down by the next level of the tree (`communities.statistics`) in one grouped query,
returned by `consultations_figures_queryset` so it can be run on its own. Never what a ballot
chose, never who cast it.

Turnout here adds up many consultations in SQL; `consultations.tally` counts one consultation
in full (its checks, its questions). Both count the frozen electorate (`ElectorateFreeze`,
`ElectorateEntry`), never the registry as it is now."""

import datetime

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from communities.models import Region
from communities.statistics import Breakdown, figures_as_of, percent, scoped
from renovation import dates

from .models import Ballot, Consultation, ElectorateFreeze

S = Consultation.Status


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().values(one=Value(1)).annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def electorate_size():
    """The dwellings entitled to vote in the outer consultation: its electorate as the latest
    freeze recorded it (when voting opened, or re-frozen since) — what `tally` divides by."""
    latest = ElectorateFreeze.objects.filter(consultation=OuterRef("pk")).order_by("-pk")
    return Coalesce(Subquery(latest.values("dwellings")[:1], output_field=IntegerField()), 0)


def ballots_counted():
    """The dwellings of the outer consultation's frozen electorate with a counted ballot (as
    `selectors.electorate_turnout` counts them for one consultation)."""
    counted = Ballot.objects.filter(
        consultation=OuterRef("pk"),
        is_current=True,
        household__electorate_entries__consultation=OuterRef("pk"),
    )
    return Coalesce(_count(counted), 0)


def _consultations(*, user, region: Region, programme=None, year=None) -> QuerySet:
    """The user's consultations inside `region`; `programme`: on the estates of its projects;
    `year`: voting opened that year. Drafts are not counted: nobody has been asked yet."""
    consultations = (
        scoped(user, Consultation.objects.all())
        .filter(estate__community__path__startswith=region.path)
        .exclude(status=S.DRAFT)
    )
    if programme is not None:
        consultations = consultations.filter(estate_id__in=programme.projects.values("estate_id"))
    if year is not None:
        consultations = consultations.filter(
            opens_at__gte=dates.day_end(datetime.date(year - 1, 12, 31)),
            opens_at__lt=dates.day_end(datetime.date(year, 12, 31)),
        )
    return consultations


FIGURES = (
    "consultations",
    "open",
    "closed",
    "publicity",
    "decided",
    "passed",
    "failed",
    "electorate",
    "voted",
)


def consultations_figures_queryset(
    *, user, breakdown: Breakdown, programme=None, year=None
) -> QuerySet:
    consultations = _consultations(
        user=user, region=breakdown.region, programme=programme, year=year
    ).annotate(entitled=electorate_size(), counted=ballots_counted(), outcome=F("passed"))
    # `outcome`: the figure named "passed" below would shadow the field in the filters.
    decided = Q(status=S.DECIDED)
    return (
        consultations.order_by()
        .values(child=breakdown.key(Consultation.region_lookup))
        .annotate(
            consultations=Count("pk"),
            open=Count("pk", filter=Q(status=S.OPEN)),
            closed=Count("pk", filter=Q(status=S.CLOSED)),
            publicity=Count("pk", filter=Q(status=S.PUBLICITY)),
            decided=Count("pk", filter=decided),
            passed=Count("pk", filter=decided & Q(outcome=True)),
            failed=Count("pk", filter=decided & Q(outcome=False)),
            electorate=Coalesce(Sum("entitled"), 0),
            voted=Coalesce(Sum("counted"), 0),
        )
    )


def consultations_figures(*, user, breakdown: Breakdown, programme=None, year=None) -> dict:
    """Consultations (drafts aside) by where they stand, decided ones by outcome, and turnout
    over all of them: dwellings with a counted ballot of the dwellings entitled to vote."""
    rows = consultations_figures_queryset(
        user=user, breakdown=breakdown, programme=programme, year=year
    )
    result = breakdown.figures(rows, FIGURES)
    for row in [*result["rows"], result["totals"]]:
        row["turnout_pct"] = percent(row["voted"], row["electorate"])
    return result


WEEKLY = ("opened", "decided", "passed", "failed")


def consultations_weekly(*, user, region: Region, days, programme=None, year=None) -> list[dict]:
    """As of each day: consultations whose voting had opened, and those decided (passed or
    failed) by then."""
    decided = "r.decided < d.day_end"
    return figures_as_of(
        _consultations(user=user, region=region, programme=programme, year=year),
        columns={"opened": F("opens_at"), "decided": F("decided_at"), "outcome": F("passed")},
        days=days,
        figures={
            "opened": "count(*) FILTER (WHERE r.opened < d.day_end)",
            "decided": f"count(*) FILTER (WHERE {decided})",
            "passed": f"count(*) FILTER (WHERE {decided} AND r.outcome)",
            "failed": f"count(*) FILTER (WHERE {decided} AND NOT r.outcome)",
        },
    )
