"""One cell as offices write it: numbers with their words, Chinese numerals, full-width digits,
room codes, areas with units, phones with spaces, several owners in one cell."""

from decimal import Decimal

import pytest
from django.utils import translation

from communities.importing import cells
from communities.importing.columns import find_header, map_columns, normalise_header


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def chinese(n: int) -> str:
    """1..999 written out the way people write it: 十二, 二十一, 一百零三, 三百一十."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if not hundreds and tens == 1 else digits[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += digits[ones]
    return out


def test_every_chinese_numeral_from_one_to_999_reads_as_its_number():
    assert [cells.chinese_number(chinese(n)) for n in range(1, 1000)] == list(range(1, 1000))


@pytest.mark.parametrize(
    "written, number",
    [("3", "3"), ("3号楼", "3"), ("3幢", "3"), ("3栋", "3"), ("三号楼", "3"), ("第三幢", "3")]
    + [("03", "3"), ("３号楼", "3"), ("12#", "12"), ("12#楼", "12"), ("A座", "A"), (3.0, "3")],
)
def test_building_numbers_are_normalised(written, number):
    assert cells.building_number(written) == number


@pytest.mark.parametrize(
    "written, number",
    [("1", "1"), ("1单元", "1"), ("一单元", "1"), ("第2单元", "2"), ("2号", "2"), ("东", "东")],
)
def test_stairwell_numbers_are_normalised(written, number):
    assert cells.stairwell_number(written) == number


@pytest.mark.parametrize(
    "written, parts",
    [
        ("101", (None, None, "101")),
        ("101室", (None, None, "101")),
        (101.0, (None, None, "101")),
        ("3-2-101", ("3", "2", "101")),
        ("3－2－101", ("3", "2", "101")),  # full-width dashes
        ("3/2/101", ("3", "2", "101")),
        ("3幢2单元101室", ("3", "2", "101")),
        ("3号楼2单元101", ("3", "2", "101")),
        ("三号楼二单元101室", ("3", "2", "101")),
        ("2单元101室", (None, "2", "101")),
        ("3号楼101室", ("3", None, "101")),
        ("2-101", (None, "2", "101")),
        ("101-1", (None, None, "101-1")),  # a divided flat, not stairwell 101
    ],
)
def test_room_codes_split_into_building_stairwell_and_room(written, parts):
    assert cells.split_room_code(written) == parts


@pytest.mark.parametrize(
    "written, floor",
    [
        ("6", 6),
        ("六层", 6),
        ("6F", 6),
        ("6f", 6),
        ("第6层", 6),
        ("6楼", 6),
        ("十二层", 12),
        (6.0, 6),
    ],
)
def test_floors_as_offices_write_them(written, floor):
    assert cells.floor(written) == floor


@pytest.mark.parametrize("written", ["B1", "-1", "地下", "6.5", "100"])
def test_floors_that_are_not_a_floor_are_refused(written):
    with pytest.raises(cells.CellError):
        cells.floor(written)


@pytest.mark.parametrize(
    "room, floor",
    [("602", 6), ("1203", 12), ("101", 1), ("1", None), ("A01", None)]
    + [("600", None), ("12345", None)],
)
def test_a_rooms_number_states_its_floor(room, floor):
    assert cells.floor_from_room(room) == floor


@pytest.mark.parametrize(
    "written, area",
    [("56.3", "56.30"), ("56.30㎡", "56.30"), ("56.3平方米", "56.30"), ("56.3 m²", "56.30")]
    + [("５６．３", "56.30"), (56.3, "56.30"), ("72平米", "72.00"), (72, "72.00")],
)
def test_areas_with_their_units(written, area):
    assert cells.area(written) == Decimal(area)


@pytest.mark.parametrize("written", ["0", "-5", "abc", "56.333", "1e9"])
def test_areas_that_cannot_be_right_are_refused(written):
    with pytest.raises(cells.CellError):
        cells.area(written)


@pytest.mark.parametrize(
    "written, phone",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        (13812345678.0, "13812345678"),
    ]
    + [("138-1234-5678", "13812345678"), ("+86 138 1234 5678", "13812345678")]
    + [("(021)6438-1234", "02164381234"), ("１３８１２３４５６７８", "13812345678")],
)
def test_phones_are_stored_as_digits(written, phone):
    assert cells.phone(written) == phone


def test_a_phone_excel_showed_in_scientific_notation_says_how_to_fix_it():
    with pytest.raises(cells.ScientificPhone) as error:
        cells.phone("1.35319E+10")
    assert "text" in error.value.summary and "1.35319E+10" in error.value.message


@pytest.mark.parametrize(
    "names, phones, owners",
    [
        ("张三", "13812345678", [("张三", "13812345678")]),
        ("张三、李四", "13812345678", [("张三", "13812345678"), ("李四", "")]),
        (
            "张三，李四",
            "138 1234 5678/139 1234 5678",
            [("张三", "13812345678"), ("李四", "13912345678")],
        ),
        ("张三/李四", "", [("张三", ""), ("李四", "")]),
        ('=HYPERLINK("a","b")', "", [('=HYPERLINK("a","b")', "")]),
    ],
)
def test_several_owners_in_one_cell_become_several_owners(names, phones, owners):
    assert cells.owners(names, phones) == owners


def test_more_phones_than_owners_is_an_error_on_the_phone_column():
    with pytest.raises(cells.CellError) as error:
        cells.owners("张三", "13812345678、13912345678")
    assert error.value.key == "owner_phone"


@pytest.mark.parametrize("written", ["售后公房", "房改房", "商品房", "私房"])
def test_sold_public_housing_is_privately_owned(written):
    words = cells.choice_words([], cells.OWNERSHIP_WORDS)
    assert cells.choice(written, words) == "private"


@pytest.mark.parametrize("written", ["直管公房", "系统公房", "公租房"])
def test_public_housing_is_rented(written):
    words = cells.choice_words([], cells.OWNERSHIP_WORDS)
    assert cells.choice(written, words) == "public_rental"


@pytest.mark.parametrize("written, has", [("无电梯", False), ("无", False), ("有电梯", True)])
def test_elevator_words(written, has):
    assert cells.yes_no(written) is has


def test_the_export_apostrophe_before_formula_like_text_is_taken_off():
    assert cells.text("'=1+1") == "=1+1"
    assert cells.text("'s-Hertogenbosch") == "'s-Hertogenbosch"


@pytest.mark.parametrize(
    "header, key",
    [("建筑面积（㎡）", "建筑面积"), ("建筑面积(m²)", "建筑面积"), (" 楼 栋 号 ", "楼栋号")]
    + [("*小区名称", "小区名称"), ("联系电话：", "联系电话")],
)
def test_headers_are_compared_without_units_marks_and_spaces(header, key):
    assert normalise_header(header) == key


def test_the_header_row_is_the_one_that_names_the_most_columns():
    rows = [
        (1, ["斜土街道房屋台账", None, None]),
        (2, ["单位：户、平方米", None, None]),
        (3, ["小区名称", "楼栋号", "房号"]),
        (4, ["日晖六村", "3", "101"]),
    ]
    assert find_header(rows, {}) == 2


def test_a_remembered_name_wins_over_the_usual_one_and_a_target_goes_to_one_column():
    columns = map_columns(["面积", "套内面积", "建筑面积"], {"套内面积": ""})
    assert [(c.target, c.source) for c in columns] == [
        ("floor_area", "known"),
        ("", "remembered"),
        ("", "duplicate"),
    ]
