"""What the projects app reads: scoped querysets and their figures, computed in SQL (one
correlated subquery per figure, so a list of N projects costs the same few queries as one)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Round
from django.utils.translation import gettext_lazy as _

from renovation import access, dates

from .models import Complaint, FundingLine, Milestone, Programme, Project, WorksItem

MONEY = DecimalField(max_digits=16, decimal_places=2)
PERCENT = DecimalField(max_digits=6, decimal_places=1)
# Open complaints older than this many days are flagged (settings may override).
COMPLAINT_FLAG_DAYS = getattr(settings, "PROJECTS_COMPLAINT_FLAG_DAYS", 7)

STRIKE_LEVELS = {
    1: _("Review"),
    2: _("Warning"),
    3: _("Removal recommended"),
}


def overdue_q(*, today: datetime.date, prefix: str = "") -> Q:
    """Milestones unfinished after their planned date (overdue now)."""
    return Q(**{f"{prefix}actual_date__isnull": True, f"{prefix}planned_date__lt": today})


def missed_q(*, today: datetime.date) -> Q:
    """Milestones that passed their planned date unfinished — overdue now, or finished late.
    Each is one strike against the responsible official."""
    return Q(planned_date__lt=today) & (
        Q(actual_date__isnull=True) | Q(actual_date__gt=F("planned_date"))
    )


def complaint_flag_q(*, today: datetime.date) -> Q:
    return Q(
        resolved_on__isnull=True,
        received_on__lt=today - datetime.timedelta(days=COMPLAINT_FLAG_DAYS),
    )


def _per_project(queryset: QuerySet, value, output):
    """A correlated subquery: `value` aggregated over `queryset` rows of the outer project."""
    sub = (
        queryset.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(v=value)
        .values("v")[:1]
    )
    return Subquery(sub, output_field=output)


def weighted_progress():
    """Budget-weighted mean of item progress; the plain mean when no item has a budget."""
    weighted = Sum(F("budget") * F("progress"), output_field=MONEY)
    return Round(
        Coalesce(
            weighted / NullIf(Sum("budget"), Value(Decimal("0"))),
            Avg("progress"),
            output_field=PERCENT,
        ),
        1,
        output_field=PERCENT,
    )


def projects_with_figures(*, projects: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Projects annotated with works budget, funding total, gap, overall progress, overdue and
    missed milestones, open and flagged complaints."""
    today = today or dates.today()
    zero = Value(Decimal("0.00"), output_field=MONEY)
    return projects.select_related("programme", "estate", "estate__community").annotate(
        works_budget=Coalesce(_per_project(WorksItem.objects, Sum("budget"), MONEY), zero),
        funding_total=Coalesce(_per_project(FundingLine.objects, Sum("amount"), MONEY), zero),
        funding_gap=F("funding_total") - F("works_budget"),
        progress_pct=Coalesce(
            _per_project(WorksItem.objects, weighted_progress(), PERCENT),
            Value(Decimal("0.0"), output_field=PERCENT),
        ),
        overdue_count=Coalesce(
            _per_project(
                Milestone.objects.filter(overdue_q(today=today)), Count("pk"), IntegerField()
            ),
            0,
        ),
        missed_count=Coalesce(
            _per_project(
                Milestone.objects.filter(missed_q(today=today)), Count("pk"), IntegerField()
            ),
            0,
        ),
        open_complaints=Coalesce(
            _per_project(
                Complaint.objects.filter(resolved_on__isnull=True), Count("pk"), IntegerField()
            ),
            0,
        ),
        flagged_complaints=Coalesce(
            _per_project(
                Complaint.objects.filter(complaint_flag_q(today=today)), Count("pk"), IntegerField()
            ),
            0,
        ),
    )


def projects_visible(
    *, user, perm: str = access.VIEW, today: datetime.date | None = None
) -> QuerySet:
    """The projects `user` may `perm`, with their figures."""
    return projects_with_figures(
        projects=access.scope_queryset(user, Project.objects.all(), perm), today=today
    )


