"""The plan of one import: every place the file names, new or registered, with what would
change, and every problem found. Built by planning.py, shown by preview.py, written by
applying.py."""

import hashlib
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communities.importing.columns import MappedColumn


@dataclass
class Problem:
    row: int  # 0: the file as a whole
    column: str  # the column as the file names it
    message: str
    summary: str = ""
    place: str = ""
    value: str = ""

    def __post_init__(self):
        self.summary = self.summary or self.message


@dataclass(eq=False)
class Node:
    kind: str  # estate, building, stairwell, household
    row: int  # the first row that names it
    obj: object  # the registry's object, or a new unsaved one
    existing: bool
    given: dict  # what the file gives, parsed
    place: "Where"
    changes: dict = field(default_factory=dict)  # field → (old, new)
    children: dict = field(default_factory=dict)
    owners: list | None = None  # households: [(name, phone)] when the file names owners
    failed_rows: int = 0  # rows under it that had a problem (their dwellings are not in it)
    unnamed_owners: int = 0  # households: registered owners the file does not name


# What each level takes from the file: {file key: model field}.
FIELDS = {
    "estate": {
        "address": "address",
        "year_built": "year_built",
        "management_type": "management_type",
        "property_company": "property_company",
        "latitude": "latitude",
        "longitude": "longitude",
    },
    "building": {"building_floors": "floors", "building_year_built": "year_built"},
    "stairwell": {"stairwell_floors": "floors", "has_elevator": "has_elevator"},
    "household": {
        "floor": "floor",
        "floor_area": "floor_area",
        "ownership_type": "ownership_type",
        "occupants": "occupants",
    },
}


@dataclass
class Plan:
    columns: list[MappedColumn]
    header_row: int
    rows: int = 0
    estates: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_filled: dict = field(default_factory=dict)  # ignored column index → filled cells
    registry: object = None  # the matching.Registry the plan was made against
    unnamed_owners: int = 0  # registered owners the file does not name

    @property
    def ok(self) -> bool:
        return not self.problems

    def nodes(self, kind: str) -> list[Node]:
        level = list(self.estates.values())
        for _depth in ("building", "stairwell", "household")[
            : ("estate", "building", "stairwell", "household").index(kind)
        ]:
            level = [child for node in level for child in node.children.values()]
        return level

    def counts(self) -> dict:
        new, changed, unchanged = {}, {}, {}
        for kind in ("estate", "building", "stairwell", "household"):
            nodes = self.nodes(kind)
            new[kind] = sum(1 for n in nodes if not n.existing)
            changed[kind] = sum(1 for n in nodes if n.existing and n.changes)
            unchanged[kind] = sum(1 for n in nodes if n.existing and not n.changes)
        households = self.nodes("household")
        new["owner"] = sum(len(n.owners or []) for n in households if not n.existing)
        return {"new": new, "changed": changed, "unchanged": unchanged}

    def writes(self) -> bool:
        counts = self.counts()
        return any(counts["new"].values()) or any(counts["changed"].values())

    def digest(self) -> str:
        """A fingerprint of every write the plan makes, to tell at confirmation whether the
        registry changed since the preview."""
        ops = []
        for kind in ("estate", "building", "stairwell", "household"):
            for node in self.nodes(kind):
                if not node.existing:
                    ops.append(["new", kind, list(node.place), _plain(node.given), node.owners])
                elif node.changes:
                    ops.append(["change", kind, node.obj.pk, _plain(node.changes)])
        return hashlib.sha256(json.dumps(ops, default=str).encode()).hexdigest()


def _plain(values: dict) -> list:
    return sorted([k, str(v)] for k, v in values.items())


class Where(tuple):
    """(estate, building, stairwell, room) of a place, put into words only when shown: most
    places of a file never are, and the words cost three translations each."""

    def __new__(cls, estate="", building="", stairwell="", room=""):
        return super().__new__(cls, (estate, building, stairwell, room))

    def __str__(self):
        return place_of(*self)


def place_of(estate="", building="", stairwell="", room="") -> str:
    parts = [estate]
    if building:
        parts.append(_("building %(n)s") % {"n": building})
    if stairwell:
        parts.append(_("stairwell %(n)s") % {"n": stairwell})
    if room:
        parts.append(_("room %(n)s") % {"n": room})
    return " ".join(p for p in parts if p)


def final(node: Node, name: str):
    """A field's value once the plan is written."""
    if name in node.changes:
        return node.changes[name][1]
    return getattr(node.obj, name)
