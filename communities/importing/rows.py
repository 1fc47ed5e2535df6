"""Reading the cells of one row for the planner: parsing with the problem put on the column
as the file names it, the consistency of a place repeated on several rows, and the room cell
that also names its building and stairwell."""

from django.utils.translation import gettext as _

from communities.importing import cells
from communities.importing.columns import BY_KEY
from communities.importing.plan import Problem, place_of

# What makes a row reach below a level: a number or a dwelling's own values. (A floor count
# or an elevator flag on a row that stops early has nothing to describe and is let be.)
BELOW = {
    "estate": ("building", "stairwell", "room_number", "floor", "floor_area", "owner_name"),
    "building": ("stairwell", "room_number", "floor", "floor_area", "owner_name", "owner_phone"),
    "stairwell": ("room_number", "floor", "floor_area", "owner_name", "owner_phone"),
    "room_number": ("floor", "floor_area", "owner_name", "owner_phone"),
}
ORDER = ("estate", "building", "stairwell", "room_number")


class RowReader:
    def __init__(self, columns, problems: list):
        self.by_key = {c.target: c for c in columns if c.target}
        self.problems = problems
        self.parsed = {}  # (key, cell text) → value: a sheet repeats its values on every row
        self.current = {}  # the row being read, to name its place in a problem

    def has(self, key: str) -> bool:
        return key in self.by_key

    def label(self, key: str) -> str:
        column = self.by_key.get(key)
        return column.label if column else BY_KEY[key].header

    def problem(self, row, key, message, summary=None, *, place="", value=""):
        if not place and self.current:
            place = self.place_as_written()
        self.problems.append(
            Problem(
                row,
                self.label(key) if key else "",
                str(message),
                str(summary or message),
                str(place),
                str(value),
            )
        )

    def place_as_written(self) -> str:
        """Estate, building, stairwell and room as the row writes them (for a problem found
        before the row's place in the registry is known)."""
        v = self.current
        return place_of(
            cells.text(v.get("estate")),
            cells.building_number(v.get("building")) if cells.text(v.get("building")) else "",
            cells.stairwell_number(v.get("stairwell")) if cells.text(v.get("stairwell")) else "",
            cells.text(v.get("room_number")),
        )

    def parse(self, row, v, specs: dict, *, place="") -> dict | None:
        """{key: parsed value} for the non-blank cells of `specs` ({key: parser}); None when
        a cell is wrong (reported)."""
        parsed, ok = {}, True
        for key, parser in specs.items():
            raw = v.get(key)
            raw_text = cells.text(raw)
            if raw_text == "":
                continue
            known = self.parsed.get((key, raw_text), self)
            if known is not self:
                parsed[key] = known
                continue
            try:
                parsed[key] = self.parsed[(key, raw_text)] = parser(raw)
            except cells.CellError as exc:
                self.problem(row, key, exc.message, exc.summary, place=place, value=raw_text)
                ok = False
        return parsed if ok else None

    def same(self, row, node, parsed: dict, *, report=True) -> bool:
        """A place repeated on later rows must not contradict its first row."""
        ok = True
        for key, value in parsed.items():
            if key in node.given and node.given[key] != value:
                ok = False
                if report:
                    self.problem(
                        row,
                        key,
                        _("Differs from row %(row)s, which gives “%(value)s”.")
                        % {"row": node.row, "value": node.given[key]},
                        _("Differs from an earlier row for the same place."),
                        place=node.place,
                        value=value,
                    )
        return ok

    def fits(self, row, key, value: str, length: int, *, place="") -> bool:
        if len(value) <= length:
            return True
        self.problem(row, key, _("At most %(n)s characters.") % {"n": length}, place=place)
        return False

    def blank_below(self, row, v, level: str, codes=None) -> None:
        """A row that stops at `level` must have nothing below it: a dwelling's columns without
        a room (or a room without a building) is an error, not a row quietly skipped."""
        filled = [k for k in BELOW[level] if cells.text(v.get(k))]
        if codes is not None:
            filled += [
                lv for lv, code in zip(ORDER[1:], codes, strict=True) if code and lv not in filled
            ]
        if filled:
            self.problem(
                row,
                level,
                _("Missing, but the row gives %(columns)s.")
                % {"columns": "、".join(self.label(k) for k in filled)},
                _("Missing while the row gives values that belong under it."),
            )

    def room_code(self, row, v) -> tuple[str, str, str] | None:
        """(building, stairwell, room) of the row, normalised; a room cell such as "6-1-101"
        gives all three, and must then agree with the building and stairwell columns."""
        building = cells.building_number(v.get("building")) if cells.text(v.get("building")) else ""
        stairwell = (
            cells.stairwell_number(v.get("stairwell")) if cells.text(v.get("stairwell")) else ""
        )
        raw_room = cells.text(v.get("room_number"))
        if not raw_room:
            return building, stairwell, ""
        code_building, code_stairwell, room = cells.split_room_code(raw_room)
        if code_stairwell is not None and code_building is None and stairwell:
            if code_stairwell != stairwell:
                # "101-1" beside stairwell 2 is room 101-1, not stairwell 101
                return building, stairwell, cells.room_number(raw_room)
        conflicts = []
        if code_building is not None and building and code_building != building:
            conflicts.append(self.label("building"))
        if code_stairwell is not None and stairwell and code_stairwell != stairwell:
            conflicts.append(self.label("stairwell"))
        if conflicts:
            self.problem(
                row,
                "room_number",
                _("“%(value)s” names another building or stairwell than the %(columns)s column.")
                % {"value": raw_room, "columns": "、".join(conflicts)},
                _("The room code names another building or stairwell than its columns."),
                value=raw_room,
            )
            return None
        return code_building or building, code_stairwell or stairwell, room

    @staticmethod
    def unmask(value: str, registered: list[str], mask) -> str | None:
        """A masked value ("王**", as an export shows it to someone who may not see names)
        stands for the registered value it masks; None when it masks none of them."""
        if "*" not in value:
            return value
        for candidate in registered:
            if candidate and mask(candidate) == value:
                return candidate
        return None
