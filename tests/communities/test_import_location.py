"""Estate locations in the registry file: optional 经度/纬度 columns (WGS-84 decimal degrees),
read the way offices write them, both or neither, a swapped pair named as such; the export
writes them and reads back as nothing changed."""

from decimal import Decimal

import pytest
from django.utils import translation

from communities.importing import cells
from communities.models import Estate
from tests.communities.import_files import confirm, errors_of, upload, xlsx_file
from tests.communities.test_import_round_trip import as_upload, export

pytestmark = pytest.mark.django_db

HEADER = ["社区", "小区名称", "小区地址", "经度", "纬度", "楼栋号", "单元", "房号", "面积"]


def sheet(*locations):
    """One new estate per (longitude, latitude), one dwelling each."""
    return xlsx_file(
        [
            ["日晖六村居委", f"新村{i}", f"斜土路{i}弄", lng, lat, "1", "1", "101", "58.20"]
            for i, (lng, lat) in enumerate(locations)
        ],
        HEADER,
    )


@pytest.mark.parametrize(
    "written, expected",
    [
        ("31.190512", Decimal("31.190512")),
        ("31.190512°", Decimal("31.190512")),
        ("北纬31.190512", Decimal("31.190512")),
        ("N31.1905123456", Decimal("31.190512")),  # a phone's extra places, to about 11 cm
        (31.19, Decimal("31.190000")),
        ("-90", Decimal("-90.000000")),
    ],
)
def test_a_latitude_is_read_the_way_offices_write_it(written, expected):
    assert cells.latitude(written) == expected


def test_a_latitude_past_the_pole_that_would_be_a_longitude_says_so():
    with translation.override("en"), pytest.raises(cells.CellError) as refused:
        cells.latitude("121.462231")
    assert "between -90 and 90" in refused.value.message
    assert "Is it the longitude (经度)?" in refused.value.message


def test_new_estates_get_their_locations_from_the_file(client, alice, tree):
    client.force_login(alice)
    response, job_url = upload(client, sheet(("121.462231", "31.190512"), ("", "")))
    assert response.context["preview"]["error_count"] == 0, errors_of(response)
    confirm(client, job_url)
    located = Estate.objects.get(name="新村0")
    assert (located.longitude, located.latitude) == (Decimal("121.462231"), Decimal("31.190512"))
    assert Estate.objects.get(name="新村1").latitude is None  # both blank: no location


def test_half_a_location_or_a_bad_degree_is_refused_on_its_row_and_nothing_is_written(
    client, alice, tree
):
    client.force_login(alice)
    with translation.override("en"):
        response, _job_url = upload(
            client, sheet(("121.462231", ""), ("121.46", "131.19"), ("121°27′44″", "31.19"))
        )
        errors = errors_of(response)
    columns = {(row, column) for row, column, _message in errors}
    assert {(2, "纬度"), (3, "纬度"), (4, "经度")} <= columns
    assert any("同时填写" in message for _r, _c, message in errors)  # both, or neither
    assert not Estate.objects.filter(name__startswith="新村").exists()


def test_the_export_writes_locations_and_reads_back_as_nothing_changed(client, alice, tree):
    Estate.objects.filter(pk=tree.estate_a.pk).update(
        latitude=Decimal("31.190512"), longitude=Decimal("121.462231")
    )
    workbook = export(client, alice)
    header = [c.value for c in workbook.active[1]]
    row = [c.value for c in workbook.active[2]]
    assert row[header.index("经度")] == 121.462231 and row[header.index("纬度")] == 31.190512
    response, _job_url = upload(client, as_upload(workbook))
    preview = response.context["preview"]
    assert preview["error_count"] == 0, errors_of(response)
    assert not preview["writes"]


def test_a_location_changed_in_the_export_updates_the_estate(client, alice, tree):
    workbook = export(client, alice)
    header = [c.value for c in workbook.active[1]]
    for line in workbook.active.iter_rows(min_row=2):
        if line[header.index("小区名称")].value == "日晖六村":
            line[header.index("经度")].value = 121.462231
            line[header.index("纬度")].value = 31.190512
    response, job_url = upload(client, as_upload(workbook))
    assert response.context["preview"]["error_count"] == 0, errors_of(response)
    confirm(client, job_url)
    tree.estate_a.refresh_from_db()
    assert (tree.estate_a.latitude, tree.estate_a.longitude) == (
        Decimal("31.190512"),
        Decimal("121.462231"),
    )
