"""Inspection figures for the housing bureau ("排查点位230处，已拆除43处，清除隐患15处"), broken
down by the next level of the tree (`communities.statistics`): one grouped query, returned by
`points_figures_queryset` so it can be run on its own. `points_weekly` gives what follows from
the points' dates and steps as of each day asked for (one query). Counts and areas only."""

import datetime

from django.db.models import DateTimeField, F, Min, OuterRef, QuerySet, Subquery

from communities.models import Region
from communities.statistics import Breakdown, figures_as_of, scoped
from renovation import dates

from .models import Category, Point, Step
from .selectors import FIGURES, _figures
from .services import REMEDIED_STATES, Status


def _points(*, user, region: Region, programme=None, year=None) -> QuerySet:
    """The user's points inside `region`; `programme`: on the estates of its projects; `year`:
    found that year (in the portal's time zone)."""
    points = scoped(user, Point.objects.all()).filter(
        estate__community__path__startswith=region.path
    )
    if programme is not None:
        points = points.filter(estate_id__in=programme.projects.values("estate_id"))
    if year is not None:
        points = points.filter(
            found_at__gte=dates.day_end(datetime.date(year - 1, 12, 31)),
            found_at__lt=dates.day_end(datetime.date(year, 12, 31)),
        )
    return points


def points_figures_queryset(
    *, user, breakdown: Breakdown, programme=None, year=None, today: datetime.date | None = None
) -> QuerySet:
    points = _points(user=user, region=breakdown.region, programme=programme, year=year)
    return (
        points.order_by()
        .values(child=breakdown.key(Point.region_lookup))
        .annotate(**_figures(today=today or dates.today()))
    )


def points_figures(
    *, user, breakdown: Breakdown, programme=None, year=None, today: datetime.date | None = None
) -> dict:
    """Points found, rectified, demolished (count and m²), hazards found and cleared, overdue
    and closed — the same figures as the inspection statistics page."""
    rows = points_figures_queryset(
        user=user, breakdown=breakdown, programme=programme, year=year, today=today
    )
    return breakdown.figures(rows, FIGURES)


WEEKLY = (
    "found",
    "rectified",
    "demolished",
    "demolished_area",
    "hazards_found",
    "hazards_cleared",
    "past_deadline",
    "closed",
)


def _first_step_at(states) -> Subquery:
    steps = Step.objects.filter(point=OuterRef("pk"), to_status__in=states)
    return Subquery(
        steps.order_by().values("point").annotate(at=Min("at")).values("at")[:1],
        output_field=DateTimeField(),
    )


def points_weekly(*, user, region: Region, days, programme=None, year=None) -> list[dict]:
    """As of each day: points found by then, remedied by then (their first step into a remedied
    state), of which illegal structures demolished (count, m²) and hazards cleared, points
    whose deadline had passed without remedy (escalated ones included), and points closed."""
    found = "r.found < d.day_end"
    remedied = "r.remedied < d.day_end"
    structure = f"r.grp = '{Category.Group.ILLEGAL_STRUCTURE}'"
    hazard = f"r.grp = '{Category.Group.SAFETY_HAZARD}'"
    return figures_as_of(
        _points(user=user, region=region, programme=programme, year=year),
        columns={
            "found": F("found_at"),
            "deadline_on": F("deadline"),
            "sqm": F("area"),
            "grp": F("category__group"),
            "remedied": _first_step_at(REMEDIED_STATES),
            "closed": _first_step_at([Status.CLOSED]),
        },
        days=days,
        figures={
            "found": f"count(*) FILTER (WHERE {found})",
            "rectified": f"count(*) FILTER (WHERE {remedied})",
            "demolished": f"count(*) FILTER (WHERE {remedied} AND {structure})",
            "demolished_area": f"sum(r.sqm) FILTER (WHERE {remedied} AND {structure})",
            "hazards_found": f"count(*) FILTER (WHERE {found} AND {hazard})",
            "hazards_cleared": f"count(*) FILTER (WHERE {remedied} AND {hazard})",
            "past_deadline": f"count(*) FILTER (WHERE {found} AND r.deadline_on < d.day "
            "AND (r.remedied IS NULL OR r.remedied >= d.day_end))",
            "closed": "count(*) FILTER (WHERE r.closed < d.day_end)",
        },
    )
