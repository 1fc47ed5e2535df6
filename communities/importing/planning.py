"""From rows to a plan: what the file would add, change and leave as it is, and every problem,
before anything is written. One row per dwelling (or per owner of a dwelling); a row may stop
early (without a room it only names its stairwell, and so on up).

Matching: estate by name in the user's MANAGE scope, building, stairwell and room by their
normalised numbers. A place the registry has is compared field by field with what the file
gives; a blank cell keeps what the registry has. A dwelling's owners, when the file names
them, are matched by name (a corrected phone is an update; a blank phone keeps the registered
one); registered owners the file does not name are kept unless staff choose to remove them
(`replace_owners`), since a sheet often lists only the 户主."""

from django.utils.translation import gettext as _

from communities.importing import cells
from communities.importing.columns import BY_KEY
from communities.importing.floors import check_floors
from communities.importing.matching import Ambiguous, Registry, ambiguous_message, name_key
from communities.importing.plan import FIELDS, Node, Plan, Where
from communities.importing.rows import RowReader
from communities.models import Building, Estate, Household, Stairwell

SKIPPED = object()  # owners the user may not change: left as they are


class Planner:
    def __init__(self, *, user, columns, header_row, lock=False, replace_owners=False):
        self.plan = Plan(columns=columns, header_row=header_row)
        self.registry = self.plan.registry = Registry(user=user, lock=lock)
        self.reader = RowReader(columns, self.plan.problems)
        self.management_words = cells.choice_words(
            Estate.Management.choices, cells.MANAGEMENT_WORDS
        )
        self.ownership_words = cells.choice_words(
            Household.Ownership.choices, cells.OWNERSHIP_WORDS
        )
        self.masked_owners_skipped = 0
        self.estate_cache = {}
        self.floors_from_rooms = 0
        self.replace_owners = replace_owners

    # ---- the whole file --------------------------------------------------------------------

    def run(self, records: list[tuple[int, dict]], progress=None) -> Plan:
        registry = self.registry
        registry.load_scope()
        named = set()
        for row, values in records:
            try:
                named.add(self._estate_of(row, values, report=False))
            except Ambiguous:
                pass
        registry.load_below([e for e in named if e is not None])
        self.plan.rows = len(records)
        for i, (row, values) in enumerate(records, start=1):
            self.row(row, values)
            if progress and i % 250 == 0:
                progress(i)
        check_floors(self.plan, self.registry, self.reader)
        if self.floors_from_rooms:
            self.plan.warnings.append(
                _(
                    "%(n)s new dwellings have no floor in the file: each floor is read from the "
                    "room number (room 602 is on floor 6)."
                )
                % {"n": self.floors_from_rooms}
            )
        self._warn_unnamed_owners()
        if self.masked_owners_skipped:
            self.plan.warnings.append(
                _(
                    "Owners' names and phones were left as they are for %(n)s dwellings: you "
                    "may not see or change personal data there."
                )
                % {"n": self.masked_owners_skipped}
            )
        return self.plan

    def problem(self, row, key, message, summary=None, place="", value=""):
        self.reader.problem(row, key, message, summary, place=place, value=value)

    # ---- one row, level by level ------------------------------------------------------------

    def row(self, row: int, v: dict) -> None:
        self.reader.current = v
        codes = self.reader.room_code(row, v)
        if codes is None:
            return
        before = len(self.plan.problems)
        estate = self.estate(row, v)
        building = estate and self.building(row, v, estate, codes)
        stairwell = building and self.stairwell(row, v, building, codes)
        if stairwell:
            self.household(row, v, stairwell, codes, estate.obj.community)
        if building and len(self.plan.problems) > before:
            building.failed_rows += 1

    def _estate_of(self, row, v, *, report=True):
        """The registered estate a row names (None for a new one)."""
        key = (cells.text(v.get("estate")), cells.text(v.get("community")), v.get("subdistrict"))
        if key in self.estate_cache:
            return self.estate_cache[key]
        found = self._find_estate(row, v, report=report)
        self.estate_cache[key] = found
        return found

    def _find_estate(self, row, v, *, report=True):
        name = name_key(v.get("estate"))
        if not name:
            return None
        try:
            community = None
            if cells.text(v.get("community")):
                community = self.registry.community(v.get("community"), v.get("subdistrict", ""))
                if community is None:
                    return None
            return self.registry.estate(name, community)
        except Ambiguous as exc:
            if report:
                key = "community" if "community" in v else "estate"
                self.problem(
                    row,
                    key,
                    ambiguous_message(BY_KEY[key].label, name, exc.names),
                    _("Several places in your area answer to this name."),
                    value=name,
                )
            raise

    def estate(self, row, v) -> Node | None:
        name = name_key(v.get("estate"))
        if not name:
            self.reader.blank_below(row, v, "estate")
            return None
        if len(name) > 100:
            self.problem(row, "estate", _("At most %(n)s characters.") % {"n": 100})
            return None
        try:
            existing = self._estate_of(row, v)
        except Ambiguous:
            return None
        community = existing.community if existing else self._new_estate_community(row, v, name)
        if community is None:
            return None
        parsed = self.reader.parse(
            row,
            v,
            {
                "address": lambda x: cells.limited(x, length=255),
                "year_built": cells.year,
                "management_type": lambda x: cells.choice(x, self.management_words),
                "property_company": lambda x: cells.limited(x, length=150),
                "latitude": cells.latitude,
                "longitude": cells.longitude,
            },
        )
        if parsed is None:
            return None
        if ("latitude" in parsed) != ("longitude" in parsed):
            given = "latitude" if "latitude" in parsed else "longitude"
            missing = "longitude" if given == "latitude" else "latitude"
            self.problem(
                row,
                missing if self.reader.has(missing) else given,
                _("Give both the longitude (经度) and the latitude (纬度), or neither."),
            )
            return None
        key = existing.pk if existing else (community.pk, name)
        node = self.plan.estates.get(key)
        if node is not None:
            return node if self.reader.same(row, node, parsed) else None
        if existing is not None:
            node = Node("estate", row, existing, True, parsed, Where(existing.name))
        else:
            if not parsed.get("address"):
                self.problem(
                    row,
                    "address" if self.reader.has("address") else "estate",
                    _(
                        "“%(name)s” is not in the registry yet; a new estate needs its address "
                        "(小区地址 column)."
                    )
                    % {"name": name},
                    _("A new estate needs its address (小区地址 column)."),
                    value=name,
                )
                return None
            obj = Estate(
                community=community,
                name=name,
                address=parsed["address"],
                year_built=parsed.get("year_built"),
                management_type=parsed.get("management_type", Estate.Management.NONE),
                property_company=parsed.get("property_company", ""),
                latitude=parsed.get("latitude"),
                longitude=parsed.get("longitude"),
            )
            node = Node("estate", row, obj, False, parsed, Where(name))
        self._compare(node, "estate")
        self.plan.estates[key] = node
        return node

    def _new_estate_community(self, row, v, name):
        raw = cells.text(v.get("community"))
        if not raw:
            self.problem(
                row,
                "estate",
                _(
                    "No estate “%(name)s” in your area. For a new estate, give its community "
                    "(社区 column)."
                )
                % {"name": name},
                _("Not an estate in your area; a new estate needs its community."),
                value=name,
            )
            return None
        try:
            community = self.registry.community(raw, v.get("subdistrict", ""))
        except Ambiguous:
            self.problem(
                row,
                "subdistrict" if self.reader.has("subdistrict") else "community",
                _("Several communities are called “%(name)s”: fill in the subdistrict.")
                % {"name": raw},
                value=raw,
            )
            return None
        if community is None:
            self.problem(
                row,
                "community",
                _("No community “%(name)s” in your area (check the name and the subdistrict).")
                % {"name": raw},
                _("Not a community in your area."),
                value=raw,
            )
        return community

    def building(self, row, v, estate: Node, codes) -> Node | None:
        number = codes[0]
        if not number:
            self.reader.blank_below(row, v, "building", codes)
            return None
        parsed = self.reader.parse(
            row, v, {"building_floors": cells.floors, "building_year_built": cells.year}
        )
        if parsed is None or not self.reader.fits(row, "building", number, 20):
            return None
        node = estate.children.get(number)
        if node is not None:
            return node if self.reader.same(row, node, parsed) else None
        place = Where(estate.place[0], number)
        existing = None
        if estate.existing:
            try:
                existing = self.registry.building(estate.obj, number)
            except Ambiguous as exc:
                self.problem(
                    row,
                    "building",
                    ambiguous_message(_("buildings"), number, exc.names),
                    place=place,
                    value=number,
                )
                return None
        if existing is not None:
            node = Node("building", row, existing, True, parsed, place)
            self._compare(node, "building")
        else:
            obj = Building(
                number=number,
                floors=parsed.get("building_floors") or 0,  # 0: taken from its dwellings below
                year_built=parsed.get("building_year_built"),
            )
            node = Node("building", row, obj, False, parsed, place)
        estate.children[number] = node
        return node

    def stairwell(self, row, v, building: Node, codes) -> Node | None:
        number = codes[1]
        if not number:
            self.reader.blank_below(row, v, "stairwell", codes)
            return None
        parsed = self.reader.parse(
            row, v, {"stairwell_floors": cells.floors, "has_elevator": cells.yes_no}
        )
        if parsed is None or not self.reader.fits(row, "stairwell", number, 20):
            return None
        node = building.children.get(number)
        if node is not None:
            return node if self.reader.same(row, node, parsed) else None
        place = Where(*building.place[:2], number)
        existing = None
        if building.existing:
            try:
                existing = self.registry.stairwell(building.obj, number)
            except Ambiguous as exc:
                self.problem(
                    row,
                    "stairwell",
                    ambiguous_message(_("stairwells"), number, exc.names),
                    place=place,
                    value=number,
                )
                return None
        if existing is not None:
            node = Node("stairwell", row, existing, True, parsed, place)
            self._compare(node, "stairwell")
        else:
            obj = Stairwell(
                number=number,
                floors=parsed.get("stairwell_floors") or 0,  # 0: the building's floors
                has_elevator=parsed.get("has_elevator", False),
            )
            node = Node("stairwell", row, obj, False, parsed, place)
        building.children[number] = node
        return node

    def household(self, row, v, stairwell: Node, codes, community) -> None:
        room = codes[2]
        place = Where(*stairwell.place[:3], room)
        if not room:
            self.reader.blank_below(row, v, "room_number", codes)
            return
        specs = {
            "floor": cells.floor,
            "floor_area": cells.area,
            "ownership_type": lambda x: cells.choice(x, self.ownership_words),
            "occupants": cells.occupants,
        }
        parsed, ok = {}, self.reader.fits(row, "room_number", room, 20, place=place)
        for key, parser in specs.items():  # each cell on its own: a row reports all its problems
            one = self.reader.parse(row, v, {key: parser}, place=place)
            ok = ok and one is not None
            parsed.update(one or {})
        node = stairwell.children.get(room)
        existing = None
        if node is None and stairwell.existing:
            try:
                existing = self.registry.household(stairwell.obj, room)
            except Ambiguous as exc:
                self.problem(
                    row,
                    "room_number",
                    ambiguous_message(_("rooms"), room, exc.names),
                    place=place,
                    value=room,
                )
                return
        if node is None and existing is None:
            if "floor" not in parsed and cells.text(v.get("floor")) == "":
                floor = cells.floor_from_room(room)
                if floor is not None:
                    parsed["floor"] = floor
                    self.floors_from_rooms += 1
            for key in ("floor", "floor_area"):
                if key not in parsed and cells.text(v.get(key)) == "":
                    self.problem(
                        row,
                        key if self.reader.has(key) else "room_number",
                        _("Required for a new dwelling (%(column)s).")
                        % {"column": BY_KEY[key].header},
                        place=place,
                    )
                    ok = False
        owners = self.owners(row, v, place, existing, community)
        if not ok:
            return
        if node is not None:
            # The same dwelling again: allowed only to add other owners (as the export writes).
            if owners is SKIPPED or owners is False:
                return
            names = {o[0] for o in node.owners or []}
            if (
                not self.reader.same(row, node, parsed, report=False)
                or not owners
                or any(name in names for name, _phone in owners)
            ):
                self.problem(
                    row,
                    "room_number",
                    _("Room %(room)s appears twice in this stairwell (see row %(row)s).")
                    % {"room": room, "row": node.row},
                    _("The same room appears twice in one stairwell."),
                    place=place,
                    value=room,
                )
                return
            node.owners = (node.owners or []) + owners
            self._compare_owners(node)
            return
        if existing is not None:
            node = Node("household", row, existing, True, parsed, place)
            self._compare(node, "household")
        else:
            obj = Household(
                room_number=room,
                floor=parsed["floor"],
                floor_area=parsed["floor_area"],
                ownership_type=parsed.get("ownership_type", Household.Ownership.PRIVATE),
                occupants=parsed.get("occupants", 0),
            )
            node = Node("household", row, obj, False, parsed, place)
        node.owners = None if owners is SKIPPED or owners is False else owners
        self._compare_owners(node)
        stairwell.children[room] = node

    # ---- owners -----------------------------------------------------------------------------

    def owners(self, row, v, place, existing, community):
        """[(name, phone)] the row gives; None when it gives none, SKIPPED when the user may not
        change personal data there, False on error (reported)."""
        if not (cells.text(v.get("owner_name")) or cells.text(v.get("owner_phone"))):
            return None
        if community is not None and not self.registry.personal(community):
            self.masked_owners_skipped += 1
            return SKIPPED
        registered = self.registry.owners.get(existing.pk, []) if existing else []
        names = [
            self.reader.unmask(n, [o.name for o in registered], _mask_name)
            for n in cells.split_many(v.get("owner_name"))
        ]
        phones = [
            self.reader.unmask(p, [o.phone for o in registered], _mask_phone)
            for p in cells.split_many(v.get("owner_phone"), names=False)
        ]
        if None in names or None in phones:
            self.problem(
                row,
                "owner_name" if None in names else "owner_phone",
                _("The owner's name or phone is masked (“*”): write it in full or leave it empty."),
                place=place,
            )
            return False
        try:
            return cells.owners_from(names, phones)
        except cells.CellError as exc:
            value = cells.text(v.get(exc.key))
            self.problem(row, exc.key, exc.message, exc.summary, place=place, value=value)
            return False

    def _compare_owners(self, node: Node) -> None:
        """The dwelling's owners once written: the file's, in its order (the first is the
        primary owner), then, unless they are to be removed, the registered ones it does not
        name. A blank phone in the file keeps the registered phone of that owner."""
        if node.owners is None or not node.existing:
            return
        registered = self.registry.owners.get(node.obj.pk, [])
        old = [(o.name, o.phone) for o in registered]
        phones = {o.name: o.phone for o in registered}
        given = [(name, phone or phones.get(name, "")) for name, phone in node.owners]
        named = {name for name, _phone in given}
        unnamed = [(name, phone) for name, phone in old if name not in named]
        node.unnamed_owners = len(unnamed)
        new = given if self.replace_owners else given + unnamed
        if old != new:
            node.changes["owners"] = (old, new)
        else:
            node.changes.pop("owners", None)

    def _warn_unnamed_owners(self) -> None:
        dwellings = [n for n in self.plan.nodes("household") if n.unnamed_owners]
        self.plan.unnamed_owners = sum(n.unnamed_owners for n in dwellings)
        if not dwellings:
            return
        counts = {"n": self.plan.unnamed_owners, "dwellings": len(dwellings)}
        if self.replace_owners:
            message = _(
                "%(n)s registered owners of %(dwellings)s dwellings are not named in the file "
                "and will be removed."
            )
        else:
            message = _(
                "%(n)s registered owners of %(dwellings)s dwellings are not named in the file "
                "(a sheet that lists only the 户主?): they are kept."
            )
        self.plan.warnings.append(message % counts)

    # ---- comparing and final checks ---------------------------------------------------------

    def _compare(self, node: Node, kind: str) -> None:
        for key, name in FIELDS[kind].items():
            if key in node.given and node.existing:
                old, new = getattr(node.obj, name), node.given[key]
                if old != new:
                    node.changes[name] = (old, new)


def _mask_name(value: str) -> str:
    from renovation.access import mask_name

    return mask_name(value)


def _mask_phone(value: str) -> str:
    from renovation.access import mask_phone

    return mask_phone(value)
