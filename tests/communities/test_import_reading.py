"""Issue 14: a small workbook must not kill an import worker. Reading stops at the row limit
(a 3,000,000-row file is never read to the end to be counted) and a workbook whose cells would
make calamine build a huge grid is refused before calamine opens it."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from communities.importing import guard
from communities.importing.guard import ImportFileError
from communities.importing.reading import MAX_COLUMNS, MAX_ROWS, read_table
from communities.models import ImportJob
from tests.communities.import_files import huge_xlsx, xlsx_file

# Broken XML after the rows: a reader that went on to the end of the sheet would fail on it
# (or spend its time reading 3,000,000 rows first) instead of stopping at the limit.
GARBAGE = b"<row><c><v>1</v></c></row><<<not xml>>>" * 10


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def three_million_rows():
    return huge_xlsx(3_000_000, tail=GARBAGE)


def test_a_small_workbook_of_three_million_rows_is_refused_at_the_row_limit(three_million_rows):
    data = three_million_rows
    assert len(data) < 2 * 1024 * 1024  # as small as the 1.9 MB file of the report
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "big.xlsx")
    assert f"{MAX_ROWS}" in str(refused.value)


def test_a_workbook_just_under_the_limit_is_read_whole():
    table = read_table(huge_xlsx(MAX_ROWS), "long.xlsx")
    assert len(table.rows) == MAX_ROWS + 1  # the header and every data row


def test_a_long_file_is_refused_on_the_page_and_leaves_no_job(
    client, alice, tree, three_million_rows
):
    client.force_login(alice)
    upload = io.BytesIO(three_million_rows)
    upload.name = "big.xlsx"
    response = client.post(reverse("communities:import"), {"file": upload})
    assert response.status_code == 200
    assert str(MAX_ROWS) in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_an_excel_97_file_with_a_value_in_its_last_cell_is_refused_before_calamine_reads_it():
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("台账")
    sheet.write(0, 0, "小区名称")
    sheet.write(65535, 255, "x")  # calamine would build a 65536 × 256 grid: about 1 GB
    out = io.BytesIO()
    workbook.save(out)
    assert len(out.getvalue()) < 10_000
    with pytest.raises(ImportFileError) as refused:
        read_table(out.getvalue(), "corner.xls")
    assert f"{MAX_ROWS}" in str(refused.value)


def test_a_value_far_to_the_right_is_refused_with_the_column_limit():
    data = xlsx_file([["日晖六村", "1"]], ["小区名称", "楼号"])
    from openpyxl import load_workbook

    workbook = load_workbook(data)
    workbook.active.cell(row=2, column=MAX_COLUMNS + 5, value="备注")
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportFileError) as refused:
        read_table(out.getvalue(), "wide.xlsx")
    assert f"{MAX_COLUMNS}" in str(refused.value)


def test_formatted_empty_rows_far_below_the_data_do_not_count():
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    workbook = load_workbook(xlsx_file([["日晖六村", "1"]], ["小区名称", "楼号"]))
    workbook.active.cell(row=900_000, column=3).font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    assert len(read_table(out.getvalue(), "formatted.xlsx").rows) == 2


def test_a_zip_bomb_in_the_shared_strings_is_refused(monkeypatch):
    monkeypatch.setattr(guard, "MAX_PART_BYTES", 1024 * 1024)
    source = xlsx_file([["日晖六村", "1"]], ["小区名称", "楼号"]).getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in original.infolist():
            bomb.writestr(item, original.read(item))
        with bomb.open("xl/sharedStrings.xml", "w") as part:
            part.write(b"<sst>" + b" " * (3 * 1024 * 1024) + b"</sst>")
    assert len(out.getvalue()) < 50_000
    with pytest.raises(ImportFileError, match="too large"):
        read_table(out.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("台账.xls", b"<html><table><tr><td>x</td></tr></table></html>", "web page"),
        ("台账.xlsx", b"PK\x03\x04 this is not a zip", "readable"),
        ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97"),
        ("台账.pdf", b"%PDF-1.4", ".xls"),
        ("台账.csv", b"", "empty"),
    ],
)
def test_files_that_are_not_spreadsheets_get_a_message_that_says_what_to_do(name, data, words):
    with pytest.raises(ImportFileError) as refused:
        read_table(data, name)
    assert words in str(refused.value)


def test_a_csv_saved_as_unicode_text_reads():
    text = "小区名称\t楼号\n日晖六村\t3号楼\n"
    table = read_table(text.encode("utf-16"), "台账.txt")
    assert table.rows == [(1, ["小区名称", "楼号"]), (2, ["日晖六村", "3号楼"])]


def test_a_file_over_ten_megabytes_is_refused_before_it_is_read():
    from communities.importing.reading import MAX_BYTES

    with pytest.raises(ImportFileError, match="10 MB"):
        read_table(b"a,b\n" * (MAX_BYTES // 4 + 1), "big.csv")
