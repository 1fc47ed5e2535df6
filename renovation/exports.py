"""Shared building blocks for every spreadsheet and CSV the portal writes: `safe_cell` for each
cell, and `download()` for a CSV streamed row by row or an xlsx written in write-only mode."""

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

# A cell that starts with one of these is read as a formula (or a DDE command) by Excel,
# LibreOffice and WPS; tab and carriage return let one hide behind leading whitespace.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value` as it may go into an exported cell: text that a spreadsheet would run as a
    formula gets a leading apostrophe, so it shows as typed and never executes. Numbers,
    dates and None pass unchanged (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# ---- downloads ------------------------------------------------------------------------------

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")


class _Echo:
    """A file-like object whose write() hands back what it was given (for csv.writer)."""

    def write(self, value):
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text line by line: a byte-order mark (so Excel and WPS read the Chinese as
    UTF-8), the header, then each row, every cell through `safe_cell`."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow(["" if v is None else safe_cell(v) for v in row])


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence], *, title: str):
    """A write-only workbook (rows are written as they come, never all held in memory) saved
    to a temporary file, positioned at its start; every cell through `safe_cell`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    # Sheet titles may not hold []:*?/\ and stop at 31 characters.
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "Sheet")
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(name)))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def download(
    fmt: str, *, header: Sequence[str], rows: Iterable[Sequence], filename: str, title: str = ""
) -> HttpResponseBase:
    """`rows` as a CSV (streamed as they are produced) or xlsx download named `filename`
    (without extension)."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV)
    elif fmt == "xlsx":
        response = FileResponse(xlsx_file(header, rows, title=title or filename), content_type=XLSX)
    else:
        raise ValueError(f"format must be one of {EXPORT_FORMATS}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
