"""Issue 15: the office's own spreadsheets go in without retyping, and never silently wrong.
One workbook per kind, made here, imported through the page and checked against the database."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communities.models import Building, Household, ImportMapping, Owner, Stairwell
from tests.communities.factories import BuildingFactory, StairwellFactory
from tests.communities.import_files import (
    OFFICE_HEADER,
    confirm,
    csv_file,
    errors_of,
    office_rows,
    upload,
    xls_file,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, alice):
    client.force_login(alice)
    return client


def dwellings(estate):
    return Household.objects.filter(stairwell__building__estate=estate)


# ---- the two silent errors ------------------------------------------------------------------


def test_a_sheet_with_common_column_names_writes_every_dwelling(office, tree):
    # Was: "已导入 24 行 … 住户 0 户": the unknown columns were dropped and no dwelling written.
    response, job_url = upload(office, xlsx_file(office_rows(24), OFFICE_HEADER))
    preview = response.context["preview"]
    assert preview["counts"]["new"]["household"] == 24 and not preview["error_count"]
    targets = {c["header"]: c["target"] for c in preview["columns"]}
    assert targets["楼栋号"] == "building" and targets["房号"] == "room_number"
    assert targets["面积"] == "floor_area" and targets["户主"] == "owner_name"
    assert targets["联系电话"] == "owner_phone" and targets["序号"] == ""
    confirm(office, job_url)
    assert dwellings(tree.estate_a).count() == 24
    flat = dwellings(tree.estate_a).get(stairwell__number="2", room_number="101")
    assert flat.floor == 1 and flat.floor_area == Decimal("58.20")
    assert [(o.name, o.phone) for o in flat.owners.all()] == [("户主13", "13812340012")]


def test_rows_whose_content_sits_only_in_unknown_columns_are_an_error_not_a_success(office, tree):
    header = ["社区", "小区名称", "幢别", "门户", "房产面积数"]  # nothing after 小区名称 is known
    rows = [["日晖六村居委", "日晖六村", "3", f"{i}01", "58.2"] for i in range(1, 7)]
    response, job_url = upload(office, xlsx_file(rows, header))
    preview = response.context["preview"]
    assert preview["error_count"] == 1 and not preview["writes"]
    message = preview["errors"][0]["message"]
    assert "幢别" in message and "门户" in message and "房产面积数" in message
    assert [c["header"] for c in preview["columns"] if not c["target"]] == [
        "幢别",
        "门户",
        "房产面积数",
    ]
    assert not response.context["can_confirm"]


def test_building_names_written_three_ways_are_the_registered_building(office, tree):
    # Was: "3号楼", "3幢" and "3栋" beside building "3" became three new buildings.
    building = BuildingFactory(estate=tree.estate_a, number="3", floors=6)
    StairwellFactory(building=building, number="1", floors=6)
    header = ["小区名称", "楼号", "单元", "室号", "所在楼层", "建筑面积"]
    rows = [
        ["日晖六村", "3号楼", "1单元", "101", 1, 60],
        ["日晖六村", "3幢", "1", "102室", 1, 60],
        ["日晖六村", "3栋", "一单元", "201", "二层", 60],
        ["日晖六村", "第三幢", "1", "202", "2F", "60㎡"],
    ]
    response, job_url = upload(office, xlsx_file(rows, header))
    counts = response.context["preview"]["counts"]
    assert counts["new"]["building"] == 0 and counts["new"]["stairwell"] == 0
    assert counts["new"]["household"] == 4
    confirm(office, job_url)
    assert list(Building.objects.filter(estate=tree.estate_a).values_list("number", flat=True)) == [
        "3"
    ]
    assert sorted(building.stairwells.get().households.values_list("room_number", flat=True)) == [
        "101",
        "102",
        "201",
        "202",
    ]


def test_a_room_written_as_building_stairwell_room_is_split(office, tree):
    # Was: "6-1-101" was stored as the room number, so one flat existed several times.
    header = ["小区名称", "楼号", "单元号", "室号", "所在楼层", "建筑面积"]
    rows = [
        ["日晖六村", "6", "1", "6-1-101", 1, 60],
        ["日晖六村", "", "", "6幢1单元102室", 1, 60],
        ["日晖六村", "6", "", "1-201", 2, 60],
    ]
    response, job_url = upload(office, xlsx_file(rows, header))
    assert not response.context["preview"]["error_count"], errors_of(response)
    confirm(office, job_url)
    stairwell = Stairwell.objects.get(building__estate=tree.estate_a, building__number="6")
    assert stairwell.number == "1"
    assert sorted(stairwell.households.values_list("room_number", flat=True)) == [
        "101",
        "102",
        "201",
    ]


def test_a_room_code_that_contradicts_its_columns_is_reported_with_its_place(office, tree):
    header = ["小区名称", "楼号", "单元号", "室号", "所在楼层", "建筑面积"]
    response, _url = upload(office, xlsx_file([["日晖六村", "5", "1", "6-1-101", 1, 60]], header))
    [(row, column, message)] = errors_of(response)
    assert (row, column) == (2, "室号") and "6-1-101" in message


# ---- the files offices have -----------------------------------------------------------------


def test_the_header_is_found_below_title_and_blank_rows(office, tree):
    data = xlsx_file(
        office_rows(6),
        OFFICE_HEADER,
        title_rows=["斜土街道日晖六村居委房屋台账", "填报日期：2026年3月"],
    )
    response, job_url = upload(office, data)
    assert response.context["preview"]["header_row"] == 4
    confirm(office, job_url)
    assert dwellings(tree.estate_a).count() == 6


def test_a_hidden_first_sheet_is_passed_over(office, tree):
    response, _url = upload(
        office, xlsx_file(office_rows(4), OFFICE_HEADER, hidden_first_sheet=True)
    )
    assert response.context["preview"]["sheet"] == "房屋台账"
    assert response.context["preview"]["counts"]["new"]["household"] == 4


def test_merged_building_and_stairwell_cells_fill_down(office, tree):
    rows = office_rows(24)
    # Column D (楼栋号) merged over all 24 data rows (3..26), E (单元) over each stairwell.
    data = xlsx_file(rows, OFFICE_HEADER, merges=["D2:D25", "E2:E13", "E14:E25"])
    response, job_url = upload(office, data)
    assert not response.context["preview"]["error_count"], errors_of(response)
    confirm(office, job_url)
    assert Stairwell.objects.filter(building__estate=tree.estate_a).count() == 2
    assert dwellings(tree.estate_a).count() == 24


def test_an_excel_97_workbook_with_merged_cells_imports(office, tree):
    rows = office_rows(12)
    data = xls_file(rows, OFFICE_HEADER, merges=[(1, 12, 3), (1, 12, 4)])
    response, job_url = upload(office, data)
    assert not response.context["preview"]["error_count"], errors_of(response)
    confirm(office, job_url)
    assert dwellings(tree.estate_a).filter(stairwell__building__number="3").count() == 12


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes_imports(office, tree, encoding):
    rows = office_rows(6)
    rows[0][7] = "䶮先生"  # only GB18030 (not GBK) has this character
    if encoding == "gbk":
        rows[0][7] = "欧阳先生"
    response, job_url = upload(office, csv_file(rows, OFFICE_HEADER, encoding))
    assert not response.context["preview"]["error_count"], errors_of(response)
    confirm(office, job_url)
    assert Owner.objects.filter(name=rows[0][7]).exists()


def test_typed_values_as_offices_write_them(office, tree):
    header = ["小区名称", "楼号", "单元", "房号", "层次", "建筑面积（平方米）", "产权人", "手机号"]
    header += ["房屋性质", "电梯"]
    rows = [
        [
            "日晖六村",
            "７号楼",
            "１",
            "１０１",
            "一层",
            "５６．３㎡",
            "张三",
            "138 1234 5678",
            "售后公房",
            "无电梯",
        ],
        [
            "日晖六村",
            "7",
            "1",
            "201",
            "2F",
            "56.30平方米",
            "李四、王五",
            "139-1234-5678/13712345678",
            "直管公房",
            "无",
        ],
        ["日晖六村", "7", "1", "601", "六层", "72", "赵六", "+86 136 1234 5678", "商品房", "无"],
    ]
    response, job_url = upload(office, xlsx_file(rows, header))
    assert not response.context["preview"]["error_count"], errors_of(response)
    confirm(office, job_url)
    stairwell = Stairwell.objects.get(building__estate=tree.estate_a, building__number="7")
    assert stairwell.has_elevator is False
    assert stairwell.floors == 6  # no floor count given: the highest dwelling's floor
    flats = {h.room_number: h for h in stairwell.households.all()}
    assert (flats["101"].floor, flats["101"].floor_area) == (1, Decimal("56.30"))
    assert flats["101"].ownership_type == Household.Ownership.PRIVATE
    assert flats["201"].ownership_type == Household.Ownership.PUBLIC_RENTAL
    assert flats["601"].floor == 6
    assert [(o.name, o.phone, o.is_primary) for o in flats["201"].owners.all()] == [
        ("李四", "13912345678", True),
        ("王五", "13712345678", False),
    ]
    assert flats["101"].owners.get().phone == "13812345678"
    assert flats["601"].owners.get().phone == "13612345678"


def test_phone_numbers_excel_turned_into_numbers_are_named_with_the_fix(office, tree):
    rows = office_rows(6)
    for row in rows:
        row[8] = "1.38123E+10"
    response, _url = upload(office, csv_file(rows, OFFICE_HEADER, "gbk"))
    [group] = response.context["preview"]["errors"]
    assert group["column"] == "联系电话" and group["count"] == 6
    assert "1.35319E+10" in group["message"] and "文本" in group["message"]  # format as text


def test_three_thousand_identical_errors_are_one_message_with_the_first_rows(office, charlie, tree):
    # Charlie's street does not include 日晖六村居委: every row is refused for the same reason.
    office.force_login(charlie)
    rows = office_rows(3000)
    response, _url = upload(office, xlsx_file(rows, OFFICE_HEADER))
    preview = response.context["preview"]
    assert preview["error_count"] == 3000
    [group] = preview["errors"]
    assert group["count"] == 3000 and group["column"] == "社区"
    assert [e["row"] for e in group["examples"]] == [2, 3, 4, 5, 6]
    assert len(response.content) < 60_000


def test_errors_name_the_building_stairwell_and_room(office, tree):
    rows = office_rows(2)
    rows[1][6] = "五十八"  # not an area
    response, _url = upload(office, xlsx_file(rows, OFFICE_HEADER))
    [(row, column, message)] = errors_of(response)
    example = response.context["preview"]["errors"][0]["examples"][0]
    assert (row, column) == (3, "面积")
    assert "3" in example["place"] and "102" in example["place"]
    assert "日晖六村" in example["place"]


# ---- the mapping step -----------------------------------------------------------------------


def test_staff_assign_a_column_and_the_office_keeps_it_for_its_next_file(office, alice, tree):
    header = ["小区名称", "楼号", "单元", "房号", "所在楼层", "证载面积数"]  # the last: unknown
    rows = [["日晖六村", "9", "1", f"{f}01", f, 61.5] for f in range(1, 4)]
    response, job_url = upload(office, xlsx_file(rows, header))
    preview = response.context["preview"]
    assert preview["error_count"] == 3, preview["errors"]  # new dwellings without their area
    targets = {f"target-{c['index']}": c["target"] for c in preview["columns"]}
    targets["target-5"] = "floor_area"
    office.post(job_url, {"action": "remap", **targets})
    response = office.get(job_url)
    assert not response.context["preview"]["error_count"], errors_of(response)
    confirm(office, job_url)
    assert dwellings(tree.estate_a).get(room_number="301").floor_area == Decimal("61.50")
    assert ImportMapping.objects.get(region=tree.xietu).headers["证载面积数"] == "floor_area"

    # The office's next file, with the same unusual name, is mapped at once.
    rows = [["日晖六村", "9", "1", f"{f}02", f, 61.5] for f in range(1, 4)]
    response, _url = upload(office, xlsx_file(rows, header))
    columns = response.context["preview"]["columns"]
    assert columns[5]["target"] == "floor_area" and columns[5]["source"] == "remembered"
    assert not response.context["preview"]["error_count"]


def test_a_target_chosen_for_two_columns_is_refused_with_a_message(office, tree):
    response, job_url = upload(office, xlsx_file(office_rows(2), OFFICE_HEADER))
    targets = {f"target-{c['index']}": c["target"] for c in response.context["preview"]["columns"]}
    targets["target-0"] = "building"  # 序号 as well as 楼栋号
    response = office.post(job_url, {"action": "remap", **targets}, follow=True)
    assert any("Building" in str(m) or "楼" in str(m) for m in response.context["messages"])
    assert ImportMapping.objects.count() == 0


def test_the_mapping_and_preview_are_only_the_uploaders(office, alice, charlie, tree):
    _response, job_url = upload(office, xlsx_file(office_rows(2), OFFICE_HEADER))
    office.force_login(charlie)
    assert office.get(job_url).status_code == 404
    assert office.post(job_url, {"action": "confirm"}).status_code == 404
    assert dwellings(tree.estate_a).count() == 0


def test_the_import_page_lists_the_users_recent_imports(office, tree):
    _response, job_url = upload(office, xlsx_file(office_rows(2), OFFICE_HEADER))
    page = office.get(reverse("communities:import")).content.decode()
    assert job_url in page