def overdue_exists(*, today: datetime.date):
    return Exists(Milestone.objects.filter(overdue_q(today=today), project=OuterRef("pk")))


def project_figures(*, project: Project, today: datetime.date | None = None) -> Project:
    """One project with its figures (see projects_with_figures)."""
    return projects_with_figures(projects=Project.objects.filter(pk=project.pk), today=today).get()


def programmes_visible(*, user) -> QuerySet:
    """Programmes the user may see: those covering a node in their scope, and those holding a
    project in their scope (a street office sees the district's programme its estates are in)."""
    q = access.scope_q(user, Programme)
    if q is None:
        return Programme.objects.select_related("region")
    # Programmes of the nodes above the user's (their district's, their city's) cover them too.
    above = set()
    for path in access.region_paths(user, access.VIEW) or []:
        parts = [p for p in path.split(".") if p]
        above.update(".".join(parts[:n]) + "." for n in range(1, len(parts)))
    scoped_projects = access.scope_queryset(user, Project.objects.all())
    return Programme.objects.filter(
        q | Q(region__path__in=above) | Q(pk__in=scoped_projects.values("programme_id"))
    ).select_related("region")


STARTED = [
    Project.Status.UNDER_CONSTRUCTION,
    Project.Status.ACCEPTING,
    Project.Status.COMPLETED,
]


def programmes_overview(*, user, programmes: QuerySet | None = None) -> list[Programme]:
    """Each visible programme with targets and what the user's projects in it achieve:
    projects, started (construction begun), completed, households benefited, budget and funding.
    Four queries whatever the number of programmes and projects."""
    programmes = list(programmes if programmes is not None else programmes_visible(user=user))
    ids = [p.pk for p in programmes]
    projects = access.scope_queryset(user, Project.objects.filter(programme_id__in=ids))
    stats = {
        row["programme_id"]: row
        for row in projects.order_by()
        .values("programme_id")
        .annotate(
            project_count=Count("pk"),
            started=Count("pk", filter=Q(status__in=STARTED)),
            completed=Count("pk", filter=Q(status=Project.Status.COMPLETED)),
            suspended=Count("pk", filter=Q(status=Project.Status.SUSPENDED)),
            households=Coalesce(Sum("households_covered"), 0),
            households_benefited=Coalesce(
                Sum("households_covered", filter=Q(status=Project.Status.COMPLETED)), 0
            ),
        )
    }
    funding = dict(
        FundingLine.objects.filter(project__in=projects)
        .order_by()
        .values("project__programme_id")
        .annotate(total=Sum("amount"))
        .values_list("project__programme_id", "total")
    )
    budget = dict(
        WorksItem.objects.filter(project__in=projects)
        .order_by()
        .values("project__programme_id")
        .annotate(total=Sum("budget"))
        .values_list("project__programme_id", "total")
    )
    empty = {
        "project_count": 0,
        "started": 0,
        "completed": 0,
        "suspended": 0,
        "households": 0,
        "households_benefited": 0,
    }
    for programme in programmes:
        row = stats.get(programme.pk, empty)
        for key in empty:
            setattr(programme, key, row[key])
        programme.investment = funding.get(programme.pk) or Decimal("0.00")
        programme.works_budget = budget.get(programme.pk) or Decimal("0.00")
        programme.completed_pct = (
            round(Decimal(row["completed"]) * 100 / programme.target_estates, 1)
            if programme.target_estates
            else None
        )
        programme.investment_pct = (
            round(programme.investment * 100 / programme.target_investment, 1)
            if programme.target_investment
            else None
        )
    return programmes


