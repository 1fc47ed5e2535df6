"""Reading one cell the way an office writes it: "3号楼", "三幢" and "3" are one building;
"56.3㎡" is an area; "六层" and "6F" are floor 6; "138 1234-5678" is a phone; "张三、李四"
are two owners; "3幢2单元101室" is a building, a stairwell and a room.

Parsers raise `CellError` with a message for the one cell and a summary that is the same for
every cell with that problem, so that 3,000 identical errors become one line in the preview."""

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import Estate, Household


class CellError(Exception):
    def __init__(self, message: str, summary: str | None = None, key: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.summary = str(summary or message)
        self.key = key  # the column at fault, when a parser reads more than one


def text(value) -> str:
    """A cell as text: whole floats without ".0", full-width folded, trimmed. A leading
    apostrophe that the export put before formula-like text (`safe_cell`) is taken off."""
    if value is None:
        return ""
    if type(value) is str:
        return _folded(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _folded(str(value))


@lru_cache(maxsize=1 << 16)
def _folded(value: str) -> str:
    # A sheet repeats the same few thousand strings on every row: fold each once.
    result = unicodedata.normalize("NFKC", value).strip()
    if result[:1] == "'" and result[1:2] in ("=", "+", "-", "@"):
        result = result[1:]
    return result


def nospace(value: str) -> str:
    return "".join(value.split())


CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
CN_NUMERAL = re.compile(r"^[〇零一二两三四五六七八九十百]+$")


def chinese_number(value: str) -> int | None:
    """ "六" → 6, "十二" → 12, "二十一" → 21, "一百零三" → 103, "一〇三" → 103; else None."""
    if not value or not CN_NUMERAL.match(value):
        return None
    if "十" not in value and "百" not in value:
        return int("".join(str(CN_DIGITS[c]) for c in value))
    total, digit = 0, 0
    for char in value:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
    return total + digit


def _strip_number(value: str, *, prefixes=(), suffixes=()) -> str:
    value = nospace(value)
    for prefix in prefixes:
        if value.startswith(prefix) and len(value) > len(prefix):
            value = value[len(prefix) :]
    for suffix in suffixes:  # longest first
        if value.endswith(suffix) and len(value) > len(suffix):
            value = value[: -len(suffix)]
            break
    number = chinese_number(value)
    if number is not None:
        return str(number)
    if value.isdigit():
        return str(int(value))
    return value


BUILDING_SUFFIXES = ("号楼", "#楼", "幢楼", "栋楼", "幢", "栋", "号", "座", "#", "楼")
STAIRWELL_SUFFIXES = ("单元", "门洞", "号", "门")
ROOM_SUFFIXES = ("室", "号", "房")


def building_number(value) -> str:
    """ "3号楼" / "3幢" / "3栋" / "第三幢" / "03" → "3"; "A座" → "A"."""
    return _strip_number(text(value), prefixes=("第",), suffixes=BUILDING_SUFFIXES)


def stairwell_number(value) -> str:
    return _strip_number(text(value), prefixes=("第",), suffixes=STAIRWELL_SUFFIXES)


def room_number(value) -> str:
    return _strip_number(text(value), suffixes=ROOM_SUFFIXES)


NUMERAL = "0-9A-Za-z一二三四五六七八九十百〇零两"
CODE_SEPARATED = re.compile(r"^([^-/~—–]+)[-/~—–]([^-/~—–]+)(?:[-/~—–]([^-/~—–]+))?$")
CODE_WORDS = re.compile(
    rf"^(?:第?(?P<b>[{NUMERAL}]+)(?:号楼|#楼|幢|栋|#|号|座))?"
    rf"(?:第?(?P<s>[{NUMERAL}]+)(?:单元|门洞))?"
    rf"(?P<r>[{NUMERAL}]+)(?:室|号|房)?$"
)


def split_room_code(value) -> tuple[str | None, str | None, str]:
    """A room cell that also names its building and/or stairwell: "3-2-101" and "3幢2单元101室"
    → ("3", "2", "101"); "2单元101室" and "2-101" → (None, "2", "101"); "3号楼101室" → ("3", None,
    "101"); "101" → (None, None, "101"). "101-1" stays one room: a dash followed by a shorter
    part is a flat's suffix, not a stairwell."""
    raw = nospace(text(value))
    match = CODE_WORDS.match(raw)
    if match and (match.group("b") or match.group("s")):
        b, s = match.group("b"), match.group("s")
        return (
            building_number(b) if b else None,
            stairwell_number(s) if s else None,
            room_number(match.group("r")),
        )
    match = CODE_SEPARATED.match(raw)
    if match:
        first, second, third = match.groups()
        if third is not None:
            return building_number(first), stairwell_number(second), room_number(third)
        if len(second) >= len(first):
            return None, stairwell_number(first), room_number(second)
    return None, None, room_number(raw)


def floor_from_room(room: str) -> int | None:
    """The floor a room number states, as flats are numbered here: 602 → 6, 1203 → 12; None
    when the number does not read that way (a letter, a door 00, fewer than three digits)."""
    if not room.isdigit() or not 3 <= len(room) <= 4:
        return None
    floor, door = int(room[:-2]), int(room[-2:])
    return floor if floor >= 1 and door >= 1 else None


def whole_number(value, *, low: int, high: int, unit_words=()) -> int:
    raw = text(value)
    cleaned = nospace(raw)
    for word in unit_words:
        cleaned = cleaned.replace(word, "")
    number = chinese_number(cleaned)
    if number is None:
        try:
            decimal = Decimal(cleaned)
        except InvalidOperation:
            raise CellError(
                _("“%(value)s” is not a whole number.") % {"value": raw},
                _("Not a whole number."),
            ) from None
        if not decimal.is_finite() or decimal != decimal.to_integral_value():
            raise CellError(
                _("“%(value)s” is not a whole number.") % {"value": raw},
                _("Not a whole number."),
            )
        number = int(decimal)
    if not low <= number <= high:
        raise CellError(
            _("%(value)s is outside %(low)s–%(high)s.") % {"value": raw, "low": low, "high": high},
            _("Outside %(low)s–%(high)s.") % {"low": low, "high": high},
        )
    return number


def floor(value) -> int:
    """ "6" / "六层" / "6F" / "第6层" / "6楼" → 6."""
    return whole_number(value, low=1, high=99, unit_words=("第", "层", "楼", "F", "f"))


def floors(value) -> int:
    return whole_number(value, low=1, high=99, unit_words=("层",))


def year(value) -> int:
    if isinstance(value, date):  # a cell formatted as a date: 1986-01-01
        value = value.year
    return whole_number(value, low=1900, high=2100, unit_words=("年",))


def occupants(value) -> int:
    return whole_number(value, low=0, high=99, unit_words=("人",))


AREA_UNITS = re.compile(r"(平方米|平米|m2|m²|㎡|M2)$")


def area(value) -> Decimal:
    """ "56.3" / "56.30㎡" / "56.3平方米" / "５６.３" → Decimal("56.30")."""
    raw = text(value)
    cleaned = AREA_UNITS.sub("", nospace(raw))
    try:
        result = Decimal(repr(value) if isinstance(value, float) else cleaned)
    except InvalidOperation:
        raise CellError(
            _("“%(value)s” is not a number of m².") % {"value": raw}, _("Not a number of m².")
        ) from None
    if not result.is_finite() or result <= 0:
        raise CellError(_("The floor area must be greater than zero."))
    if result >= Decimal("1000000"):
        raise CellError(_("The floor area is too large."))
    if result != result.quantize(Decimal("0.01")):
        raise CellError(_("Give the floor area with at most two decimal places."))
    return result.quantize(Decimal("0.01"))


# China lies north and east: "北纬31.19", "N31.19", "31.19°", "121.46E" are plain degrees.
DEGREE_MARKS = re.compile(r"^(?:北纬|东经|[NE])|(?:°|度|[NE])$", re.IGNORECASE)
DEGREES = Decimal("0.000001")  # what the registry stores: about 11 cm


def _degrees(value, *, limit: int, what: str, other: str) -> Decimal:
    raw = text(value)
    cleaned = DEGREE_MARKS.sub("", nospace(raw))
    try:
        result = Decimal(repr(value) if isinstance(value, float) else cleaned)
    except InvalidOperation:
        raise CellError(
            _("“%(value)s” is not a %(what)s in decimal degrees (e.g. 31.190512).")
            % {"value": raw, "what": what},
            _("Not a number of decimal degrees."),
        ) from None
    if not result.is_finite() or abs(result) > limit:
        hint = (
            _(" Is it the %(other)s?") % {"other": other}
            if limit == 90 and abs(result) <= 180
            else ""
        )
        raise CellError(
            _("%(value)s is not a %(what)s: it lies between -%(limit)s and %(limit)s.")
            % {"value": raw, "what": what, "limit": limit}
            + hint,
            _("Outside -%(limit)s–%(limit)s.") % {"limit": limit},
        )
    # A phone reports more places than the registry keeps (six: about 11 cm).
    return result.quantize(DEGREES)


def latitude(value) -> Decimal:
    """ "31.190512" / "31.190512°" / "N31.190512" / "北纬31.190512" → Decimal, six places."""
    return _degrees(value, limit=90, what=_("latitude (纬度)"), other=_("longitude (经度)"))


def longitude(value) -> Decimal:
    return _degrees(value, limit=180, what=_("longitude (经度)"), other=_("latitude (纬度)"))


def limited(value, *, length: int) -> str:
    result = text(value)
    if len(result) > length:
        raise CellError(
            _("At most %(n)s characters.") % {"n": length},
        )
    return result


YES = {"有", "是", "yes", "y", "true", "1", "✓", "√", "有电梯", "已加装"}
NO = {"无", "否", "没有", "no", "n", "false", "0", "✗", "×", "无电梯", "未加装"}


def yes_no(value) -> bool:
    raw = text(value).lower()
    if raw in YES:
        return True
    if raw in NO or raw == "":
        return False
    raise CellError(_("Write 有 or 无."))


MANAGEMENT_WORDS = {
    "专业物业": Estate.Management.PROFESSIONAL,
    "物业": Estate.Management.PROFESSIONAL,
    "物业管理": Estate.Management.PROFESSIONAL,
    "有物业": Estate.Management.PROFESSIONAL,
    "单位管理": Estate.Management.WORK_UNIT,
    "单位": Estate.Management.WORK_UNIT,
    "单位自管": Estate.Management.WORK_UNIT,
    "自管": Estate.Management.SELF_MANAGED,
    "居民自治": Estate.Management.SELF_MANAGED,
    "自治": Estate.Management.SELF_MANAGED,
    "无物业": Estate.Management.NONE,
    "无": Estate.Management.NONE,
    "三无": Estate.Management.NONE,
    "三无小区": Estate.Management.NONE,
}
# The property kinds offices write (房屋性质). Sold public housing (售后公房, 房改房) and
# resettlement flats belong to their owners; directly or system-managed public housing is
# rented from the state or a work unit.
OWNERSHIP_WORDS = {
    "私有": Household.Ownership.PRIVATE,
    "私有产权": Household.Ownership.PRIVATE,
    "私房": Household.Ownership.PRIVATE,
    "商品房": Household.Ownership.PRIVATE,
    "售后公房": Household.Ownership.PRIVATE,
    "房改房": Household.Ownership.PRIVATE,
    "经济适用房": Household.Ownership.PRIVATE,
    "动迁安置房": Household.Ownership.PRIVATE,
    "安置房": Household.Ownership.PRIVATE,
    "公房": Household.Ownership.PUBLIC_RENTAL,
    "直管公房": Household.Ownership.PUBLIC_RENTAL,
    "系统公房": Household.Ownership.PUBLIC_RENTAL,
    "自管公房": Household.Ownership.PUBLIC_RENTAL,
    "公租房": Household.Ownership.PUBLIC_RENTAL,
    "廉租房": Household.Ownership.PUBLIC_RENTAL,
    "租赁公房": Household.Ownership.PUBLIC_RENTAL,
    "其他": Household.Ownership.OTHER,
    "单位产权": Household.Ownership.OTHER,
}


def choice_words(choices, extra: dict) -> dict:
    """{word as written, lower-case: value} from the choices' labels in both languages."""
    words = {k.lower(): v for k, v in extra.items()}
    for value, label in choices:
        words[str(value).lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words[str(label).lower()] = value
    return words


def choice(value, words: dict) -> str:
    raw = text(value)
    try:
        return words[nospace(raw).lower()]
    except KeyError:
        allowed = "、".join(sorted({k for k in words if not k.isascii()}))
        raise CellError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed},
            _("Not one of: %(allowed)s.") % {"allowed": allowed},
        ) from None


# ---- owners ---------------------------------------------------------------------------------

SEPARATORS = re.compile(r"[、,，/;；\n]+")
# "1.35319E+10": Excel showed a long number in scientific notation and saved it that way.
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
PHONE = re.compile(r"^[0-9]{5,15}$")


class ScientificPhone(CellError):
    """Excel has turned the column's phone numbers into numbers: reported once per column."""


def phone(value) -> str:
    """ "138 1234-5678" / "+86 13812345678" / "(021)6438-1234" → digits only."""
    raw = text(value)
    if SCIENTIFIC.match(raw):
        fix = _(
            "Excel turned the phone numbers into numbers like 1.35319E+10 and their last "
            "digits are lost. In Excel, format the column as text, type or paste the numbers "
            "again, and save."
        )
        raise ScientificPhone(
            _("“%(value)s” lost its digits. %(fix)s") % {"value": raw, "fix": fix}, fix
        )
    digits = re.sub(r"[\s\-()（）.]+", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not PHONE.match(digits):
        raise CellError(
            _("“%(value)s” is not a phone number.") % {"value": raw}, _("Not a phone number.")
        )
    return digits


NOT_A_NAME = re.compile(r"[=()\"'@+:<>\[\]{}]")


def split_many(value, *, names=True) -> list[str]:
    """ "张三、李四" / "张三,李四" / "张三/李四" → ["张三", "李四"]. Text whose parts do not
    read as names or numbers (a formula, a note) stays whole."""
    raw = text(value)
    if not SEPARATORS.search(raw):
        return [raw] if raw else []
    parts = [part.strip() for part in SEPARATORS.split(raw) if part.strip()]
    if names and any(len(part) > 20 or NOT_A_NAME.search(part) for part in parts):
        return [raw]
    return parts


def owners(name_cell, phone_cell) -> list[tuple[str, str]]:
    """The owners one row gives: names and phones in order; a single phone goes with the
    first owner. More phones than owners is an error."""
    return owners_from(split_many(name_cell), split_many(phone_cell, names=False))


def owners_from(names: list[str], phones: list[str]) -> list[tuple[str, str]]:
    try:
        names = [limited(n, length=50) for n in names]
    except CellError as exc:
        exc.key = "owner_name"
        raise
    try:
        phones = [phone(p) for p in phones]
    except CellError as exc:
        exc.key = "owner_phone"
        raise
    if phones and not names:
        raise CellError(_("Give the owner's name with the phone."), key="owner_name")
    if len(phones) > len(names):
        raise CellError(
            _("%(phones)s phone numbers for %(names)s owners.")
            % {"phones": len(phones), "names": len(names)},
            _("More phone numbers than owners."),
            key="owner_phone",
        )
    return [(name, phones[i] if i < len(phones) else "") for i, name in enumerate(names)]
