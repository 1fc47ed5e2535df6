"""Registry import (xlsx, CSV from Excel) and export: all or nothing, every bad row reported."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from communities import importing
from communities.models import Building, Estate, Household, Owner, Stairwell
from tests.conftest import make_stairwell

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in importing.COLUMNS]


def row(**values):
    """A sheet row in the template's column order; unnamed columns are blank."""
    base = {
        "subdistrict": "斜土街道",
        "community": "日晖六村居委",
        "estate": "新华小区",
        "address": "斜土路100弄",
        "year_built": 1988,
        "management_type": "无物业",
        "building": "1",
        "building_floors": 6,
        "stairwell": "1",
        "stairwell_floors": 6,
        "has_elevator": "无",
        "room_number": "101",
        "floor": 1,
        "floor_area": "56.30",
        "ownership_type": "私有产权",
        "occupants": 2,
        "owner_name": "张三",
        "owner_phone": "13812345678",
    }
    base.update(values)
    return [base.get(c.key, "") for c in importing.COLUMNS]


def xlsx(rows, headers=HEADERS) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for r in rows:
        sheet.append([None if v == "" else v for v in r])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def csv_bytes(rows, encoding) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def good_rows():
    rows = []
    for building in ("1", "2"):
        for stairwell in ("1", "2"):
            for floor in range(1, 7):
                for door in (1, 2):
                    rows.append(
                        row(
                            building=building,
                            stairwell=stairwell,
                            floor=floor,
                            room_number=f"{floor}0{door}",
                            owner_name=f"业主{building}{stairwell}{floor}{door}",
                        )
                    )
    return rows


def run_import(user, data, filename="registry.xlsx"):
    with translation.override("en"):
        return importing.registry_import(user=user, file=data, filename=filename)


def registry_counts():
    return [m.objects.count() for m in (Estate, Building, Stairwell, Household, Owner)]


def test_a_good_file_imports_the_whole_tree(alice, tree):
    result = run_import(alice, xlsx(good_rows()))
    assert result.ok, result.errors
    assert result.created == {
        "estates": 1,
        "buildings": 2,
        "stairwells": 4,
        "households": 48,
        "owners": 48,
    }
    estate = Estate.objects.get(name="新华小区")
    assert estate.community == tree.rihui6 and estate.year_built == 1988
    assert Household.objects.filter(stairwell__building__estate=estate).count() == 48
    household = Household.objects.get(
        stairwell__building__estate=estate,
        room_number="101",
        stairwell__number="1",
        stairwell__building__number="1",
    )
    assert household.floor_area == Decimal("56.30")
    # The import leaves history: who created each row.
    assert estate.history.get().history_user == alice
    assert Household.history.filter(history_user=alice).count() == 48


def test_a_file_with_bad_rows_writes_nothing_and_reports_each_row_column_and_reason(alice, tree):
    before = registry_counts()
    rows = good_rows()
    rows[3] = row(room_number="202", floor=9, owner_phone="138")  # above 6 floors; a short phone
    rows[5] = row(room_number="301", floor=3, floor_area="0")  # area must be positive
    rows[7] = row(room_number="401", floor="地下", floor_area="abc")  # two bad cells in one row
    rows[9] = row(community="东安居委", subdistrict="枫林街道")  # outside alice's scope
    rows[11] = row(stairwell_floors=8)  # the building has 6 floors
    rows.append(row(room_number="101", floor=1, owner_name="业主1111"))  # duplicate in the file
    result = run_import(alice, xlsx(rows))
    assert not result.ok
    assert registry_counts() == before
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (5, "所在楼层"),
        (5, "业主电话"),
        (7, "建筑面积(㎡)"),
        (9, "所在楼层"),
        (9, "建筑面积(㎡)"),
        (11, "社区"),
        (13, "单元层数"),
        (len(rows) + 1, "室号"),
    } <= found
    reasons = {(e.row, e.column): e.message for e in result.errors}
    assert "only 6 floors" in reasons[(5, "所在楼层")]
    assert "greater than zero" in reasons[(7, "建筑面积(㎡)")]
    assert "东安居委" in reasons[(11, "社区")]
    assert "row 2" in reasons[(len(rows) + 1, "室号")]


