"""The programme's figures for the housing bureau: coverage, projects by status, completion
against target, investment by funding source, households benefited, overdue projects and
strikes — each broken down by the next level of the tree (`communities.statistics`), each one
grouped query (plus one for the targets), and each `*_queryset` returns the query so it can be
run and measured on its own. `*_weekly` give the figures that follow from the records' dates
as of each day asked for (one query, `communities.statistics.figures_as_of`). Counts and sums only: no names of people."""

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Min,
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

from .models import FundingLine, Milestone, Programme, Project
from .selectors import STARTED, missed_q, overdue_q

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO_MONEY = Value(Decimal("0.00"), output_field=MONEY)
UNDER_WAY = [Project.Status.UNDER_CONSTRUCTION, Project.Status.ACCEPTING]


def _filtered(queryset: QuerySet, *, user, within: Q, programme, year, to_project: str = ""):
    """`queryset` in the user's scope, inside the region, of the programme and year asked."""
    queryset = scoped(user, queryset).filter(within)
    if programme is not None:
        queryset = queryset.filter(**{f"{to_project}programme": programme})
    if year is not None:
        queryset = queryset.filter(**{f"{to_project}programme__year": year})
    return queryset


def _projects(*, user, region: Region, programme, year) -> QuerySet:
    within = Q(estate__community__path__startswith=region.path)
    return _filtered(
        Project.objects.all(), user=user, within=within, programme=programme, year=year
    )


def _grouped(queryset: QuerySet, breakdown: Breakdown, region_lookup: str, **aggregates):
    return queryset.order_by().values(child=breakdown.key(region_lookup)).annotate(**aggregates)


def _add_percents(result: dict, pairs: dict[str, tuple[str, str]]) -> dict:
    for row in [*result["rows"], result["totals"]]:
        for name, (part, whole) in pairs.items():
            row[name] = percent(row[part], row[whole])
    return result


# ---- estates and households in the programme ------------------------------------------------

COVERAGE = ("projects", "estates", "buildings", "households")


def coverage_queryset(*, user, breakdown: Breakdown, programme=None, year=None) -> QuerySet:
    projects = _projects(user=user, region=breakdown.region, programme=programme, year=year)
    return _grouped(
        projects,
        breakdown,
        Project.region_lookup,
        projects=Count("pk"),
        estates=Count("estate_id", distinct=True),
        buildings=Coalesce(Sum("buildings_covered"), 0),
        households=Coalesce(Sum("households_covered"), 0),
    )


def programme_coverage(*, user, breakdown: Breakdown, programme=None, year=None) -> dict:
    """Projects, estates, buildings and households covered by the programme."""
    rows = coverage_queryset(user=user, breakdown=breakdown, programme=programme, year=year)
    return breakdown.figures(rows, COVERAGE)


def coverage_weekly(*, user, region: Region, days, programme=None, year=None) -> list[dict]:
    """Projects (and their estates, buildings, households) entered by each day."""
    entered = "FILTER (WHERE r.created < d.day_end)"
    return figures_as_of(
        _projects(user=user, region=region, programme=programme, year=year),
        columns={
            "created": F("created_at"),
            "estate_ref": F("estate_id"),
            "buildings": F("buildings_covered"),
            "households": F("households_covered"),
        },
        days=days,
        figures={
            "projects": f"count(*) {entered}",
            "estates": f"count(DISTINCT r.estate_ref) {entered}",
            "buildings": f"sum(r.buildings) {entered}",
            "households": f"sum(r.households) {entered}",
        },
    )


# ---- projects by status ---------------------------------------------------------------------

STATUSES = tuple(Project.Status.values)


def status_queryset(*, user, breakdown: Breakdown, programme=None, year=None) -> QuerySet:
    projects = _projects(user=user, region=breakdown.region, programme=programme, year=year)
    return _grouped(
        projects,
        breakdown,
        Project.region_lookup,
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in STATUSES},
    )


def projects_by_status(*, user, breakdown: Breakdown, programme=None, year=None) -> dict:
    rows = status_queryset(user=user, breakdown=breakdown, programme=programme, year=year)
    return breakdown.figures(rows, ("total", *STATUSES))


# ---- completed against target ---------------------------------------------------------------

COMPLETION = ("projects", "started", "completed", "households_benefited")
TARGETS = ("target_estates", "target_households")


def completion_queryset(*, user, breakdown: Breakdown, programme=None, year=None) -> QuerySet:
    projects = _projects(user=user, region=breakdown.region, programme=programme, year=year)
    completed = Q(status=Project.Status.COMPLETED)
    return _grouped(
        projects,
        breakdown,
        Project.region_lookup,
        projects=Count("pk"),
        started=Count("pk", filter=Q(status__in=STARTED)),
        completed=Count("pk", filter=completed),
        households_benefited=Coalesce(Sum("households_covered", filter=completed), 0),
    )


