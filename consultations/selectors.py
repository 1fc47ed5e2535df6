"""What the consultations app reads: scoped querysets, the electorate of a consultation, and
turnout in SQL aggregates. Choices are never read here before a consultation has closed."""

from django.db.models import Count, Q, QuerySet, Sum

from communities.models import Household
from consultations.models import Ballot, Consultation
from renovation import access


def consultations_visible(user, perm: str = access.VIEW) -> QuerySet:
    return access.scope_queryset(
        user,
        Consultation.objects.select_related("estate", "building", "stairwell__building"),
        perm,
    )


def consultation_households(consultation: Consultation) -> QuerySet:
    """The electorate: every dwelling of the registry inside the consultation's scope."""
    if consultation.stairwell_id:
        households = Household.objects.filter(stairwell_id=consultation.stairwell_id)
    elif consultation.building_id:
        households = Household.objects.filter(stairwell__building_id=consultation.building_id)
    else:
        households = Household.objects.filter(stairwell__building__estate_id=consultation.estate_id)
    return households


def consultations_for_household(household: Household) -> QuerySet:
    """Consultations a dwelling takes part in (never drafts)."""
    stairwell = household.stairwell
    return (
        Consultation.objects.filter(estate_id=stairwell.building.estate_id)
        .filter(Q(building__isnull=True) | Q(building_id=stairwell.building_id))
        .filter(Q(stairwell__isnull=True) | Q(stairwell_id=stairwell.pk))
        .exclude(status=Consultation.Status.DRAFT)
        .order_by("-opens_at", "-pk")
    )


def current_ballot(*, consultation: Consultation, household: Household) -> Ballot | None:
    return (
        Ballot.objects.filter(consultation=consultation, household=household, is_current=True)
        .prefetch_related("answers")
        .first()
    )


def turnout_compute(*, consultation: Consultation) -> dict:
    """Turnout by building and floor: who has a counted ballot, never what it says."""
    counted = Q(ballots__consultation=consultation, ballots__is_current=True)
    rows = list(
        consultation_households(consultation)
        .values("stairwell__building__number", "stairwell__number", "floor")
        .annotate(
            total=Count("id", distinct=True),
            voted=Count("ballots", filter=counted, distinct=True),
        )
        .order_by("stairwell__building__number", "stairwell__number", "floor")
    )
    by_channel = dict(
        Ballot.objects.filter(consultation=consultation, is_current=True)
        .values_list("channel")
        .annotate(n=Count("id"))
    )
    total = sum(r["total"] for r in rows)
    voted = sum(r["voted"] for r in rows)
    for row in rows:
        row["percent"] = round(100 * row["voted"] / row["total"]) if row["total"] else 0
    return {
        "rows": rows,
        "total": total,
        "voted": voted,
        "percent": round(100 * voted / total) if total else 0,
        "by_channel": [
            {"channel": label, "code": code, "count": by_channel.get(code, 0)}
            for code, label in Ballot.Channel.choices
        ],
    }


def electorate_totals(consultation: Consultation) -> dict:
    return consultation_households(consultation).aggregate(
        count=Count("id"), area=Sum("floor_area")
    )