def upload_through_the_page(client, data, name="registry.xlsx"):
    data.name = name
    response = client.post(reverse("communities:import"), {"file": data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def test_the_import_page_lists_every_problem_and_writes_nothing(client, alice, tree):
    rows = [row(), row(room_number="102", floor=7), row(room_number="103", floor_area="-1")]
    client.force_login(alice)
    job_url = upload_through_the_page(client, xlsx(rows))
    response = client.get(job_url)
    assert response.status_code == 200
    groups = response.context["preview"]["errors"]
    assert [(e["row"], g["column"]) for g in groups for e in g["examples"]] == [
        (3, "所在楼层"),
        (4, "建筑面积(㎡)"),
    ]
    body = response.content.decode()
    assert "所在楼层" in body and "建筑面积(㎡)" in body
    # Confirming is refused while problems remain, and nothing is written.
    client.post(job_url, {"action": "confirm"})
    assert not Estate.objects.filter(name="新华小区").exists()


def test_the_import_page_writes_a_good_file_only_once_confirmed(client, alice, tree):
    client.force_login(alice)
    job_url = upload_through_the_page(client, xlsx(good_rows()))
    assert not Estate.objects.filter(name="新华小区").exists()
    assert client.get(job_url).context["can_confirm"]
    response = client.post(job_url, {"action": "confirm"})
    assert response.status_code == 302
    assert Estate.objects.filter(name="新华小区").exists()
    assert Household.objects.filter(stairwell__building__estate__name="新华小区").count() == 48


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_saved_by_excel_in_utf8_with_bom_or_gbk_imports(alice, tree, encoding):
    result = run_import(alice, csv_bytes(good_rows()[:6], encoding), filename="导入.csv")
    assert result.ok, result.errors
    assert Owner.objects.filter(name="业主1112").exists()
    assert Estate.objects.get(name="新华小区").address == "斜土路100弄"


def test_a_community_outside_the_users_scope_is_refused(charlie, tree):
    result = run_import(charlie, xlsx([row()]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "社区")]
    assert "No community" in result.errors[0].message
    assert not Estate.objects.filter(name="新华小区").exists()


def test_a_grid_worker_without_manage_cannot_import_at_all(client, bob, tree):
    result = run_import(bob, xlsx([row(community="日晖六村居委")]))
    assert not result.ok
    client.force_login(bob)
    assert client.get(reverse("communities:import")).status_code == 403


def test_a_dwelling_already_in_the_registry_is_updated_not_added_again(alice, tree):
    # Issue 9: a registered dwelling is matched (it used to be refused as a duplicate).
    stairwell = make_stairwell(tree.estate_a, floors=6, building_number="1", number="1")
    result = run_import(
        alice,
        xlsx(
            [
                row(estate="日晖六村", room_number="101"),  # registered: 60.00 m², another owner
                row(estate="日晖六村", room_number="109", floor=1),  # new, same stairwell
            ]
        ),
    )
    assert result.ok, result.errors
    assert result.created["households"] == 1 and result.updated["households"] == 1
    flat = stairwell.households.get(room_number="101")
    assert flat.floor_area == Decimal("56.30")
    # The file's owner becomes the primary one; the registered owner it does not name stays.
    assert [(o.name, o.is_primary) for o in flat.owners.all()][0] == ("张三", True)
    assert flat.owners.count() == 2 and flat.owners.filter(is_primary=True).count() == 1
    assert stairwell.households.filter(room_number="101").count() == 1


def test_new_dwellings_are_added_to_an_existing_stairwell(alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=6, building_number="1", number="1")
    result = run_import(alice, xlsx([row(estate="日晖六村", room_number="109", floor=1)]))
    assert result.ok, result.errors
    assert result.created["estates"] == 0 and result.created["households"] == 1
    assert stairwell.households.filter(room_number="109").exists()


def test_an_existing_building_lowered_below_its_stairwells_is_reported(alice, tree):
    make_stairwell(tree.estate_a, floors=6, building_number="1", number="1")
    result = run_import(alice, xlsx([row(estate="日晖六村", room_number="109", building_floors=5)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "楼栋层数")]
    assert "6 floors" in result.errors[0].message


def test_an_existing_buildings_new_floor_count_is_a_change(alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=6, building_number="1", number="1")
    result = run_import(alice, xlsx([row(estate="日晖六村", room_number="109", building_floors=7)]))
    assert result.ok, result.errors
    assert result.updated["buildings"] == 1
    assert Building.objects.get(pk=stairwell.building_id).floors == 7


def test_a_repeated_estate_must_not_contradict_its_first_row(alice, tree):
    result = run_import(alice, xlsx([row(), row(room_number="102", year_built=1999)]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "建成年份")]
    assert "row 2" in result.errors[0].message


def test_a_second_owner_repeats_the_dwellings_row(alice, tree):
    result = run_import(alice, xlsx([row(), row(owner_name="李四", owner_phone="")]))
    assert result.ok, result.errors
    household = Household.objects.get(
        room_number="101", stairwell__building__estate__name="新华小区"
    )
    assert [(o.name, o.is_primary) for o in household.owners.all()] == [
        ("张三", True),
        ("李四", False),
    ]


def test_a_row_may_declare_only_an_estate(alice, tree):
    result = run_import(
        alice,
        xlsx(
            [
                row(
                    building="",
                    stairwell="",
                    room_number="",
                    floor="",
                    floor_area="",
                    owner_name="",
                    owner_phone="",
                )
            ]
        ),
    )
    assert result.ok, result.errors
    assert result.created["estates"] == 1 and result.created["buildings"] == 0


def test_missing_required_columns_are_reported(alice, tree):
    result = run_import(alice, xlsx([["x"]], headers=["随便"]))
    assert not result.ok and result.errors[0].row == 1


@pytest.mark.parametrize(
    "filename, data",
    [
        ("registry.pdf", b"%PDF"),
        ("registry.xlsx", b"not a zip"),
        ("registry.csv", b""),
    ],
)
def test_unreadable_files_are_reported_not_crashed(alice, tree, filename, data):
    result = run_import(alice, io.BytesIO(data), filename=filename)
    assert not result.ok and result.errors[0].row == 0


def test_the_template_downloads_with_chinese_headers_and_an_example_row(client, alice, tree):
    client.force_login(alice)
    response = client.get(reverse("communities:import-template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2 and rows[1][1] == "日晖六村居委"


def test_the_template_example_row_imports(alice, tree):
    response = importing.import_template()
    result = run_import(alice, response)
    assert result.ok, result.errors


# ---- export ---------------------------------------------------------------------------------


def exported_rows(client, user):
    client.force_login(user)
    response = client.get(reverse("communities:export"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return data, list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_export_holds_the_users_registry_only(client, alice, charlie, tree):
    make_stairwell(tree.estate_a, floors=2, per_floor=2)
    make_stairwell(tree.estate_c, floors=2, per_floor=2)
    _, rows = exported_rows(client, charlie)
    estates = {r[2] for r in rows[1:]}
    assert estates == {"东安新村"}
    _, rows = exported_rows(client, alice)
    assert {r[2] for r in rows[1:]} == {"日晖六村", "日晖二村"}
    assert list(rows[0]) == HEADERS


def test_the_export_masks_owners_outside_the_personal_scope(client, diana, tree):
    stairwell = make_stairwell(tree.estate_a, floors=1, per_floor=1)
    Owner.objects.filter(household__stairwell=stairwell).update(name="王建国", phone="13812345678")
    _, rows = exported_rows(client, diana)
    owners = {(r[-2], r[-1]) for r in rows[1:] if r[-2]}
    assert owners == {("王**", "138****5678")}


def test_an_export_re_imports(client, alice, tree):
    make_stairwell(tree.estate_a, floors=3, per_floor=2, building_number="1")
    make_stairwell(tree.estate_a, floors=2, per_floor=3, building_number="2", number="2")
    household = Household.objects.filter(stairwell__building__estate=tree.estate_a).first()
    household.owners.create(name="第二业主", phone="", is_primary=False)
    before = registry_counts()
    data, _ = exported_rows(client, alice)
    Estate.objects.filter(pk__in=[tree.estate_a.pk, tree.estate_b.pk]).delete()
    result = run_import(alice, io.BytesIO(data))
    assert result.ok, result.errors
    assert registry_counts() == before


def test_the_export_needs_a_bounded_number_of_queries(
    client, alice, tree, django_assert_max_num_queries
):
    for number in range(1, 6):
        make_stairwell(tree.estate_a, floors=4, per_floor=2, building_number=str(number))
    client.force_login(alice)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("communities:export"))
        data = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 40 + 1  # header, 40 owners of estate_a, estate_b without buildings


def test_the_import_validation_needs_a_bounded_number_of_queries(
    alice, tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        result = run_import(alice, xlsx(good_rows()))
    assert result.ok