def targets_queryset(*, user, breakdown: Breakdown, programme=None, year=None) -> QuerySet:
    """The targets of the programmes set for the region or a node below it, by the child they
    were set in (NULL: set for the region itself)."""
    programmes = scoped(user, Programme.objects.all()).filter(
        region__path__startswith=breakdown.region.path
    )
    if programme is not None:
        programmes = programmes.filter(pk=programme.pk)
    if year is not None:
        programmes = programmes.filter(year=year)
    return (
        programmes.order_by()
        .values(child=breakdown.region_key("region"))
        .annotate(
            target_estates=Coalesce(Sum("target_estates"), 0),
            target_households=Coalesce(Sum("target_households"), 0),
        )
    )


def completion_against_target(*, user, breakdown: Breakdown, programme=None, year=None) -> dict:
    """Projects started and completed, households benefited, and the targets of the programmes
    set for each region (a programme set for the city counts in the city's totals only)."""
    kwargs = {"user": user, "breakdown": breakdown, "programme": programme, "year": year}
    result = breakdown.figures(completion_queryset(**kwargs), COMPLETION)
    targets = breakdown.figures(targets_queryset(**kwargs), TARGETS)
    for row, target in zip(result["rows"], targets["rows"], strict=True):
        row.update({name: target[name] for name in TARGETS})
    result["totals"].update(targets["totals"])
    return _add_percents(
        result,
        {
            "completed_pct": ("completed", "projects"),
            "target_estates_pct": ("completed", "target_estates"),
            "target_households_pct": ("households_benefited", "target_households"),
        },
    )


def completion_weekly(*, user, region: Region, days, programme=None, year=None) -> list[dict]:
    """Projects entered, completed, and households benefited by each day."""
    completed = "FILTER (WHERE r.completed <= d.day)"
    return figures_as_of(
        _projects(user=user, region=region, programme=programme, year=year),
        columns={
            "created": F("created_at"),
            "completed": F("completed_on"),
            "households": F("households_covered"),
        },
        days=days,
        figures={
            "projects": "count(*) FILTER (WHERE r.created < d.day_end)",
            "completed": f"count(*) {completed}",
            "households_benefited": f"sum(r.households) {completed}",
        },
    )


# ---- investment by funding source -----------------------------------------------------------

SOURCES = tuple(FundingLine.Source.values)
INVESTMENT = (*SOURCES, "total")


def investment_queryset(*, user, breakdown: Breakdown, programme=None, year=None) -> QuerySet:
    lines = _filtered(
        FundingLine.objects.all(),
        user=user,
        within=breakdown.within(FundingLine.region_lookup),
        programme=programme,
        year=year,
        to_project="project__",
    )
    return _grouped(
        lines,
        breakdown,
        FundingLine.region_lookup,
        total=Coalesce(Sum("amount"), ZERO_MONEY),
        **{s: Coalesce(Sum("amount", filter=Q(source=s)), ZERO_MONEY) for s in SOURCES},
    )


def investment_by_source(*, user, breakdown: Breakdown, programme=None, year=None) -> dict:
    """The projects' funding, CNY, by source (central subsidy … residents' contributions)."""
    rows = investment_queryset(user=user, breakdown=breakdown, programme=programme, year=year)
    result = breakdown.figures(rows, INVESTMENT)
    for row in [*result["rows"], result["totals"]]:
        for name in INVESTMENT:
            row[name] = Decimal(row[name]).quantize(Decimal("0.01"))
    return result


# ---- households benefited -------------------------------------------------------------------

HOUSEHOLDS = ("households_planned", "households_under_way", "households_benefited")
HOUSEHOLD_ESTATES = ("estates_benefited",)


def households_queryset(*, user, breakdown: Breakdown, programme=None, year=None) -> QuerySet:
    projects = _projects(user=user, region=breakdown.region, programme=programme, year=year)
    completed = Q(status=Project.Status.COMPLETED)
    return _grouped(
        projects,
        breakdown,
        Project.region_lookup,
        households_planned=Coalesce(Sum("households_covered"), 0),
        households_under_way=Coalesce(Sum("households_covered", filter=Q(status__in=UNDER_WAY)), 0),
        households_benefited=Coalesce(Sum("households_covered", filter=completed), 0),
        estates_benefited=Count("estate_id", distinct=True, filter=completed),
    )


def households_benefited(*, user, breakdown: Breakdown, programme=None, year=None) -> dict:
    """Households covered by the projects: planned (all), under way (construction or
    acceptance) and benefited (completed), and the estates completed."""
    rows = households_queryset(user=user, breakdown=breakdown, programme=programme, year=year)
    return breakdown.figures(rows, (*HOUSEHOLDS, *HOUSEHOLD_ESTATES))


