"""What inspections *read*: scoped querysets for pages and API, and the statistics the field
reports ("排查点位230处，已拆除43处，清除隐患15处"), computed in SQL."""

from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from communities.models import Estate, Region
from inspections.models import Category, Patrol, PatrolVisit, Photo, Point, Step
from inspections.services import DEADLINE_STATES, REMEDIED_STATES, Status
from renovation import access, dates


def overdue_q(*, today: date | None = None, prefix: str = "") -> Q:
    """Points whose deadline has passed unmet: marked overdue, or still waiting past the day
    (before the daily check has run)."""
    today = today or dates.today()
    return Q(**{f"{prefix}status": Status.OVERDUE}) | Q(
        **{f"{prefix}status__in": DEADLINE_STATES, f"{prefix}deadline__lt": today}
    )


def points_visible(*, user, perm: str = access.VIEW) -> QuerySet:
    """The points the user may see (or `perm`), with what a list row shows."""
    qs = Point.objects.select_related("estate", "estate__community", "building", "category")
    return access.scope_queryset(user, qs, perm)


def points_with_overdue_flag(*, points: QuerySet, today: date | None = None) -> QuerySet:
    """Adds `is_overdue`, computed in SQL by the same rule as the filters and statistics."""
    return points.annotate(
        is_overdue=ExpressionWrapper(overdue_q(today=today), output_field=BooleanField())
    )


def points_with_history(*, points: QuerySet) -> QuerySet:
    """Adds the steps (with actor and photos) and all photos, in a fixed number of queries."""
    return points.select_related("household", "found_by").prefetch_related(
        Prefetch("steps", queryset=Step.objects.select_related("actor").prefetch_related("photos")),
        "photos",
    )


def patrols_visible(*, user, perm: str = access.VIEW) -> QuerySet:
    qs = (
        Patrol.objects.select_related("estate", "worker")
        .annotate(
            found_count=Count("visits", filter=Q(visits__finding=PatrolVisit.Finding.FOUND)),
            rechecked_count=Count(
                "visits", filter=Q(visits__finding=PatrolVisit.Finding.RECHECKED)
            ),
        )
        .order_by("-started_at", "-pk")  # Meta.ordering does not apply to aggregating queries
    )
    return access.scope_queryset(user, qs, perm)


def patrols_with_visits(*, patrols: QuerySet) -> QuerySet:
    return patrols.prefetch_related(
        Prefetch("visits", queryset=PatrolVisit.objects.select_related("point", "point__category"))
    )


def photos_visible(*, user) -> QuerySet:
    return access.scope_queryset(user, Photo.objects.all())


def categories_active() -> QuerySet:
    return Category.objects.filter(is_active=True).order_by("order", "pk")


def _figures(*, today: date, prefix: str = "") -> dict:
    """The report's figures as aggregates over points reached by `prefix` ("" from Point,
    "inspection_points__" from Estate)."""
    remedied = Q(**{f"{prefix}status__in": REMEDIED_STATES})
    structure = Q(**{f"{prefix}category__group": Category.Group.ILLEGAL_STRUCTURE})
    hazard = Q(**{f"{prefix}category__group": Category.Group.SAFETY_HAZARD})
    area = DecimalField(max_digits=14, decimal_places=2)
    pk = f"{prefix}pk" if prefix else "pk"
    return {
        "found": Count(pk),
        "rectified": Count(pk, filter=remedied),
        "demolished": Count(pk, filter=remedied & structure),
        "demolished_area": Coalesce(
            Sum(f"{prefix}area", filter=remedied & structure), Value(0), output_field=area
        ),
        "hazards_found": Count(pk, filter=hazard),
        "hazards_cleared": Count(pk, filter=remedied & hazard),
        "overdue": Count(pk, filter=overdue_q(today=today, prefix=prefix)),
        "closed": Count(pk, filter=Q(**{f"{prefix}status": Status.CLOSED})),
    }


FIGURES = (
    "found",
    "rectified",
    "demolished",
    "demolished_area",
    "hazards_found",
    "hazards_cleared",
    "overdue",
    "closed",
)


def points_statistics(
    *, user, today: date | None = None, estate_ids=None, region: Region | None = None
) -> dict:
    """Per estate, per subdistrict and in total, for the user's scope — three queries."""
    today = today or dates.today()
    points = access.scope_queryset(user, Point.objects.all())
    if region is not None:
        points = points.filter(estate__community__path__startswith=region.path)
    if estate_ids:
        points = points.filter(estate_id__in=estate_ids)
    figures = _figures(today=today)
    per_estate = list(
        points.order_by()
        .values("estate_id", "estate__name", "estate__community__name")
        .annotate(**figures)
        .order_by("estate__community__parent__path", "estate__name", "estate_id")
    )
    per_subdistrict = list(
        points.order_by()
        .values("estate__community__parent_id", "estate__community__parent__name")
        .annotate(**figures)
        .order_by("estate__community__parent__path")
    )
    totals = points.order_by().aggregate(**figures)
    return {
        "today": today,
        "estates": [
            {
                "estate_id": r["estate_id"],
                "estate": r["estate__name"],
                "community": r["estate__community__name"],
                **{k: r[k] for k in FIGURES},
            }
            for r in per_estate
        ],
        "subdistricts": [
            {
                "subdistrict_id": r["estate__community__parent_id"],
                "subdistrict": r["estate__community__parent__name"],
                **{k: r[k] for k in FIGURES},
            }
            for r in per_subdistrict
        ],
        "totals": {k: totals[k] for k in FIGURES},
    }


def points_totals(*, user, today: date | None = None) -> dict:
    """The figures over the user's whole scope, in one query (the home page panel)."""
    today = today or dates.today()
    points = access.scope_queryset(user, Point.objects.all())
    return points.order_by().aggregate(**_figures(today=today))


def points_due(*, user, days: int = 7, limit: int = 8, today: date | None = None):
    """Points waiting on a deadline that falls within `days` from today (the soonest `limit`),
    and how many there are: what needs chasing this week."""
    today = today or dates.today()
    due = (
        access.scope_queryset(user, Point.objects.all())
        .filter(status__in=DEADLINE_STATES, deadline__gte=today)
        .filter(deadline__lt=today + timedelta(days=days))
    )
    soonest = list(
        due.select_related("estate", "category", "building").order_by("deadline", "pk")[:limit]
    )
    for point in soonest:
        point.days_left = (point.deadline - today).days
    return soonest, due.count()


def estates_for_inspection(*, user, perm: str = access.INSPECT) -> QuerySet:
    return access.scope_queryset(user, Estate.objects.select_related("community"), perm).order_by(
        "name", "pk"
    )
