"""The breakdown every statistic shares: a region node of the caller's scope and the next level
of the tree below it (city → districts → subdistricts → communities → estates).

`region_breakdown(user=..., region_id=...)` resolves the node (404 outside the scope) and lists
its children in the scope. Each app's statistics group their rows by `breakdown.key(lookup)`,
an expression over the region path that needs one join (the community's row) whatever the
level: the path "1.4.17.33." names every ancestor, so the district of a community is the
second part of its path. `breakdown.figures(rows, fields)` lays the grouped rows onto the
children (a child without rows gets zeros) and adds up the totals."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, CharField, F, Func, Q, Value
from django.db.models.functions import Cast, NullIf
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from communities.models import Estate, Region
from renovation import access, dates

CHILD_KIND = {
    Region.Level.CITY: "district",
    Region.Level.DISTRICT: "subdistrict",
    Region.Level.SUBDISTRICT: "community",
    Region.Level.COMMUNITY: "estate",
}
KIND_LABELS = {
    "district": _("District"),
    "subdistrict": _("Subdistrict"),
    "community": _("Community"),
    "estate": _("Estate"),
}


def _parts(path: str) -> list[str]:
    return [p for p in path.split(".") if p]


def _common_path(paths: Sequence[str]) -> str:
    """The longest path every one of `paths` starts with ("" when they share no city)."""
    split = [_parts(p) for p in paths]
    common = []
    for column in zip(*split, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return "".join(f"{p}." for p in common)


def _ancestor_paths(paths: Iterable[str]) -> set[str]:
    """Every path strictly above one of `paths`."""
    above = set()
    for path in paths:
        parts = _parts(path)
        above.update("".join(f"{p}." for p in parts[:n]) for n in range(1, len(parts)))
    return above


def default_region(*, user) -> Region:
    """The node a user's statistics start from: the city for a superuser, else the user's own
    node (the lowest node above all of them when the user holds several)."""
    paths = None if user is None else access.region_paths(user, access.VIEW)
    if paths is None:
        region = Region.objects.filter(level=Region.Level.CITY).order_by("pk").first()
    else:
        common = _common_path(paths) if paths else ""
        region = Region.objects.filter(path=common).first() if common else None
    if region is None:
        raise Http404
    return region


def region_in_reach(*, user, region: Region) -> bool:
    """Whether `user` may ask for statistics of `region`: a node of their scope, or one of the
    nodes between their own nodes and the lowest node above all of them (its figures then cover
    only the user's part)."""
    paths = None if user is None else access.region_paths(user, access.VIEW)
    if paths is None:
        return True
    if any(region.path.startswith(p) for p in paths):
        return True
    common = _common_path(paths) if paths else ""
    return bool(common) and region.path.startswith(common) and region.path in _ancestor_paths(paths)


def path_child_key(path_field: str, level: int):
    """The id of the node at `level` + 1 on the path in `path_field`, as a bigint; NULL when the
    path ends at `level` (a row of the node itself, e.g. a programme set for it)."""
    part = Func(
        F(path_field), Value("."), Value(level + 1), function="split_part", output_field=CharField()
    )
    return Cast(NullIf(part, Value("")), BigIntegerField())


@dataclass
class Breakdown:
    """A region node and the children its statistics are broken down by."""

    region: Region
    child_kind: str
    children: list[dict] = field(default_factory=list)  # [{"id": .., "name": ..}] in order
    # The level the rows hang under: the region's own, or one below for its grandchildren.
    level: int = 0

    def __post_init__(self):
        self.level = self.level or self.region.level

    @property
    def child_label(self):
        return KIND_LABELS[self.child_kind]

    def within(self, region_lookup: str) -> Q:
        """Rows of a model reached by `region_lookup` ("estate__community") inside the node."""
        path = f"{region_lookup}__path" if region_lookup else "path"
        return Q(**{f"{path}__startswith": self.region.path})

    def key(self, region_lookup: str):
        """The child a row of a model reached by `region_lookup` counts for: a region id, or an
        estate id below a community. `region_lookup` must reach a community (every scoped model
        below the estate does)."""
        if self.child_kind == "estate":
            estate = region_lookup.removesuffix("community").removesuffix("__")
            return F(f"{estate}_id" if estate else "pk")
        return path_child_key(f"{region_lookup}__path", self.level)

    def region_key(self, region_field: str):
        """The child a row hanging on any region node (a programme) counts for: NULL for a row
        of the node itself; below a community, NULL too (estates have no programmes)."""
        if self.child_kind == "estate":
            return Value(None, output_field=BigIntegerField())
        return path_child_key(f"{region_field}__path", self.level)

    def figures(self, rows: Iterable[dict], fields: Sequence[str], *, key: str = "child") -> dict:
        """Lay grouped `rows` (each with `key` and `fields`) onto the children, zero where a
        child has none, and add them up. Rows of children outside the list (none, when the query
        is scoped like the children) and rows without a child count in the totals only."""
        by_child = {}
        totals = dict.fromkeys(fields, 0)
        for row in rows:
            for name in fields:
                totals[name] += row[name] or 0
            if row[key] is not None:
                by_child[row[key]] = row
        children = []
        for child in self.children:
            row = by_child.get(child["id"], {})
            children.append({**child, **{name: row.get(name) or 0 for name in fields}})
        return {"rows": children, "totals": totals}


def scoped(user, queryset):
    """`queryset` in `user`'s scope; `user=None` is the whole city (system jobs such as the
    weekly bulletins, never a request)."""
    return queryset if user is None else access.scope_queryset(user, queryset)


def statistics_region(*, user, region_id: int | None = None) -> Region:
    """The node `region_id` (default: the user's own, see `default_region`); 404 when it does
    not exist or is out of the user's reach. One query."""
    if region_id is None:
        return default_region(user=user)
    region = Region.objects.filter(pk=region_id).first()
    if region is None or not region_in_reach(user=user, region=region):
        raise Http404
    return region


def region_breakdown(
    *, user, region_id: int | None = None, region: Region | None = None
) -> Breakdown:
    """The node (`region`, or `region_id` resolved by `statistics_region`) with its children in
    the user's scope, in the order people know them (administrative code). Two queries."""
    if region is None:
        region = statistics_region(user=user, region_id=region_id)
    kind = CHILD_KIND[Region.Level(region.level)]
    if kind == "estate":
        estates = scoped(user, Estate.objects.filter(community=region))
        children = list(estates.order_by("name", "pk").values("id", "name"))
    else:
        regions = _reachable(user, Region.objects.filter(parent=region))
        children = list(regions.order_by("code", "pk").values("id", "name"))
    return Breakdown(region=region, child_kind=kind, children=children)


def grandchildren_breakdown(*, user, breakdown: Breakdown) -> Breakdown | None:
    """The level below `breakdown`'s children, all of it in one breakdown (each row names its
    `parent_id`, one of the children): the subdistricts of a city's districts, the estates of a
    subdistrict's communities. None below a community. One query."""
    if breakdown.child_kind == "estate":
        return None
    level = breakdown.region.level + 1
    kind = CHILD_KIND[Region.Level(level)]
    if kind == "estate":
        estates = scoped(user, Estate.objects.filter(community__parent=breakdown.region))
        children = estates.order_by("name", "pk").values("id", "name", parent_id=F("community_id"))
    else:
        regions = _reachable(user, Region.objects.filter(parent__parent=breakdown.region))
        children = regions.order_by("code", "pk").values("id", "name", "parent_id")
    return Breakdown(region=breakdown.region, child_kind=kind, children=list(children), level=level)


def _reachable(user, regions):
    """`regions` in the user's scope, or on the way down to the user's nodes."""
    paths = None if user is None else access.region_paths(user, access.VIEW)
    if paths is None:
        return regions
    return regions.filter(access.scope_q(user, Region) | Q(path__in=_ancestor_paths(paths)))


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` in percent points, one decimal; None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def figures_as_of(
    queryset, *, columns: dict, days: Sequence[datetime.date], figures: dict[str, str]
) -> list[dict]:
    """The same figures as of each of `days`, in one query whatever the number of days: the
    rows of `queryset` (scoped and filtered as usual) with `columns` ({alias: field or
    expression}), crossed with the days, grouped by day. Each figure is an SQL aggregate over
    `r.<alias>` and the day, `d.day` (a date) and `d.day_end` (the first moment after it in the
    portal's time zone), e.g. "count(*) FILTER (WHERE r.found < d.day_end)". One dict per day,
    in order; a week's figures for a bulletin are `figures_as_of(..., days=[sunday])[0]`.

    The SQL is written out (not one filtered aggregate per day and figure) so that its size and
    the time to build it do not grow with the weeks, and a figure that needs a subquery per row
    (a point's first remedying step) computes it once per row, not once per day."""
    if not days:
        return []
    rows_sql, params = queryset.order_by().values(**columns).query.sql_with_params()
    selected = ", ".join(f"{sql} AS {name}" for name, sql in figures.items())
    sql = (
        f"SELECT d.day, {selected} FROM ({rows_sql}) AS r "
        "CROSS JOIN unnest(%s::date[], %s::timestamptz[]) AS d(day, day_end) "
        "GROUP BY d.day ORDER BY d.day"
    )
    ends = [dates.day_end(day) for day in days]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, list(days), ends])
        found = {row[0]: dict(zip(figures, row[1:], strict=True)) for row in cursor.fetchall()}
    empty = dict.fromkeys(figures, 0)
    return [{k: v or 0 for k, v in found.get(day, empty).items()} for day in days]
