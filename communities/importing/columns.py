"""The columns a registry file can have, the names offices give them, and finding the header
row and each column's target in a file laid out the way an office keeps it.

A column's target is one of `COLUMNS` (by key) or "" (ignored). Targets come, in this order,
from what staff chose for the file, from the office's remembered mapping, and from the table
of usual names (`SYNONYMS`); a column nothing recognises is ignored and listed as such in the
preview, never dropped silently."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# The header row is searched for among the first rows: title rows ("斜土街道房屋台账") and
# blank rows above it are common.
HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class Column:
    key: str
    # The header is part of the file format (like a field name), so it is a fixed Chinese
    # string rather than a translated one; English keys are accepted as well.
    header: str
    example: object
    width: int = 12
    label: str = ""  # what the mapping step calls the target (translated)


COLUMNS = (
    Column("subdistrict", "街道", "斜土街道", 12, _("Subdistrict")),
    Column("community", "社区", "日晖六村居委", 14, _("Community")),
    Column("estate", "小区名称", "日晖六村", 14, _("Estate")),
    Column("address", "小区地址", "日晖东路66弄", 18, _("Estate address")),
    Column("year_built", "建成年份", 1986, 10, _("Estate year built")),
    Column("management_type", "物业类型", "无物业", 12, _("Management type")),
    Column("property_company", "物业公司", "", 14, _("Property company")),
    # WGS-84 decimal degrees, as a phone reports them (see renovation/gcj02.py for GCJ-02).
    Column("longitude", "经度", Decimal("121.462231"), 12, _("Longitude (WGS-84)")),
    Column("latitude", "纬度", Decimal("31.190512"), 12, _("Latitude (WGS-84)")),
    Column("building", "楼号", "12", 8, _("Building")),
    Column("building_floors", "楼栋层数", 6, 10, _("Building floors")),
    Column("building_year_built", "楼栋建成年份", 1986, 12, _("Building year built")),
    Column("stairwell", "单元号", "1", 8, _("Stairwell")),
    Column("stairwell_floors", "单元层数", 6, 10, _("Stairwell floors")),
    Column("has_elevator", "有无电梯", "无", 10, _("Elevator")),
    Column("room_number", "室号", "301", 8, _("Room")),
    Column("floor", "所在楼层", 3, 10, _("Floor")),
    Column("floor_area", "建筑面积(㎡)", Decimal("56.30"), 12, _("Floor area (m²)")),
    Column("ownership_type", "产权性质", "私有产权", 12, _("Ownership")),
    Column("occupants", "居住人数", 3, 10, _("Occupants")),
    Column("owner_name", "业主姓名", "张三", 10, _("Owner name")),
    Column("owner_phone", "业主电话", "13812345678", 14, _("Owner phone")),
)
BY_KEY = {c.key: c for c in COLUMNS}

# The names offices give the columns (after `normalise_header`), beside the template's own.
SYNONYMS = {
    "subdistrict": "街道 街道办 街道名称 所属街道 街镇 镇街 街道办事处",
    "community": "社区 居委 居委会 社区名称 所属社区 社区居委会 居委名称 社区居委",
    "estate": "小区 小区名 院落 院落名称 小区院落 小区院落名称 项目名称 小区名字",
    "address": "地址 小区地址 小区坐落 坐落",
    "year_built": "建成年份 建成年代 建造年份 竣工年份 建成时间 建筑年代",
    "management_type": "物业类型 管理类型 物业管理类型 物业管理方式 管理方式 物业形式",
    "property_company": "物业公司 物业服务企业 物业企业 物业名称 物业服务公司",
    "longitude": "经度 东经 小区经度 经度坐标 lng lon long longitude",
    "latitude": "纬度 北纬 小区纬度 纬度坐标 lat latitude",
    "building": "楼号 楼栋号 楼栋 幢 幢号 栋 栋号 楼幢号 楼幢 楼栋编号 号楼",
    "building_floors": "楼栋层数 总层数 楼层数 层数 地上层数",
    "building_year_built": "楼栋建成年份 楼栋建成年代",
    "stairwell": "单元 单元号 门洞 门栋 单元编号 单元门",
    "stairwell_floors": "单元层数",
    "has_elevator": "有无电梯 电梯 是否有电梯 电梯情况 是否加装电梯",
    "room_number": "室号 房号 门牌号 房间号 户号 室 房屋编号 房屋号 门牌",
    "floor": "所在楼层 楼层 所在层 层次 所在层数",
    "floor_area": "建筑面积 面积 房屋面积 房屋建筑面积 产证面积",
    "ownership_type": "产权性质 房屋性质 房屋类型 产权类型 房屋产权性质 住房性质",
    "occupants": "居住人数 人口数 常住人口 人数 居住人口 家庭人数",
    "owner_name": "业主姓名 业主 户主 户主姓名 产权人 产权人姓名 姓名 房主 权利人 承租人 "
    "业主名称 产权人承租人",
    "owner_phone": "业主电话 联系电话 电话 手机号 手机 手机号码 联系方式 电话号码 户主电话",
}


def normalise_header(value) -> str:
    """ "建筑面积（㎡）" → "建筑面积"; full-width → half-width, no spaces, no marks."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)  # units and notes in brackets
    return re.sub(r"[\s*:：/、.。\-_#]+", "", text)


