"""What the registry reads: scoped querysets and SQL aggregates for pages, exports and history.
Every function starts from `renovation.access.scope_queryset`."""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from communities.filtersets import EstatePageFilterSet
from communities.models import Building, Estate, Household, Owner, Stairwell
from renovation import access


def _subquery_total(queryset: QuerySet, outer_field: str, aggregate, output_field):
    """One correlated aggregate per estate. Counting through separate subqueries (rather than
    joining buildings and households into the outer query) keeps the join from fanning out:
    a join would multiply each building by its households."""
    values = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(total=aggregate)
        .values("total")
    )
    return Coalesce(
        Subquery(values, output_field=output_field), Value(0), output_field=output_field
    )


def estates_with_totals(*, estates: QuerySet) -> QuerySet:
    """Estates annotated with building_count, household_count and total_area (m²), in SQL."""
    area = DecimalField(max_digits=14, decimal_places=2)
    return estates.select_related("community").annotate(
        building_count=_subquery_total(
            Building.objects.all(), "estate", Count("pk"), IntegerField()
        ),
        household_count=_subquery_total(
            Household.objects.all(), "stairwell__building__estate", Count("pk"), IntegerField()
        ),
        total_area=_subquery_total(
            Household.objects.all(), "stairwell__building__estate", Sum("floor_area"), area
        ),
    )


def estates_filtered(*, user, data=None) -> tuple[EstatePageFilterSet, QuerySet]:
    """The user's estates filtered by `data` (q, region_id, community_id, community,
    management_type, year_built_min/max), with per-estate totals."""
    base = access.scope_queryset(user, Estate.objects.all())
    # A form's "All" options arrive as empty values; they mean "no filter", not a bad choice.
    cleaned = data.copy() if data is not None else {}
    for key in list(cleaned.keys()):
        values = [
            v
            for v in (cleaned.getlist(key) if hasattr(cleaned, "getlist") else [cleaned[key]])
            if v
        ]
        if not values:
            del cleaned[key]
        elif hasattr(cleaned, "setlist"):
            cleaned.setlist(key, values)
    filterset = EstatePageFilterSet(cleaned, queryset=base, user=user)
    qs = filterset.qs if filterset.is_valid() else base.none()
    return filterset, estates_with_totals(estates=qs).order_by("name", "pk")


def estates_centre(*, user, perm: str = access.VIEW) -> tuple[Decimal, Decimal] | None:
    """The mean location of the located estates the user may `perm` (where a map opens when
    it has nothing else to show), or None when none has a location. One query."""
    centre = (
        access.scope_queryset(user, Estate.objects.filter(latitude__isnull=False), perm)
        .order_by()
        .aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    )
    return None if centre["lat"] is None else (centre["lat"], centre["lng"])


def estate_totals(*, estate: Estate) -> dict:
    return Household.objects.filter(stairwell__building__estate=estate).aggregate(
        households=Count("pk"),
        area=Coalesce(Sum("floor_area"), Value(Decimal("0")), output_field=DecimalField()),
        occupants=Coalesce(Sum("occupants"), Value(0)),
    )


@dataclass
class FloorRow:
    floor: int
    households: list = field(default_factory=list)


def estate_structure(*, estate: Estate, personal: bool) -> list[Building]:
    """The estate's buildings → stairwells → households → owners in four queries. Each stairwell
    gets `floor_rows`: its households grouped by floor, top floor first (as on a notice board);
    each owner `display_name`/`display_phone`, masked unless `personal`."""
    households = Household.objects.order_by("floor", "room_number").prefetch_related(
        Prefetch("owners", queryset=Owner.objects.order_by("-is_primary", "name", "pk"))
    )
    stairwells = Stairwell.objects.order_by("number").prefetch_related(
        Prefetch("households", queryset=households)
    )
    buildings = list(
        estate.buildings.order_by("number").prefetch_related(
            Prefetch("stairwells", queryset=stairwells)
        )
    )
    for building in buildings:
        for stairwell in building.stairwells.all():
            rows = [
                FloorRow(floor, list(items))
                for floor, items in groupby(stairwell.households.all(), key=lambda h: h.floor)
            ]
            stairwell.floor_rows = sorted(rows, key=lambda r: -r.floor)
            stairwell.household_count = sum(len(r.households) for r in rows)
            building.household_count = (
                getattr(building, "household_count", 0) + stairwell.household_count
            )
            for household in stairwell.households.all():
                for owner in household.owners.all():
                    owner.display_name = owner.name if personal else access.mask_name(owner.name)
                    owner.display_phone = (
                        owner.phone if personal else access.mask_phone(owner.phone)
                    )
    return buildings