def programme_status_counts(*, user, programme: Programme) -> dict[str, int]:
    rows = (
        access.scope_queryset(user, Project.objects.filter(programme=programme))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return dict(rows)


def _strikes_by_official(milestones: QuerySet) -> QuerySet:
    return (
        milestones.order_by()
        .values(
            official_name=F("project__official_name"), official_phone=F("project__official_phone")
        )
        .annotate(
            strikes=Count("pk"),
            projects=Count("project", distinct=True),
            level=Case(
                When(strikes__gte=3, then=Value(3)),
                When(strikes=2, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("-strikes", "official_name")
    )


def officials_with_strikes(*, user, today: datetime.date | None = None) -> QuerySet:
    """Responsible officials with their strikes (missed milestones) across the projects in the
    user's scope, and the escalation level: 1 review, 2 warning, 3+ removal recommended."""
    today = today or dates.today()
    return _strikes_by_official(
        access.scope_queryset(user, Milestone.objects.filter(missed_q(today=today)))
    )


def project_strikes(*, project: Project, user, today: datetime.date | None = None) -> dict:
    """The project's official's strike count and level within the user's scope."""
    today = today or dates.today()
    milestones = access.scope_queryset(
        user,
        Milestone.objects.filter(
            missed_q(today=today),
            project__official_name=project.official_name,
            project__official_phone=project.official_phone,
        ),
    )
    return _strikes_by_official(milestones).first() or {"strikes": 0, "level": 0, "projects": 0}


def project_timeline(
    *, project: Project, milestones: list[Milestone], today: datetime.date
) -> dict:
    """Bars for a simple Gantt view: each milestone runs from the previous planned date (or the
    project start) to its planned date; positions are percentages of the whole span."""
    if not milestones:
        return {"rows": [], "today_pct": None}
    days = [m.planned_date for m in milestones] + [
        m.actual_date for m in milestones if m.actual_date
    ]
    if project.start_date:
        days.append(project.start_date)
    if project.planned_completion_date:
        days.append(project.planned_completion_date)
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def pct(day):
        return round(Decimal((day - first).days) * 100 / span, 2)

    rows = []
    previous = project.start_date or milestones[0].planned_date
    for milestone in milestones:
        begin = min(previous, milestone.planned_date)
        end = milestone.actual_date or (today if milestone.planned_date < today else None)
        rows.append(
            {
                "milestone": milestone,
                "left": pct(begin),
                "width": max(pct(milestone.planned_date) - pct(begin), Decimal("1")),
                "actual": pct(milestone.actual_date) if milestone.actual_date else None,
                "overdue": milestone.actual_date is None and milestone.planned_date < today,
                "late": bool(
                    milestone.actual_date and milestone.actual_date > milestone.planned_date
                ),
                "done": milestone.actual_date is not None,
                "end": end,
            }
        )
        previous = milestone.planned_date
    today_pct = pct(today) if first <= today <= last else None
    return {"rows": rows, "today_pct": today_pct, "first": first, "last": last}


def projects_summary(*, user, today: datetime.date | None = None) -> dict:
    """The home-page panel: project counts in the user's scope and the most overdue ones with
    their overdue milestones (three queries)."""
    today = today or dates.today()
    scoped = access.scope_queryset(user, Project.objects.all())
    counts = scoped.aggregate(
        total=Count("pk"),
        started=Count("pk", filter=Q(status__in=STARTED)),
        completed=Count("pk", filter=Q(status=Project.Status.COMPLETED)),
        overdue=Count("pk", filter=Q(overdue_exists(today=today))),
    )
    most_overdue = list(
        projects_with_figures(projects=scoped, today=today)
        .filter(overdue_count__gt=0)
        .order_by("-overdue_count", "estate__name")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(overdue_q(today=today)).order_by(
                    "planned_date", "pk"
                ),
                to_attr="overdue_milestones",
            )
        )[:5]
    )
    for project in most_overdue:
        for milestone in project.overdue_milestones:
            milestone.days_overdue = (today - milestone.planned_date).days
    return {"project_counts": counts, "overdue_projects": most_overdue, "today": today}