KNOWN_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    KNOWN_HEADERS[normalise_header(_column.key)] = _column.key
for _key, _names in SYNONYMS.items():
    for _name in _names.split():
        KNOWN_HEADERS.setdefault(normalise_header(_name), _key)
for _column in COLUMNS:
    KNOWN_HEADERS[normalise_header(_column.header)] = _column.key


def column_letter(index: int) -> str:
    """0 → A, 27 → AB: the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class MappedColumn:
    index: int
    header: str  # as written in the file
    target: str  # a key of BY_KEY, or "" when ignored
    source: str  # "file" (staff chose), "remembered", "known", "duplicate" or "unknown"

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        return self.header or self.letter


def _guess(header: str, remembered: dict) -> tuple[str, str]:
    key = normalise_header(header)
    if not key:
        return "", "unknown"
    if key in remembered and (remembered[key] == "" or remembered[key] in BY_KEY):
        return remembered[key], "remembered"
    if key in KNOWN_HEADERS:
        return KNOWN_HEADERS[key], "known"
    return "", "unknown"


def find_header(rows: list[tuple[int, list]], remembered: dict) -> int | None:
    """Index in `rows` of the header row: the one among the first rows in which the most
    cells name a known column (at least two). None when no row qualifies."""
    best, best_score = None, 1
    for i, (_number, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        targets = {_guess(cell, remembered)[0] for cell in cells if isinstance(cell, str)}
        score = len(targets - {""})
        if score > best_score:
            best, best_score = i, score
    return best


def map_columns(header: list, remembered: dict, chosen: list | None = None) -> list[MappedColumn]:
    """Each column of `header` with its target. `chosen` (one key or "" per column) is what
    staff set in the mapping step and wins; a target claimed twice goes to the first column
    that claims it, and the others are ignored (shown as such in the preview)."""
    columns, taken = [], set()
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        if chosen is not None and index < len(chosen):
            target, source = chosen[index] if chosen[index] in BY_KEY else "", "file"
        else:
            target, source = _guess(text, remembered)
        if target and target in taken:
            target, source = "", "duplicate"
        if target:
            taken.add(target)
        columns.append(MappedColumn(index, text, target, source))
    return columns


def duplicate_targets(chosen: list[str]) -> list[str]:
    """Targets staff gave to more than one column (to refuse the mapping with a message)."""
    seen, twice = set(), []
    for key in chosen:
        if key and key in seen and key not in twice:
            twice.append(key)
        seen.add(key)
    return twice