# ---- export ---------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "community__parent__name",
    "community__name",
    "community__path",
    "name",
    "address",
    "year_built",
    "management_type",
    "property_company",
    "longitude",
    "latitude",
    "buildings__number",
    "buildings__floors",
    "buildings__year_built",
    "buildings__stairwells__number",
    "buildings__stairwells__floors",
    "buildings__stairwells__has_elevator",
    "buildings__stairwells__households__room_number",
    "buildings__stairwells__households__floor",
    "buildings__stairwells__households__floor_area",
    "buildings__stairwells__households__ownership_type",
    "buildings__stairwells__households__occupants",
    "buildings__stairwells__households__owners__name",
    "buildings__stairwells__households__owners__phone",
)


def registry_export_rows(*, user) -> QuerySet:
    """One row per owner (or per household/stairwell/building/estate where there is nothing
    below), in a single query of LEFT JOINs over the user's scope."""
    qs = access.scope_queryset(user, Estate.objects.all())
    return qs.values_list(*EXPORT_FIELDS).order_by(
        "community__path",
        "name",
        "pk",
        "buildings__number",
        "buildings__stairwells__number",
        "buildings__stairwells__households__floor",
        "buildings__stairwells__households__room_number",
        "-buildings__stairwells__households__owners__is_primary",
        "buildings__stairwells__households__owners__pk",
    )


# ---- history --------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    record: object
    kind: str
    label: str
    changes: list
    # A change whose earlier values were never recorded (the object predates its history):
    # `changes` then lists the values it was saved with, `old` None.
    unrecorded: bool = False

    @property
    def who(self) -> str:
        user = self.record.history_user
        return (user.get_full_name() or user.get_username()) if user else ""

    @property
    def what(self) -> str:
        return str(self.record.instance_type._meta.verbose_name)


def _history_models():
    return {
        "estate": Estate.history.model,
        "building": Building.history.model,
        "stairwell": Stairwell.history.model,
        "household": Household.history.model,
        "owner": Owner.history.model,
    }


HISTORY_KINDS = ("estate", "building", "stairwell", "household", "owner")


def _under(parent_field: str, current: QuerySet, recorded: QuerySet) -> Q:
    """Records whose parent is one of `current` (the registry now) or of `recorded` (the
    parent's own history). Both are needed: a parent created without a history row (bulk
    loads, the demo city, data older than the history) still has children whose changes count,
    and a parent deleted since lives on only in its history."""
    return Q(**{f"{parent_field}__in": current.values("id")}) | Q(
        **{f"{parent_field}__in": recorded.values("id")}
    )


def estate_history_querysets(*, estate: Estate, focus: tuple[str, int] | None = None) -> dict:
    """The history records of an estate and of everything under it, including rows deleted
    since (the historical tables keep their parent ids). `focus=("building", pk)` narrows them
    to one building, stairwell or household of the estate and what lies under it."""
    models = _history_models()
    kind, pk = focus if focus is not None else ("", None)
    estates = models["estate"].objects.filter(id=estate.pk)
    building_now = Building.objects.filter(estate_id=estate.pk)
    buildings = models["building"].objects.filter(estate_id=estate.pk)
    if kind == "building":
        building_now, buildings = building_now.filter(id=pk), buildings.filter(id=pk)
    stairwell_now = Stairwell.objects.filter(building__in=building_now.values("id"))
    stairwells = models["stairwell"].objects.filter(_under("building_id", building_now, buildings))
    if kind == "stairwell":
        # Within the estate: a stairwell of another estate's building matches nothing.
        stairwell_now = Stairwell.objects.filter(building__estate_id=estate.pk, id=pk)
        stairwells = stairwells.filter(id=pk)
    household_now = Household.objects.filter(stairwell__in=stairwell_now.values("id"))
    households = models["household"].objects.filter(
        _under("stairwell_id", stairwell_now, stairwells)
    )
    if kind == "household":
        household_now = Household.objects.filter(stairwell__building__estate_id=estate.pk, id=pk)
        households = households.filter(id=pk)
    owners = models["owner"].objects.filter(_under("household_id", household_now, households))
    if kind:
        # The focus shows its own part and what lies under it, not what lies above.
        estates = estates.none()
        if kind in ("stairwell", "household"):
            buildings = buildings.none()
        if kind == "household":
            stairwells = stairwells.none()
    return {
        "estate": estates,
        "building": buildings,
        "stairwell": stairwells,
        "household": households,
        "owner": owners,
    }


def _display(record, field_name, value, *, personal: bool):
    if value is None or value == "":
        return "—"
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if not personal and record.instance_type is Owner:
        if field_name == "name":
            return access.mask_name(str(value))
        if field_name == "phone":
            return access.mask_phone(str(value))
    return value


