"""Registry files as offices keep them, made by the tests (never committed binaries): xlsx with
openpyxl, Excel 97 .xls with xlwt, CSV with the csv module."""

import csv
import io
import zipfile

from django.urls import reverse
from openpyxl import Workbook

OFFICE_HEADER = ["序号", "社区", "小区名称", "楼栋号", "单元", "房号", "面积", "户主", "联系电话"]


def office_rows(n=24, *, estate="日晖六村", community="日晖六村居委", building="3"):
    """`n` dwellings in the office's own column names: 2 stairwells × 6 floors × 2 doors."""
    rows = []
    for i in range(n):
        stairwell, rest = divmod(i, 12)
        floor, door = divmod(rest, 2)
        rows.append(
            [
                i + 1,
                community,
                estate,
                building,
                str(stairwell + 1),
                f"{floor + 1}0{door + 1}",
                "58.20",
                f"户主{i + 1}",
                f"1381234{i:04d}",
            ]
        )
    return rows


def xlsx_file(
    rows, header=None, *, title_rows=(), merges=(), hidden_first_sheet=False, name="台账.xlsx"
):
    """An xlsx: optional title rows (and a blank row) above the header, merged ranges such as
    "D3:D8" (the value stays in the first cell, the others are blank, as Excel keeps them)."""
    workbook = Workbook()
    sheet = workbook.active
    if hidden_first_sheet:
        sheet.title = "说明"
        sheet.append(["填表说明：本表由街道填写"])
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("房屋台账")
    for title in title_rows:
        sheet.append([title])
    if title_rows:
        sheet.append([])
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    for cells in merges:
        sheet.merge_cells(cells)  # openpyxl keeps the first cell's value and blanks the rest
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


def xls_file(rows, header=None, *, merges=(), name="台账.xls"):
    """An Excel 97 workbook; `merges` are (first_row, last_row, column) with 0-based indexes
    counted in the data rows (the header, when given, is row 0)."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("房屋台账")
    lines = ([header] if header is not None else []) + list(rows)
    merged = {(r, c) for first, last, c in merges for r in range(first + 1, last + 1)}
    for r, line in enumerate(lines):
        for c, value in enumerate(line):
            if (r, c) in merged or value in ("", None):
                continue
            if any(first == r and c == col for first, _last, col in merges):
                last = next(last for first, last, col in merges if first == r and col == c)
                sheet.write_merge(r, last, c, c, value)
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


def csv_file(rows, header, encoding, *, name="台账.csv"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    out = io.BytesIO(text.getvalue().encode(encoding))
    out.name = name
    return out


def huge_xlsx(rows: int, *, tail=b"") -> bytes:
    """A small workbook of `rows` rows (they compress to almost nothing), written straight as
    XML. `tail` goes after them, inside the sheet: garbage there proves a reader stopped
    before reaching it."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
            'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
            '"worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row><c t="inlineStr"><is><t>\xe5\xb0\x8f\xe5\x8c\xba\xe5\x90\x8d\xe7\xa7\xb0'
                b'</t></is></c><c t="inlineStr"><is><t>\xe5\xae\xa4\xe5\x8f\xb7</t></is></c></row>'
            )
            block = b"<row><c><v>1</v></c><c><v>101</v></c></row>" * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"<row><c><v>1</v></c><c><v>101</v></c></row>" * (rows % 10_000))
            sheet.write(tail)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


# ---- through the pages ----------------------------------------------------------------------


def upload(client, data):
    """Upload through the import page; the job page's response (after the redirect)."""
    response = client.post(reverse("communities:import"), {"file": data})
    assert response.status_code == 302, _form_errors(response)
    return client.get(response.url), response.url


def confirm(client, job_url):
    response = client.post(job_url, {"action": "confirm"})
    assert response.status_code == 302
    return client.get(job_url)


def _form_errors(response) -> str:
    form = response.context and response.context.get("form")
    return str(form.errors) if form is not None else response.content.decode()[:500]


def errors_of(response) -> list[tuple[int, str, str]]:
    """(row, column, message) of every example the preview shows."""
    return [
        (e["row"], group["column"], e["message"])
        for group in response.context["preview"]["errors"]
        for e in group["examples"]
    ]
