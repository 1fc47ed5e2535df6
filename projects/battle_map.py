"""The battle map (挂图作战): every project in the user's scope, grouped by district and
subdistrict with counts per group, and the same projects as markers for the map. A fixed number
of queries whatever the number of streets: the groups' regions (one), their counts (one, in
SQL), the cards (one, only when they fit on a page) — and one for the markers."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Region
from projects.models import Project
from projects.selectors import overdue_exists, projects_visible
from renovation import access, dates, maps
from renovation.templatetags.figures import percent

# Marker and legend colours by status; the cards' colours (static/projects/projects.css).
STATUS_COLOURS = {
    Project.Status.PLANNED: "#9aa5b1",
    Project.Status.CONSULTING: "#1d5fa8",
    Project.Status.DESIGNING: "#7b5cc4",
    Project.Status.UNDER_CONSTRUCTION: "#e0a100",
    Project.Status.ACCEPTING: "#14919b",
    Project.Status.COMPLETED: "#2f7d32",
    Project.Status.SUSPENDED: "#3e4c59",
}
# Past this many projects the page shows each street's counts and a link to open the street,
# not every card of the city at once (the map still shows them all).
CARD_LIMIT = 300
# The most markers one map draws (a city's programme is a few thousand estates).
MARKER_LIMIT = 5000

SORTS = {
    "progress": ("progress_pct", "estate__name"),
    "-progress": ("-progress_pct", "estate__name"),
    "name": ("estate__name",),
    "overdue": ("-overdue_count", "estate__name"),
}


def battle_map_regions(*, user) -> list[Region]:
    """The districts and subdistricts that hold projects in the user's scope, in tree order."""
    scoped = access.scope_queryset(user, Project.objects.all())
    return list(
        Region.objects.filter(
            Q(pk__in=scoped.values("estate__community__parent_id"))
            | Q(pk__in=scoped.values("estate__community__parent__parent_id"))
        ).order_by("path")
    )


def _in_region(projects: QuerySet, region: Region | None) -> QuerySet:
    if region is None:
        return projects
    return projects.filter(estate__community__path__startswith=region.path)


def _counts(*, user, region: Region | None, today: datetime.date) -> dict[int, dict[str, int]]:
    """{subdistrict id: {status: n, ..., "total": n, "overdue": n}} in one query."""
    rows = (
        _in_region(access.scope_queryset(user, Project.objects.all()), region)
        .order_by()
        .values("estate__community__parent_id", "status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(overdue_exists(today=today))))
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        c = counts.setdefault(row["estate__community__parent_id"], {"total": 0, "overdue": 0})
        c[row["status"]] = row["n"]
        c["total"] += row["n"]
        c["overdue"] += row["overdue"]
    return counts


def _summed(parts: list[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for key, n in part.items():
            total[key] = total.get(key, 0) + n
    return total


def _by_status(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(s, label, counts[s]) for s, label in Project.Status.choices if counts.get(s)]


def battle_map(
    *,
    user,
    regions: list[Region],
    region: Region | None = None,
    sort: str = "progress",
    today: datetime.date | None = None,
) -> dict:
    """The page's groups: [{region (district), counts, by_status, subdistricts: [{region,
    counts, by_status, projects (cards, or None past CARD_LIMIT)}]}], the flat `projects` list
    and the `totals` over the whole view. `regions` is `battle_map_regions(user=user)`."""
    today = today or dates.today()
    counts = _counts(user=user, region=region, today=today)
    total = sum(c["total"] for c in counts.values())
    subdistricts = [r for r in regions if r.pk in counts]
    show_cards = total <= CARD_LIMIT or (
        region is not None and region.level == Region.Level.SUBDISTRICT
    )
    cards: dict[int, list[Project]] = {r.pk: [] for r in subdistricts}
    projects: list[Project] = []
    if show_cards:
        projects = list(
            _in_region(projects_visible(user=user, today=today), region)
            .select_related("estate__community__parent")
            .order_by(*SORTS.get(sort, SORTS["progress"]), "pk")
        )
        for project in projects:
            cards.setdefault(project.estate.community.parent_id, []).append(project)
    # More than a handful of streets: the districts open, the streets closed with their counts.
    open_streets = len(subdistricts) <= 3
    groups = []
    for district in (r for r in regions if r.level == Region.Level.DISTRICT):
        streets = [
            {
                "region": s,
                "counts": counts[s.pk],
                "by_status": _by_status(counts[s.pk]),
                "projects": cards[s.pk] if show_cards else None,
                "open": open_streets,
            }
            for s in subdistricts
            if s.parent_id == district.pk
        ]
        if streets:
            district_counts = _summed([s["counts"] for s in streets])
            groups.append(
                {
                    "region": district,
                    "counts": district_counts,
                    "by_status": _by_status(district_counts),
                    "subdistricts": streets,
                }
            )
    totals = _summed(list(counts.values()))
    return {
        "groups": groups,
        "projects": projects,
        "show_cards": show_cards,
        "street_count": len(subdistricts),
        "totals": totals,
        "legend": [(s, label, totals.get(s, 0)) for s, label in Project.Status.choices],
    }


def battle_map_layer(*, url: str) -> dict:
    """The projects' layer of the shared map (renovation.maps), its markers from `url`."""
    return {
        "kind": "project",
        "url": url,
        "title": _("Projects by status"),
        "colours": {str(s): c for s, c in STATUS_COLOURS.items()},
        "legend": [(Project.Status(s).label, c) for s, c in STATUS_COLOURS.items()],
        "overdue_label": _("Red ring: a milestone is overdue"),
    }


def battle_map_markers(
    *, user, region: Region | None = None, today: datetime.date | None = None
) -> dict:
    """The projects in the user's scope (within `region`) as GeoJSON at their estates'
    locations, with what a popup shows; out-of-scope projects are never in it (one query, and
    one more to count those without a location)."""
    today = today or dates.today()
    projects = _in_region(projects_visible(user=user, today=today), region)
    located = projects.filter(estate__latitude__isnull=False, estate__longitude__isnull=False)
    rows = located.order_by("estate__name", "pk").values(
        "pk",
        "status",
        "progress_pct",
        "overdue_count",
        "estate_id",
        "estate__name",
        "estate__latitude",
        "estate__longitude",
        "estate__community__name",
        "programme__name",
    )[: MARKER_LIMIT + 1]
    rows = list(rows)
    labels = dict(Project.Status.choices)
    features = [
        maps.point_feature(
            row["estate__latitude"],
            row["estate__longitude"],
            id=row["pk"],
            title=row["estate__name"],
            url=reverse("projects:detail", args=[row["pk"]]),
            status=row["status"],
            status_label=str(labels[row["status"]]),
            overdue=bool(row["overdue_count"]),
            lines=[
                row["programme__name"],
                _("%(pct)s done") % {"pct": percent(row["progress_pct"])},
                row["estate__community__name"],
            ]
            + (
                [
                    ngettext(
                        "%(n)d milestone overdue", "%(n)d milestones overdue", row["overdue_count"]
                    )
                    % {"n": row["overdue_count"]}
                ]
                if row["overdue_count"]
                else []
            ),
        )
        for row in rows[:MARKER_LIMIT]
    ]
    without = (
        _in_region(access.scope_queryset(user, Project.objects.all()), region)
        .filter(Q(estate__latitude__isnull=True) | Q(estate__longitude__isnull=True))
        .count()
    )
    return maps.feature_collection(
        features, without_location=without, truncated=len(rows) > MARKER_LIMIT
    )
