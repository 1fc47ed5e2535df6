"""Registry import and export in one sheet layout (xlsx or CSV): one row per dwelling (or per
owner of a dwelling), with its estate, building and stairwell repeated on every row. A row may
stop early: a row without a building number only declares an estate, and so on down.

Import is all or nothing: every row is checked (names of communities within the user's MANAGE
scope, numbers, floors, areas, duplicates within the file and against the registry), every bad
row is reported with its row number, column and reason, and nothing is written unless the whole
file is valid — then everything is written in one transaction with bulk inserts.

The export writes the user's scoped registry in the same layout, so an export re-imports."""

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from communities.models import Building, Estate, Household, Owner, Region, Stairwell
from communities.selectors import registry_export_rows
from renovation import access

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    # The header is part of the file format (like a field name), so it is a fixed Chinese
    # string rather than a translated one; English keys are accepted as well.
    header: str
    example: object
    width: int = 12


COLUMNS = (
    Column("subdistrict", "街道", "斜土街道", 12),
    Column("community", "社区", "日晖六村居委", 14),
    Column("estate", "小区名称", "日晖六村", 14),
    Column("address", "小区地址", "日晖东路66弄", 18),
    Column("year_built", "建成年份", 1986, 10),
    Column("management_type", "物业类型", "无物业", 12),
    Column("property_company", "物业公司", "", 14),
    Column("building", "楼号", "12", 8),
    Column("building_floors", "楼栋层数", 6, 10),
    Column("building_year_built", "楼栋建成年份", 1986, 12),
    Column("stairwell", "单元号", "1", 8),
    Column("stairwell_floors", "单元层数", 6, 10),
    Column("has_elevator", "有无电梯", "无", 10),
    Column("room_number", "室号", "301", 8),
    Column("floor", "所在楼层", 3, 10),
    Column("floor_area", "建筑面积(㎡)", Decimal("56.30"), 12),
    Column("ownership_type", "产权性质", "私有产权", 12),
    Column("occupants", "居住人数", 3, 10),
    Column("owner_name", "业主姓名", "张三", 10),
    Column("owner_phone", "业主电话", "13812345678", 14),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_COLUMNS = ("community", "estate")

MANAGEMENT_WORDS = {
    "专业物业": Estate.Management.PROFESSIONAL,
    "物业": Estate.Management.PROFESSIONAL,
    "单位管理": Estate.Management.WORK_UNIT,
    "单位": Estate.Management.WORK_UNIT,
    "自管": Estate.Management.SELF_MANAGED,
    "居民自治": Estate.Management.SELF_MANAGED,
    "无物业": Estate.Management.NONE,
    "无": Estate.Management.NONE,
    "三无": Estate.Management.NONE,
}
OWNERSHIP_WORDS = {
    "私有": Household.Ownership.PRIVATE,
    "私有产权": Household.Ownership.PRIVATE,
    "商品房": Household.Ownership.PRIVATE,
    "公房": Household.Ownership.PUBLIC_RENTAL,
    "公租房": Household.Ownership.PUBLIC_RENTAL,
    "其他": Household.Ownership.OTHER,
}
YES = {"有", "是", "yes", "y", "true", "1", "✓"}
NO = {"无", "否", "没有", "no", "n", "false", "0", "✗"}
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


# ---- reading --------------------------------------------------------------------------------


def _norm_header(value) -> str:
    text = str(value or "").strip().lower()
    text = re.sub(r"[（(].*?[)）]", "", text)  # units in brackets: 建筑面积(㎡)
    return re.sub(r"\s+", "", text)


HEADER_LOOKUP = {}
for _column in COLUMNS:
    HEADER_LOOKUP[_norm_header(_column.header)] = _column.key
    HEADER_LOOKUP[_norm_header(_column.key)] = _column.key


def _decode_csv(data: bytes) -> str:
    """Excel saves CSV as UTF-8 with a BOM ("CSV UTF-8") or, on Chinese Windows, as GBK."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("The CSV file is neither UTF-8 nor GBK. Save it from Excel as “CSV UTF-8”.")
    )


def read_table(file, filename: str) -> list[tuple[int, list]]:
    """[(row number as the spreadsheet shows it, cells)], the header row first."""
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB. Split it into several files."))
    name = (filename or "").lower()
    if name.endswith(".csv"):
        text = _decode_csv(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("The file is not a readable xlsx workbook.")) from exc
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    numbered = [(i, row) for i, row in enumerate(rows, start=1) if any(_text(c) for c in row)]
    if not numbered:
        raise ImportFileError(_("The file is empty."))
    if len(numbered) - 1 > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(n)s rows. Split it into several files.") % {"n": MAX_ROWS}
        )
    return numbered


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# ---- parsing cells --------------------------------------------------------------------------


class CellError(Exception):
    pass


def _int(value, *, low: int, high: int) -> int:
    text = _text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    if not low <= number <= high:
        raise CellError(
            _("%(value)s is outside %(low)s–%(high)s.") % {"value": text, "low": low, "high": high}
        )
    return int(number)


def _area(value) -> Decimal:
    text = _text(value)
    try:
        area = Decimal(str(value) if isinstance(value, float) else text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number of m².") % {"value": text}) from None
    if not area.is_finite() or area <= 0:
        raise CellError(_("The floor area must be greater than zero."))
    if area >= Decimal("1000000"):
        raise CellError(_("The floor area is too large."))
    if area != area.quantize(Decimal("0.01")):
        raise CellError(_("Give the floor area with at most two decimal places."))
    return area.quantize(Decimal("0.01"))


def _choice_words(choices, extra: dict) -> dict:
    words = {k.lower(): v for k, v in extra.items()}
    for value, label in choices:
        words[str(value).lower()] = value
        with translation.override("en"):
            words[str(label).lower()] = value
        with translation.override("zh-hans"):
            words[str(label).lower()] = value
    return words


def _choice(value, words: dict) -> str:
    text = _text(value)
    try:
        return words[text.lower()]
    except KeyError:
        allowed = "、".join(sorted({k for k in words if not k.isascii()}))
        raise CellError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
        ) from None


def _bool(value) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO or text == "":
        return False
    raise CellError(_("Write 有 or 无."))


def _limited(value, *, length: int) -> str:
    text = _text(value)
    if len(text) > length:
        raise CellError(_("At most %(n)s characters.") % {"n": length})
    return text


# ---- the import -----------------------------------------------------------------------------


class _Rows:
    """Error collection with the column's header as users see it."""

    def __init__(self):
        self.errors: list[RowError] = []

    def add(self, row: int, key: str | None, message: str):
        header = BY_KEY[key].header if key else ""
        self.errors.append(RowError(row, header, str(message)))


@dataclass
class _Node:
    """An estate/building/stairwell/household of the file: new (obj unsaved) or existing."""

    row: int
    obj: object
    existing: bool
    values: dict
    children: dict = field(default_factory=dict)
    owners: list = field(default_factory=list)


def _communities_in_scope(user) -> dict[str, list[Region]]:
    regions = access.scope_queryset(
        user, Region.objects.filter(level=Region.Level.COMMUNITY), access.MANAGE
    ).select_related("parent")
    by_name: dict[str, list[Region]] = {}
    for region in regions:
        by_name.setdefault(region.name, []).append(region)
    return by_name


def registry_import(*, user, file, filename: str) -> ImportResult:
    """Validate the whole file; write it only when every row is right. See the module doc."""
    result = ImportResult()
    try:
        table = read_table(file, filename)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result

    header_row, header = table[0]
    keys = [HEADER_LOOKUP.get(_norm_header(h)) for h in header]
    missing = [BY_KEY[k].header for k in REQUIRED_COLUMNS if k not in keys]
    if missing:
        result.errors.append(
            RowError(
                header_row, "、".join(missing), _("Required column missing. Use the template.")
            )
        )
        return result

    records = []
    for row_no, cells in table[1:]:
        values = {k: cells[i] if i < len(cells) else None for i, k in enumerate(keys) if k}
        records.append((row_no, values))
    result.rows = len(records)

    plan, errors = _validate(user, records)
    if errors.errors:
        result.errors = sorted(errors.errors, key=lambda e: (e.row, e.column))
        return result
    try:
        result.created = _write(user, plan)
    except IntegrityError:
        # Someone saved the same numbers between our check and the insert.
        result.errors.append(
            RowError(
                0, "", _("The registry changed while importing; nothing was written. Try again.")
            )
        )
    return result


class _Validator:
    """Checks every row against the file so far and the registry; builds the tree to write."""

    def __init__(self, user, records):
        self.errors = _Rows()
        self.communities = _communities_in_scope(user)
        self.management_words = _choice_words(Estate.Management.choices, MANAGEMENT_WORDS)
        self.ownership_words = _choice_words(Household.Ownership.choices, OWNERSHIP_WORDS)
        self.estates: dict[tuple, _Node] = {}

        # What the registry already holds under the named estates: four queries in all.
        community_ids = {r.pk for regions in self.communities.values() for r in regions}
        names = {_text(v.get("estate")) for _, v in records}
        self.db_estates = {
            (e.community_id, e.name): e
            for e in Estate.objects.filter(community_id__in=community_ids, name__in=names)
        }
        self.db_buildings = {
            (b.estate_id, b.number): b
            for b in Building.objects.filter(estate__in=list(self.db_estates.values()))
        }
        self.db_stairwells = {
            (s.building_id, s.number): s
            for s in Stairwell.objects.filter(building__in=list(self.db_buildings.values()))
        }
        self.db_rooms = set(
            Household.objects.filter(stairwell__in=list(self.db_stairwells.values())).values_list(
                "stairwell_id", "room_number"
            )
        )

    # Each step returns the node for the row's place, or None when the row stops here
    # (blank, or an error already reported).

    def parse(self, row, v, specs) -> dict | None:
        """{key: parsed value} for the non-blank cells of `specs` ({key: parser}); None on error."""
        parsed, ok = {}, True
        for key, parser in specs.items():
            if _text(v.get(key)) == "":
                continue
            try:
                parsed[key] = parser(v.get(key))
            except CellError as exc:
                self.errors.add(row, key, str(exc))
                ok = False
        return parsed if ok else None

    def same(self, row, node, parsed) -> bool:
        """A place repeated on later rows must not contradict its first row."""
        ok = True
        for key, value in parsed.items():
            if key in node.values and node.values[key] != value:
                self.errors.add(
                    row,
                    key,
                    _("Differs from row %(row)s, which gives “%(value)s”.")
                    % {"row": node.row, "value": node.values[key]},
                )
                ok = False
        return ok

    def blank_below(self, row, v, keys, missing_key) -> None:
        if any(_text(v.get(k)) for k in keys):
            self.errors.add(row, missing_key, _("Required when the row has columns to its right."))

    def community(self, row, v) -> Region | None:
        name, sub = _text(v.get("community")), _text(v.get("subdistrict"))
        if not name:
            self.errors.add(row, "community", _("Required."))
            return None
        candidates = [r for r in self.communities.get(name, []) if not sub or r.parent.name == sub]
        if not candidates:
            self.errors.add(
                row,
                "community",
                _("No community “%(name)s” in your area (check the name and the subdistrict).")
                % {"name": name},
            )
            return None
        if len(candidates) > 1:
            self.errors.add(
                row,
                "subdistrict",
                _("Several communities are called “%(name)s”: fill in the subdistrict.")
                % {"name": name},
            )
            return None
        return candidates[0]

    def estate(self, row, v, region) -> _Node | None:
        name = _text(v.get("estate"))
        if not name:
            self.errors.add(row, "estate", _("Required."))
            return None
        if len(name) > 100:
            self.errors.add(row, "estate", _("At most %(n)s characters.") % {"n": 100})
            return None
        parsed = self.parse(
            row,
            v,
            {
                "address": lambda x: _limited(x, length=255),
                "year_built": lambda x: _int(x, low=1900, high=2100),
                "management_type": lambda x: _choice(x, self.management_words),
                "property_company": lambda x: _limited(x, length=150),
            },
        )
        if parsed is None:
            return None
        key = (region.pk, name)
        node = self.estates.get(key)
        if node is not None:
            return node if self.same(row, node, parsed) else None
        existing = self.db_estates.get(key)
        if existing is not None:
            # An estate already registered is kept as it is; the file may add to it.
            node = _Node(row, existing, True, {})
        else:
            if not parsed.get("address"):
                self.errors.add(row, "address", _("Required for a new estate."))
                return None
            node = _Node(
                row,
                Estate(
                    community=region,
                    name=name,
                    **{
                        "address": parsed["address"],
                        "year_built": parsed.get("year_built"),
                        "management_type": parsed.get("management_type", Estate.Management.NONE),
                        "property_company": parsed.get("property_company", ""),
                    },
                ),
                False,
                parsed,
            )
        self.estates[key] = node
        return node

    def building(self, row, v, estate) -> _Node | None:
        number = _text(v.get("building"))
        if not number:
            self.blank_below(row, v, ("stairwell", "room_number"), "building")
            return None
        parsed = self.parse(
            row,
            v,
            {
                "building": lambda x: _limited(x, length=20),
                "building_floors": lambda x: _int(x, low=1, high=99),
                "building_year_built": lambda x: _int(x, low=1900, high=2100),
            },
        )
        if parsed is None:
            return None
        parsed.pop("building")
        node = estate.children.get(number)
        if node is not None:
            return node if self.same(row, node, parsed) else None
        existing = self.db_buildings.get((estate.obj.pk, number)) if estate.existing else None
        if existing is not None:
            floors = parsed.get("building_floors")
            if floors is not None and floors != existing.floors:
                self.errors.add(
                    row,
                    "building_floors",
                    _("The registry has %(n)s floors for this building.") % {"n": existing.floors},
                )
                return None
            node = _Node(row, existing, True, {})
        else:
            if "building_floors" not in parsed:
                self.errors.add(row, "building_floors", _("Required for a new building."))
                return None
            node = _Node(
                row,
                Building(
                    number=number,
                    floors=parsed["building_floors"],
                    year_built=parsed.get("building_year_built"),
                ),
                False,
                parsed,
            )
        estate.children[number] = node
        return node

    def stairwell(self, row, v, building) -> _Node | None:
        number = _text(v.get("stairwell"))
        if not number:
            self.blank_below(row, v, ("room_number",), "stairwell")
            return None
        parsed = self.parse(
            row,
            v,
            {
                "stairwell": lambda x: _limited(x, length=20),
                "stairwell_floors": lambda x: _int(x, low=1, high=99),
                "has_elevator": _bool,
            },
        )
        if parsed is None:
            return None
        parsed.pop("stairwell")
        node = building.children.get(number)
        if node is not None:
            return node if self.same(row, node, parsed) else None
        existing = self.db_stairwells.get((building.obj.pk, number)) if building.existing else None
        if existing is not None:
            floors = parsed.get("stairwell_floors")
            if floors is not None and floors != existing.floors:
                self.errors.add(
                    row,
                    "stairwell_floors",
                    _("The registry has %(n)s floors for this stairwell.") % {"n": existing.floors},
                )
                return None
            node = _Node(row, existing, True, {})
        else:
            floors = parsed.get("stairwell_floors", building.obj.floors)
            if floors > building.obj.floors:
                self.errors.add(
                    row,
                    "stairwell_floors",
                    _("The building has only %(n)s floors.") % {"n": building.obj.floors},
                )
                return None
            node = _Node(
                row,
                Stairwell(
                    number=number,
                    floors=floors,
                    has_elevator=parsed.get("has_elevator", False),
                ),
                False,
                parsed,
            )
        building.children[number] = node
        return node

    def household(self, row, v, stairwell) -> None:
        room = _text(v.get("room_number"))
        if not room:
            self.blank_below(
                row, v, ("floor", "floor_area", "owner_name", "owner_phone"), "room_number"
            )
            return
        specs = {
            "room_number": lambda x: _limited(x, length=20),
            "floor": lambda x: _int(x, low=1, high=99),
            "floor_area": _area,
            "ownership_type": lambda x: _choice(x, self.ownership_words),
            "occupants": lambda x: _int(x, low=0, high=99),
            "owner_name": lambda x: _limited(x, length=50),
            "owner_phone": _phone,
        }
        # Check each cell on its own so that one row reports all of its problems at once.
        parsed, ok = {}, True
        for key, parser in specs.items():
            one = self.parse(row, v, {key: parser})
            if one is None:
                ok = False
            else:
                parsed.update(one)
        parsed.pop("room_number", None)
        for key in ("floor", "floor_area"):
            if _text(v.get(key)) == "":
                self.errors.add(row, key, _("Required for a dwelling."))
                ok = False
        floors = stairwell.obj.floors
        if "floor" in parsed and parsed["floor"] > floors:
            self.errors.add(row, "floor", _("The stairwell has only %(n)s floors.") % {"n": floors})
            ok = False
        if _text(v.get("owner_phone")) and not _text(v.get("owner_name")):
            self.errors.add(row, "owner_name", _("Give the owner's name with the phone."))
            ok = False
        if not ok:
            return
        owner = (parsed.pop("owner_name", ""), parsed.pop("owner_phone", ""))
        if stairwell.existing and (stairwell.obj.pk, room) in self.db_rooms:
            self.errors.add(
                row, "room_number", _("Room %(room)s is already in the registry.") % {"room": room}
            )
            return
        node = stairwell.children.get(room)
        if node is not None:
            # The same dwelling again: allowed only to add another owner (as the export writes).
            if node.values != parsed or not owner[0] or owner[0] in {o[0] for o in node.owners}:
                self.errors.add(
                    row,
                    "room_number",
                    _("Room %(room)s appears twice in this stairwell (see row %(row)s).")
                    % {"room": room, "row": node.row},
                )
                return
            node.owners.append(owner)
            return
        node = _Node(
            row,
            Household(
                room_number=room,
                floor=parsed["floor"],
                floor_area=parsed["floor_area"],
                ownership_type=parsed.get("ownership_type", Household.Ownership.PRIVATE),
                occupants=parsed.get("occupants", 0),
            ),
            False,
            parsed,
        )
        if owner[0]:
            node.owners.append(owner)
        stairwell.children[room] = node

    def row(self, row, v) -> None:
        region = self.community(row, v)
        estate = region and self.estate(row, v, region)
        building = estate and self.building(row, v, estate)
        stairwell = building and self.stairwell(row, v, building)
        if stairwell:
            self.household(row, v, stairwell)


def _phone(value) -> str:
    text = _text(value)
    if not PHONE_RE.match(text):
        raise CellError(_("“%(value)s” is not a phone number.") % {"value": text})
    return text


def _validate(user, records):
    validator = _Validator(user, records)
    for row, values in records:
        validator.row(row, values)
    return validator.estates, validator.errors


def _write(user, estates: dict) -> dict:
    """Insert the new part of the tree level by level, with history records, in one transaction."""
    levels = {"estates": [], "buildings": [], "stairwells": [], "households": [], "owners": []}
    with transaction.atomic():
        new = [n.obj for n in estates.values() if not n.existing]
        bulk_create_with_history(new, Estate, default_user=user)
        levels["estates"] = new

        buildings = []
        for estate in estates.values():
            for node in estate.children.values():
                if not node.existing:
                    node.obj.estate = estate.obj
                    buildings.append(node.obj)
        bulk_create_with_history(buildings, Building, batch_size=1000, default_user=user)
        levels["buildings"] = buildings

        stairwells = []
        building_nodes = [b for e in estates.values() for b in e.children.values()]
        for building in building_nodes:
            for node in building.children.values():
                if not node.existing:
                    node.obj.building = building.obj
                    stairwells.append(node.obj)
        bulk_create_with_history(stairwells, Stairwell, batch_size=1000, default_user=user)
        levels["stairwells"] = stairwells

        households, owners = [], []
        stairwell_nodes = [s for b in building_nodes for s in b.children.values()]
        for stairwell in stairwell_nodes:
            for node in stairwell.children.values():
                node.obj.stairwell = stairwell.obj
                households.append(node.obj)
        bulk_create_with_history(households, Household, batch_size=1000, default_user=user)
        for stairwell in stairwell_nodes:
            for node in stairwell.children.values():
                for i, (name, phone) in enumerate(node.owners):
                    owners.append(
                        Owner(household=node.obj, name=name, phone=phone, is_primary=i == 0)
                    )
        bulk_create_with_history(owners, Owner, batch_size=1000, default_user=user)
        levels["owners"] = owners
    return {level: len(objs) for level, objs in levels.items()} | {"households": len(households)}


# ---- template and export --------------------------------------------------------------------


def _workbook(rows, *, title: str):
    """A write-only workbook with the layout's header row, then `rows`, saved to a temp file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width + 4
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF2F7")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def import_template():
    """The template: the header row and one example row (replace it with your data)."""
    example = [
        c.example if not isinstance(c.example, Decimal) else float(c.example) for c in COLUMNS
    ]
    return _workbook([example], title=_("Registry"))


def registry_export(*, user):
    """The user's scoped registry in the import layout, as an xlsx temp file. One query
    (iterated in chunks); owners' names and phones masked outside the user's PERSONAL scope."""
    personal_paths = access.region_paths(user, access.PERSONAL)
    with translation.override("zh-hans"):
        management = {k: str(v) for k, v in Estate.Management.choices}
        ownership = {k: str(v) for k, v in Household.Ownership.choices}
    yes, no = "有", "无"

    def rows():
        for (
            subdistrict,
            community,
            path,
            name,
            address,
            year_built,
            management_type,
            company,
            b_number,
            b_floors,
            b_year,
            s_number,
            s_floors,
            s_elevator,
            room,
            floor,
            area,
            ownership_type,
            occupants,
            owner_name,
            owner_phone,
        ) in registry_export_rows(user=user).iterator(chunk_size=2000):
            personal = personal_paths is None or any(path.startswith(p) for p in personal_paths)
            if not personal:
                owner_name = access.mask_name(owner_name or "")
                owner_phone = access.mask_phone(owner_phone or "")
            yield [
                subdistrict,
                community,
                name,
                address,
                year_built,
                management.get(management_type, management_type),
                company,
                b_number,
                b_floors,
                b_year,
                s_number,
                s_floors,
                None if s_number is None else (yes if s_elevator else no),
                room,
                floor,
                None if area is None else float(area),
                None if room is None else ownership.get(ownership_type, ownership_type),
                None if room is None else occupants,
                owner_name or None,
                owner_phone or None,
            ]

    return _workbook(rows(), title=_("Registry"))
