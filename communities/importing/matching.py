"""What the registry already holds, loaded once per import and looked up the way a file names
things: communities and estates by name within the user's MANAGE scope (also without their
usual suffixes: 日晖六村居委会 is 日晖六村居委), buildings, stairwells and dwellings by their
normalised numbers (building "3号楼" in the registry is the file's "3")."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communities.importing import cells
from communities.models import Building, Estate, Household, Owner, Region, Stairwell
from renovation import access

COMMUNITY_SUFFIXES = re.compile(
    r"(社区居民委员会|居民委员会|社区居委会|居委会|社区居委|社区|居委)$"
)
SUBDISTRICT_SUFFIXES = re.compile(r"(街道办事处|办事处|街道|镇)$")
ESTATE_SUFFIXES = re.compile(r"(小区)$")


def name_key(value) -> str:
    return cells.nospace(cells.text(value))


def _core(pattern, name: str) -> str:
    return pattern.sub("", name) or name


class Ambiguous(Exception):
    """More than one registry object answers to the file's name or number."""

    def __init__(self, names: list[str]):
        self.names = names


@dataclass
class Registry:
    """The part of the registry an import can touch, keyed for matching."""

    user: object
    lock: bool = False
    communities: list = field(default_factory=list)
    estates: list = field(default_factory=list)
    buildings: dict = field(default_factory=dict)  # estate pk → {number key: [Building]}
    stairwells: dict = field(default_factory=dict)  # building pk → {number key: [Stairwell]}
    households: dict = field(default_factory=dict)  # stairwell pk → {room key: [Household]}
    owners: dict = field(default_factory=dict)  # household pk → [Owner], primary first
    all_households: dict = field(default_factory=dict)  # stairwell pk → [Household]
    all_stairwells: dict = field(default_factory=dict)  # building pk → [Stairwell]
    personal_paths: dict = field(default_factory=dict)  # community pk → may see personal data

    def load_scope(self) -> None:
        """The communities and estates the user manages (two queries)."""
        self.communities = list(
            access.scope_queryset(
                self.user, Region.objects.filter(level=Region.Level.COMMUNITY), access.MANAGE
            ).select_related("parent")
        )
        self.estates = list(
            access.scope_queryset(self.user, Estate.objects.all(), access.MANAGE).order_by("pk")
        )
        by_id = {c.pk: c for c in self.communities}
        for estate in self.estates:
            estate.community = by_id.get(estate.community_id) or estate.community

    def load_below(self, estates: list[Estate]) -> None:
        """Buildings, stairwells, dwellings and owners of `estates` (four queries). When the
        import is being written, the rows are locked: a form saving one of them between the
        preview and the write waits for the import, and the plan's digest tells the change."""

        def locked(qs):
            return qs.select_for_update(of=("self",)) if self.lock else qs

        buildings = list(locked(Building.objects.filter(estate__in=estates)).order_by("pk"))
        stairwells = list(locked(Stairwell.objects.filter(building__in=buildings)).order_by("pk"))
        households = list(locked(Household.objects.filter(stairwell__in=stairwells)).order_by("pk"))
        owners = list(
            locked(Owner.objects.filter(household__in=households)).order_by(
                "household_id", "-is_primary", "pk"
            )
        )
        for building in buildings:
            key = cells.building_number(building.number)
            self.buildings.setdefault(building.estate_id, defaultdict(list))[key].append(building)
        for stairwell in stairwells:
            key = cells.stairwell_number(stairwell.number)
            by_number = self.stairwells.setdefault(stairwell.building_id, defaultdict(list))
            by_number[key].append(stairwell)
            self.all_stairwells.setdefault(stairwell.building_id, []).append(stairwell)
        for household in households:
            key = cells.room_number(household.room_number)
            by_room = self.households.setdefault(household.stairwell_id, defaultdict(list))
            by_room[key].append(household)
            self.all_households.setdefault(household.stairwell_id, []).append(household)
        for owner in owners:
            self.owners.setdefault(owner.household_id, []).append(owner)

    # ---- lookups --------------------------------------------------------------------------

    def community(self, name: str, subdistrict: str) -> Region | None:
        """The community the file names, within scope; None when there is none."""
        name, subdistrict = name_key(name), name_key(subdistrict)
        candidates = [c for c in self.communities if c.name == name]
        if not candidates:
            core = _core(COMMUNITY_SUFFIXES, name)
            candidates = [c for c in self.communities if _core(COMMUNITY_SUFFIXES, c.name) == core]
        if subdistrict:
            core = _core(SUBDISTRICT_SUFFIXES, subdistrict)
            candidates = [
                c
                for c in candidates
                if c.parent.name == subdistrict
                or _core(SUBDISTRICT_SUFFIXES, c.parent.name) == core
            ]
        if len(candidates) > 1:
            raise Ambiguous([f"{c.parent.name} {c.name}" for c in candidates])
        return candidates[0] if candidates else None

    def estate(self, name: str, community: Region | None) -> Estate | None:
        """The registered estate of that name (in `community` when given)."""
        name = name_key(name)
        pool = [e for e in self.estates if community is None or e.community_id == community.pk]
        found = [e for e in pool if e.name == name]
        if not found:
            core = _core(ESTATE_SUFFIXES, name)
            found = [e for e in pool if _core(ESTATE_SUFFIXES, e.name) == core]
        if len(found) > 1:
            raise Ambiguous([f"{e.community.name} {e.name}" for e in found])
        return found[0] if found else None

    @staticmethod
    def _one(items: list, label) -> object | None:
        if len(items) > 1:
            raise Ambiguous([label(i) for i in items])
        return items[0] if items else None

    def building(self, estate: Estate, key: str) -> Building | None:
        return self._one(self.buildings.get(estate.pk, {}).get(key, []), lambda b: b.number)

    def stairwell(self, building: Building, key: str) -> Stairwell | None:
        return self._one(self.stairwells.get(building.pk, {}).get(key, []), lambda s: s.number)

    def household(self, stairwell: Stairwell, key: str) -> Household | None:
        return self._one(
            self.households.get(stairwell.pk, {}).get(key, []), lambda h: h.room_number
        )

    def personal(self, community: Region) -> bool:
        if community.pk not in self.personal_paths:
            self.personal_paths[community.pk] = access.sees_personal_data(self.user, community.path)
        return self.personal_paths[community.pk]


def ambiguous_message(kind: str, value: str, names: list[str]) -> str:
    return _(
        "The registry has several %(kind)s that read as “%(value)s” (%(names)s). "
        "Merge or rename them first, or write the name exactly as registered."
    ) % {"kind": kind, "value": value, "names": "、".join(names)}
