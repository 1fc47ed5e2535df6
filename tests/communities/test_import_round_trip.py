"""Issue 9: the registry export imports back. Unchanged, it is "nothing changed"; edited, it
updates the dwellings and owners it names and adds its new rows; staff see the preview first;
all or nothing; the history keeps the import as one change set with who and when."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communities import services
from communities.importing import COLUMNS
from communities.models import (
    Building,
    Estate,
    Household,
    ImportJob,
    Membership,
    Owner,
    Stairwell,
)
from tests.communities.factories import staff
from tests.communities.import_files import confirm, errors_of, upload
from tests.conftest import make_stairwell

pytestmark = pytest.mark.django_db

COL = {c.key: i for i, c in enumerate(COLUMNS)}
HISTORY = (Estate, Building, Stairwell, Household, Owner)


@pytest.fixture
def registry(tree):
    first = make_stairwell(tree.estate_a, floors=3, per_floor=2, building_number="1")
    make_stairwell(tree.estate_a, floors=2, per_floor=2, building_number="2", number="2")
    flat = first.households.get(room_number="101")
    flat.owners.update(name="王建国", phone="13812345678")
    flat.owners.create(name="李秀英", phone="", is_primary=False)
    return first


def export(client, user):
    client.force_login(user)
    response = client.get(reverse("communities:export"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def as_upload(workbook, name="export.xlsx"):
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


def history_count():
    return sum(model.history.count() for model in HISTORY)


def find_row(sheet, **where):
    for row in sheet.iter_rows(min_row=2):
        if all(str(row[COL[k]].value) == v for k, v in where.items()):
            return row
    raise AssertionError(f"no exported row with {where}")


def test_an_unchanged_export_imports_as_nothing_changed(client, alice, tree, registry):
    before, history = list(Household.objects.values_list("pk", "floor_area")), history_count()
    response, job_url = upload(client, as_upload(export(client, alice)))
    preview = response.context["preview"]
    assert preview["error_count"] == 0 and not preview["writes"]
    assert preview["counts"]["unchanged"]["household"] == 10
    assert not response.context["can_confirm"]
    assert "没有变化" in response.content.decode() or "Nothing changed" in response.content.decode()
    client.post(job_url, {"action": "confirm"})
    assert list(Household.objects.values_list("pk", "floor_area")) == before
    assert history_count() == history


def test_an_edited_export_updates_dwellings_and_owners_and_adds_new_rows(
    client, alice, tree, registry
):
    workbook = export(client, alice)
    sheet = workbook.active
    find_row(sheet, building="1", room_number="102")[COL["floor_area"]].value = 62.5
    owner = find_row(sheet, building="1", room_number="101", owner_name="李秀英")
    owner[COL["owner_phone"]].value = "139 0000 1111"
    find_row(sheet, building="2", room_number="201")[COL["owner_name"]].value = "赵敏"
    new = [c.value for c in find_row(sheet, building="2", room_number="202")]
    new[COL["room_number"]], new[COL["owner_name"]] = "203", "孙丽"
    sheet.append(new)

    response, job_url = upload(client, as_upload(workbook))
    # The owner renamed in 201: by default the registered owner the file no longer names is
    # kept beside the new one; staff choose to remove such owners, and the file is checked again.
    assert response.context["preview"]["unnamed_owners"] == 1
    client.post(job_url, {"action": "owners", "replace_owners": "1"})
    response = client.get(job_url)
    preview = response.context["preview"]
    assert preview["error_count"] == 0, errors_of(response)
    assert preview["counts"]["new"]["household"] == 1
    assert preview["counts"]["changed"]["household"] == 3
    changes = {item["place"]: item["changes"] for item in preview["changed"]}
    [area_change] = [c for place, cs in changes.items() if "102" in place for c in cs]
    assert area_change[1:] == ["60.00", "62.50"]
    # Nothing is written before the confirmation.
    assert Household.objects.get(stairwell=registry, room_number="102").floor_area == Decimal("60")

    confirm(client, job_url)
    assert Household.objects.get(stairwell=registry, room_number="102").floor_area == Decimal(
        "62.50"
    )
    flat = Household.objects.get(stairwell=registry, room_number="101")
    assert [(o.name, o.phone) for o in flat.owners.all()] == [
        ("王建国", "13812345678"),
        ("李秀英", "13900001111"),
    ]
    second = Stairwell.objects.get(building__estate=tree.estate_a, building__number="2")
    assert list(second.households.get(room_number="201").owners.values_list("name", flat=True)) == [
        "赵敏"
    ]
    assert second.households.get(room_number="203").owners.get().name == "孙丽"
    assert Household.objects.filter(stairwell__building__estate=tree.estate_a).count() == 11


def test_the_import_is_one_change_set_with_who_and_when(client, alice, tree, registry):
    workbook = export(client, alice)
    sheet = workbook.active
    find_row(sheet, building="1", room_number="102")[COL["floor_area"]].value = 61
    find_row(sheet, building="2", room_number="101")[COL["owner_name"]].value = "钱学森"
    new = [c.value for c in find_row(sheet, building="2", room_number="202")]
    new[COL["room_number"]] = "203"
    sheet.append(new)
    _response, job_url = upload(client, as_upload(workbook, "日晖六村台账.xlsx"))
    client.post(job_url, {"action": "owners", "replace_owners": "1"})
    confirm(client, job_url)

    job = ImportJob.objects.get()
    records = [
        record
        for model in HISTORY
        for record in model.history.filter(history_change_reason__contains=f"#{job.pk}")
    ]
    kinds = {(type(r).__name__, r.history_type) for r in records}
    assert {
        ("HistoricalHousehold", "~"),
        ("HistoricalHousehold", "+"),
        ("HistoricalOwner", "+"),
        ("HistoricalOwner", "-"),
    } <= kinds
    assert {r.history_user for r in records} == {alice}
    assert len({r.history_date for r in records}) == 1
    assert all("日晖六村台账.xlsx" in r.history_change_reason for r in records)
    assert job.status == ImportJob.Status.DONE and job.finished_at is not None
    assert job.data == b""  # the uploaded file is not kept once written

    # Each record holds the row as written (the import copies them in SQL, not one by one).
    changed = Household.objects.get(stairwell=registry, room_number="102")
    added = Household.objects.get(stairwell__building__number="2", room_number="203")
    for flat, kind in ((changed, "~"), (added, "+")):
        record = flat.history.latest()
        assert record.history_type == kind and record.history_user == alice
        assert record.instance == flat
        assert [getattr(record, f.attname) for f in Household._meta.concrete_fields] == [
            getattr(flat, f.attname) for f in Household._meta.concrete_fields
        ]
    # The estate's history page shows the import's changes, by whom.
    page = client.get(reverse("communities:estate-history", args=[tree.estate_a.pk]))
    assert "alice" in page.content.decode() and "61.00" in page.content.decode()


def test_one_bad_row_in_an_edited_export_writes_nothing(client, alice, tree, registry):
    workbook = export(client, alice)
    sheet = workbook.active
    find_row(sheet, building="1", room_number="102")[COL["floor_area"]].value = 70
    find_row(sheet, building="2", room_number="201")[COL["floor"]].value = 9
    response, job_url = upload(client, as_upload(workbook))
    [(row, column, message)] = errors_of(response)
    example = response.context["preview"]["errors"][0]["examples"][0]
    assert column == "所在楼层" and "only 2 floors" in message or "2" in message
    assert "201" in example["place"] and "2" in example["place"]
    client.post(job_url, {"action": "confirm"})
    assert Household.objects.get(stairwell=registry, room_number="102").floor_area == Decimal("60")


def test_the_registry_changing_after_the_preview_writes_nothing_and_shows_it_again(
    client, alice, tree, registry
):
    workbook = export(client, alice)
    find_row(workbook.active, building="1", room_number="102")[COL["floor_area"]].value = 70
    _response, job_url = upload(client, as_upload(workbook))
    # A colleague corrects another field of that dwelling before the confirmation.
    flat = Household.objects.get(stairwell=registry, room_number="102")
    flat.floor_area = Decimal("65.00")
    services.household_save(user=alice, household=flat)

    response = confirm(client, job_url)
    job = response.context["job"]
    assert job.status == ImportJob.Status.CHECKED and "changed" in job.error.lower() or job.error
    assert Household.objects.get(pk=flat.pk).floor_area == Decimal("65.00")
    [change] = [c for item in response.context["preview"]["changed"] for c in item["changes"]]
    assert change[1:] == ["65.00", "70.00"]
    # Confirmed again, the file's value is written.
    confirm(client, job_url)
    assert Household.objects.get(pk=flat.pk).floor_area == Decimal("70.00")


def test_a_masked_export_re_imports_without_touching_the_owners(client, tree, registry):
    # District staff manage the registry but may not see owners' names and phones.
    dave = staff("dave", tree.district, Membership.Role.DISTRICT)
    workbook = export(client, dave)
    assert find_row(workbook.active, building="1", room_number="101")[
        COL["owner_name"]
    ].value.endswith("*")
    response, _url = upload(client, as_upload(workbook))
    preview = response.context["preview"]
    assert preview["error_count"] == 0 and not preview["writes"], preview["errors"]
    assert any("personal data" in w or "个人" in w for w in preview["warnings"])


def test_masked_owners_in_a_file_stand_for_the_registered_ones_or_are_refused(
    client, alice, tree, registry
):
    workbook = export(client, alice)
    row = find_row(workbook.active, building="1", room_number="101", owner_name="王建国")
    row[COL["owner_name"]].value, row[COL["owner_phone"]].value = "王**", "138****5678"
    response, _url = upload(client, as_upload(workbook))
    assert not response.context["preview"]["writes"], response.context["preview"]

    row[COL["owner_name"]].value = "张**"
    response, _url = upload(client, as_upload(workbook))
    [(_row, column, message)] = errors_of(response)
    assert column == "业主姓名" and "*" in message


def test_an_owner_name_that_looks_like_a_formula_survives_the_round_trip(
    client, alice, tree, registry
):
    Owner.objects.filter(name="李秀英").update(name='=HYPERLINK("http://x","点我")')
    workbook = export(client, alice)
    cell = find_row(workbook.active, building="1", room_number="101", owner_phone="None")
    assert cell[COL["owner_name"]].value.startswith("'=")
    response, _url = upload(client, as_upload(workbook))
    assert not response.context["preview"]["writes"], response.context["preview"]["changed"]


def test_lowering_a_stairwell_below_its_registered_dwellings_is_refused(
    client, alice, tree, registry
):
    workbook = export(client, alice)
    for row in workbook.active.iter_rows(min_row=2):
        if row[COL["building"]].value == "1" and row[COL["floor"]].value in (1, 2):
            row[COL["stairwell_floors"]].value = 2
    # The rows of floor 3 say 3 floors still: a contradiction within the file.
    response, _url = upload(client, as_upload(workbook))
    assert response.context["preview"]["error_count"]
    assert Stairwell.objects.get(pk=registry.pk).floors == 3


def test_the_job_page_needs_a_fixed_number_of_queries(
    client, alice, tree, registry, django_assert_max_num_queries
):
    _response, job_url = upload(client, as_upload(export(client, alice)))
    with django_assert_max_num_queries(8):
        assert client.get(job_url).status_code == 200


def test_lowering_a_stairwell_under_its_own_dwellings_in_the_file_names_them(
    client, alice, tree, registry
):
    workbook = export(client, alice)
    for row in workbook.active.iter_rows(min_row=2):
        if row[COL["building"]].value == "1":
            row[COL["stairwell_floors"]].value = 2
    response, job_url = upload(client, as_upload(workbook))
    problems = errors_of(response)
    assert {(row, column) for row, column, _m in problems} >= {(7, "所在楼层"), (8, "所在楼层")}
    assert all("2" in message for _r, _c, message in problems)
    client.post(job_url, {"action": "confirm"})
    assert Stairwell.objects.get(pk=registry.pk).floors == 3


def test_a_sheet_naming_only_the_primary_owner_keeps_the_co_owners_and_their_phones(
    client, alice, tree, registry
):
    # The office's own sheet: one 户主 per dwelling and no phone column.
    header = ["小区名称", "楼号", "单元", "房号", "户主"]
    rows = [["日晖六村", "1", "1", "101", "王建国"], ["日晖六村", "1", "1", "102", "陈红"]]
    from tests.communities.import_files import xlsx_file

    client.force_login(alice)
    response, job_url = upload(client, xlsx_file(rows, header))
    preview = response.context["preview"]
    assert preview["unnamed_owners"] == 2  # 101: 李秀英; 102: its owner is not 陈红
    assert preview["counts"]["changed"]["household"] == 1, (preview["changed"], preview["counts"])
    assert "kept" in " ".join(preview["warnings"]) or "保留" in " ".join(preview["warnings"])
    confirm(client, job_url)
    flat = Household.objects.get(stairwell=registry, room_number="101")
    assert [(o.name, o.phone, o.is_primary) for o in flat.owners.all()] == [
        ("王建国", "13812345678", True),
        ("李秀英", "", False),
    ]
    other = Household.objects.get(stairwell=registry, room_number="102")
    assert [o.is_primary for o in other.owners.order_by("-is_primary")] == [True, False]
    assert other.owners.get(is_primary=True).name == "陈红"
