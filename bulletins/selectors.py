"""What the reporting app reads: the dashboard's figures, gathered from every app's statistics
selectors — the same ones the statistics API serves — over one region of the caller's scope
and its next two levels, with the weekly series for the trend charts. About twenty queries,
whatever the size of the city."""

import datetime
from dataclasses import dataclass, field

from communities.statistics import grandchildren_breakdown, region_breakdown, region_in_reach
from consultations.statistics import consultations_figures
from elevators.statistics import retrofit_figures
from inspections.statistics import points_figures, points_weekly
from projects import statistics as projects
from renovation import dates

TREND_WEEKS = 12


@dataclass
class TreeNode:
    """A child of the region with its completion figures, and its own children's."""

    row: dict
    overdue: dict
    children: list = field(default_factory=list)


def _tree(*, user, breakdown, completion, overdue, filters) -> list[TreeNode]:
    """The children with their completion and overdue figures, each with its children's
    (districts and their subdistricts; subdistricts and their communities...)."""
    overdue_by_child = {row["id"]: row for row in overdue["rows"]}
    nodes = {
        row["id"]: TreeNode(row=row, overdue=overdue_by_child[row["id"]])
        for row in completion["rows"]
    }
    below = grandchildren_breakdown(user=user, breakdown=breakdown)
    if below is not None:
        below_completion = projects.completion_against_target(user=user, breakdown=below, **filters)
        below_overdue = {
            row["id"]: row
            for row in projects.overdue_and_strikes(user=user, breakdown=below, **filters)["rows"]
        }
        for row in below_completion["rows"]:
            parent = nodes.get(row["parent_id"])
            if parent is not None:
                parent.children.append(TreeNode(row=row, overdue=below_overdue[row["id"]]))
    return list(nodes.values())


def region_trail(*, user, region) -> list:
    """The region's ancestors the user may open, top first, then the region itself."""
    ancestors = [a for a in region.ancestors() if a.pk != region.pk]
    return [a for a in ancestors if region_in_reach(user=user, region=a)] + [region]


def dashboard(
    *,
    user,
    region_id: int | None = None,
    programme=None,
    year: int | None = None,
    today: datetime.date | None = None,
    weeks: int = TREND_WEEKS,
) -> dict:
    """Headline figures, the tree of the next two levels with completion and overdue
    projects, the overdue list, and weekly series for the trend charts — for `region_id`
    (default: the user's own node; out of reach: 404), one programme and one year if asked."""
    today = today or dates.today()
    breakdown = region_breakdown(user=user, region_id=region_id)
    filters = {"programme": programme, "year": year}
    common = {"user": user, "breakdown": breakdown, **filters}
    completion = projects.completion_against_target(**common)
    overdue = projects.overdue_and_strikes(**common, today=today)
    week_days = dates.weeks_until(until=today, weeks=weeks)
    as_of = [day for _start, day in week_days]
    series = {"user": user, "region": breakdown.region, "days": as_of, **filters}
    return {
        "breakdown": breakdown,
        "region": breakdown.region,
        "trail": region_trail(user=user, region=breakdown.region),
        "completion": completion,
        "households": projects.households_benefited(**common),
        "investment": projects.investment_by_source(**common),
        "overdue": overdue,
        "consultations": consultations_figures(**common),
        "inspections": points_figures(**common, today=today),
        "elevators": retrofit_figures(**common),
        "tree": _tree(
            user=user,
            breakdown=breakdown,
            completion=completion,
            overdue=overdue,
            filters=filters,
        ),
        "overdue_projects": projects.projects_overdue_list(
            user=user, region=breakdown.region, today=today, **filters
        ),
        "weeks": week_days,
        "completion_weekly": projects.completion_weekly(**series),
        "overdue_weekly": projects.overdue_weekly(**series),
        "inspections_weekly": points_weekly(**series),
    }