def households_weekly(*, user, region: Region, days, programme=None, year=None) -> list[dict]:
    """Households benefited and estates completed by each day (the completion date)."""
    completed = "FILTER (WHERE r.completed <= d.day)"
    return figures_as_of(
        _projects(user=user, region=region, programme=programme, year=year),
        columns={
            "completed": F("completed_on"),
            "estate_ref": F("estate_id"),
            "households": F("households_covered"),
        },
        days=days,
        figures={
            "households_benefited": f"sum(r.households) {completed}",
            "estates_benefited": f"count(DISTINCT r.estate_ref) {completed}",
        },
    )


# ---- overdue projects and strikes -----------------------------------------------------------

OVERDUE = ("overdue_milestones", "projects_overdue", "strikes", "projects_with_strikes")


def _milestones(*, user, region: Region, programme, year) -> QuerySet:
    return _filtered(
        Milestone.objects.all(),
        user=user,
        within=Q(project__estate__community__path__startswith=region.path),
        programme=programme,
        year=year,
        to_project="project__",
    )


def _overdue_figures(day: datetime.date) -> dict:
    """Milestones overdue on `day` (planned before it, not finished by it) and strikes (missed
    by `day`: overdue then, or finished late before it)."""
    overdue = Q(planned_date__lt=day) & (Q(actual_date__isnull=True) | Q(actual_date__gt=day))
    # Finished after `day` counts as late (actual > planned): it was still open then.
    missed = missed_q(today=day)
    return {
        "overdue_milestones": Count("pk", filter=overdue),
        "projects_overdue": Count("project_id", distinct=True, filter=overdue),
        "strikes": Count("pk", filter=missed),
        "projects_with_strikes": Count("project_id", distinct=True, filter=missed),
    }


def overdue_queryset(
    *, user, breakdown: Breakdown, programme=None, year=None, today: datetime.date | None = None
) -> QuerySet:
    milestones = _milestones(user=user, region=breakdown.region, programme=programme, year=year)
    return _grouped(
        milestones,
        breakdown,
        Milestone.region_lookup,
        **_overdue_figures(today or dates.today()),
    )


def overdue_and_strikes(
    *, user, breakdown: Breakdown, programme=None, year=None, today: datetime.date | None = None
) -> dict:
    """Milestones overdue today and the projects they hold up; strikes (milestones missed,
    overdue now or finished late) and the projects they fell on."""
    rows = overdue_queryset(
        user=user, breakdown=breakdown, programme=programme, year=year, today=today
    )
    return breakdown.figures(rows, OVERDUE)


def overdue_weekly(*, user, region: Region, days, programme=None, year=None) -> list[dict]:
    """As of each day, the same figures as `overdue_and_strikes` (see `_overdue_figures`)."""
    overdue = "FILTER (WHERE r.planned < d.day AND (r.actual IS NULL OR r.actual > d.day))"
    missed = "FILTER (WHERE r.planned < d.day AND (r.actual IS NULL OR r.actual > r.planned))"
    return figures_as_of(
        _milestones(user=user, region=region, programme=programme, year=year),
        columns={
            "planned": F("planned_date"),
            "actual": F("actual_date"),
            "project_ref": F("project_id"),
        },
        days=days,
        figures={
            "overdue_milestones": f"count(*) {overdue}",
            "projects_overdue": f"count(DISTINCT r.project_ref) {overdue}",
            "strikes": f"count(*) {missed}",
            "projects_with_strikes": f"count(DISTINCT r.project_ref) {missed}",
        },
    )


def projects_overdue_list(
    *,
    user,
    region: Region,
    programme=None,
    year=None,
    limit: int = 10,
    today: datetime.date | None = None,
) -> list[Project]:
    """The projects held up longest: each with its overdue milestones (`overdue_count`), the
    earliest one's planned date (`overdue_since`) and the days since (`days_overdue`), the
    estate and its subdistrict. One query; no names of people."""
    today = today or dates.today()
    overdue = Milestone.objects.filter(overdue_q(today=today), project=OuterRef("pk")).order_by()
    projects = (
        _projects(user=user, region=region, programme=programme, year=year)
        .annotate(
            overdue_count=Subquery(
                overdue.values("project").annotate(n=Count("pk")).values("n")[:1]
            ),
            overdue_since=Subquery(
                overdue.values("project").annotate(d=Min("planned_date")).values("d")[:1]
            ),
        )
        .filter(overdue_count__gt=0)
        .select_related("estate__community__parent", "programme")
        .order_by("overdue_since", "estate__name", "pk")[:limit]
    )
    found = list(projects)
    for project in found:
        project.days_overdue = (today - project.overdue_since).days
    return found