def _saved_values(record, *, personal: bool) -> list[Change]:
    """The values a record was saved with (its own fields, not its parent), for a change
    whose earlier values were never recorded."""
    values = []
    for model_field in record.instance_type._meta.concrete_fields:
        if model_field.primary_key or model_field.is_relation or not model_field.editable:
            continue
        value = getattr(record, model_field.attname)
        values.append(
            Change(
                str(model_field.verbose_name),
                None,
                _display(record, model_field.name, value, personal=personal),
            )
        )
    return values


def _places(estate: Estate) -> dict:
    """Where each current building/stairwell/household of the estate sits, for the labels."""
    buildings = dict(Building.objects.filter(estate=estate).values_list("id", "number"))
    stairwells = {
        pk: (building_id, number)
        for pk, building_id, number in Stairwell.objects.filter(
            building__estate=estate
        ).values_list("id", "building_id", "number")
    }
    return {"building": buildings, "stairwell": stairwells}


def _label(kind: str, record, places: dict, *, personal: bool) -> str:
    def stairwell_label(stairwell_id):
        building_id, number = places["stairwell"].get(stairwell_id, (None, "?"))
        return _("Building %(b)s, stairwell %(s)s") % {
            "b": places["building"].get(building_id, "?"),
            "s": number,
        }

    if kind == "estate":
        return record.name
    if kind == "building":
        return _("Building %(b)s") % {"b": record.number}
    if kind == "stairwell":
        return _("Building %(b)s, stairwell %(s)s") % {
            "b": places["building"].get(record.building_id, "?"),
            "s": record.number,
        }
    if kind == "household":
        return _("%(stairwell)s, room %(room)s") % {
            "stairwell": stairwell_label(record.stairwell_id),
            "room": record.room_number,
        }
    return record.name if personal else access.mask_name(record.name)


def estate_history(
    *, estate: Estate, personal: bool, focus: tuple[str, int] | None = None, limit: int = 200
) -> list[HistoryEntry]:
    """The latest `limit` changes of the estate and everything under it, newest first, each with
    who, when and what changed (simple-history's diff_against the object's previous record).
    One query per model for the page of records, one per model for their predecessors."""
    querysets = estate_history_querysets(estate=estate, focus=focus)
    latest = []
    for kind, qs in querysets.items():
        for record in qs.select_related("history_user").order_by("-history_date", "-history_id")[
            :limit
        ]:
            latest.append((kind, record))
    latest.sort(key=lambda kr: (kr[1].history_date, kr[1].history_id), reverse=True)
    latest = latest[:limit]

    # The previous record of each shown record, fetched per model in one query.
    previous: dict[tuple[str, int], object] = {}
    by_kind: dict[str, list] = {}
    for kind, record in latest:
        by_kind.setdefault(kind, []).append(record)
    for kind, records in by_kind.items():
        ids = {r.id for r in records}
        all_records = (
            querysets[kind].filter(id__in=ids).order_by("id", "history_date", "history_id")
        )
        for _obj_id, group in groupby(all_records, key=lambda r: r.id):
            prior = None
            for record in group:
                previous[(kind, record.history_id)] = prior
                prior = record

    deltas = {}
    related: dict = {}
    for kind, record in latest:
        prior = previous.get((kind, record.history_id))
        if prior is not None and record.history_type == "~":
            delta = deltas[(kind, record.history_id)] = record.diff_against(prior)
            for change in delta.changes:
                model_field = record.instance_type._meta.get_field(change.field)
                if model_field.is_relation:
                    related.setdefault(model_field.related_model, set()).update(
                        {change.old, change.new}
                    )
    # A moved object names its old and new parent: one query per related model.
    names = {}
    for model, ids in related.items():
        for obj in model._default_manager.filter(pk__in=ids - {None}):
            names[(model, obj.pk)] = str(
                getattr(obj, "name", None) or getattr(obj, "number", obj.pk)
            )

    places = _places(estate)
    entries = []
    for kind, record in latest:
        changes = []
        delta = deltas.get((kind, record.history_id))
        if record.history_type == "~" and previous.get((kind, record.history_id)) is None:
            entries.append(
                HistoryEntry(
                    record,
                    kind,
                    _label(kind, record, places, personal=personal),
                    _saved_values(record, personal=personal),
                    unrecorded=True,
                )
            )
            continue
        for change in delta.changes if delta else ():
            model_field = record.instance_type._meta.get_field(change.field)
            show = (
                (lambda v, f=model_field: names.get((f.related_model, v), f"#{v}"))
                if model_field.is_relation
                else (lambda v, f=change.field, r=record: _display(r, f, v, personal=personal))
            )
            changes.append(
                Change(str(model_field.verbose_name), show(change.old), show(change.new))
            )
        entries.append(
            HistoryEntry(record, kind, _label(kind, record, places, personal=personal), changes)
        )
    return entries
