"""Reading an uploaded registry file into rows: `.xlsx` and `.xls` through python-calamine
(merged cells filled down their range), CSV in UTF-8 (with or without BOM), UTF-16, GBK or
GB18030. The format is told by the file's first bytes, not its name: offices rename files.

Reading is bounded: at most MAX_BYTES in, and a workbook is scanned (guard.py) before calamine
builds anything, so that a file longer than MAX_ROWS is refused at the first row past the
limit instead of being read to the end."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from communities.importing import guard
from communities.importing.columns import HEADER_SCAN_ROWS
from communities.importing.guard import ImportFileError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
# Rows a sheet may have at all: the data rows plus title and header rows above them.
SHEET_ROWS = MAX_ROWS + HEADER_SCAN_ROWS

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells); no blank rows
    sheet: str = ""


def read_table(data: bytes, filename: str) -> Table:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB. Split it into several files."))
    name = (filename or "").lower()
    try:
        if data[:4] == ZIP_MAGIC:
            guard.check_xlsx_parts(data)
            table = _read_workbook(data, check_sheet=guard.check_xlsx)
        elif data[:8] == guard.OLE_MAGIC:
            guard.check_xls(data, max_rows=SHEET_ROWS, max_columns=MAX_COLUMNS)
            table = _read_workbook(data, check_sheet=None)
        elif name.endswith((".csv", ".txt")):
            table = _read_csv(data)
        elif data.lstrip()[:1] == b"<":
            raise ImportFileError(
                _(
                    "This file is a web page saved under a spreadsheet's name, not a workbook. "
                    "Open it in Excel and save it as .xlsx."
                )
            )
        elif name.endswith((".xlsx", ".xls")):
            raise ImportFileError(_("The file is not a readable Excel workbook."))
        else:
            raise ImportFileError(_("Upload an .xlsx, .xls or .csv file."))
    except guard.TooManyRows:
        raise guard.too_many_rows(MAX_ROWS) from None
    if not table.rows:
        raise ImportFileError(_("The file is empty."))
    return table


def _has_content(cells: list) -> bool:
    return any(c is not None and str(c).strip() for c in cells)


# ---- workbooks ------------------------------------------------------------------------------


def _read_workbook(data: bytes, *, check_sheet) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    unreadable = _(
        "The file is not a readable Excel workbook. If it has a password, remove the password "
        "and save it again."
    )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportFileError(unreadable) from exc
    with workbook:
        # The first visible worksheet (a hidden helper sheet or a chart comes first at times).
        index = next(
            (
                i
                for i, meta in enumerate(workbook.sheets_metadata)
                if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
            ),
            None,
        )
        if index is None:
            raise ImportFileError(_("The workbook has no visible worksheet."))
        if check_sheet is not None:  # xlsx: calamine reads a sheet only when asked for it
            check_sheet(data, index, max_rows=SHEET_ROWS, max_columns=MAX_COLUMNS)
        try:
            sheet = workbook.get_sheet_by_index(index)
            grid = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except (CalamineError, ValueError, OSError) as exc:
            raise ImportFileError(unreadable) from exc
        _fill_merged(grid, merged)
        rows = [(i, row) for i, row in enumerate(grid, start=1) if _has_content(row)]
        return Table(rows=rows, sheet=sheet.name)


def _fill_merged(grid: list[list], ranges) -> None:
    """A building or stairwell merged down its rows: every cell of the range gets its value."""
    budget = 2 * sum(len(row) for row in grid) + 1  # overlapping ranges cannot loop for long
    for (top, left), (bottom, right) in ranges:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        if value is None or value == "":
            continue
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                budget -= 1
                if budget < 0:
                    raise ImportFileError(_("The sheet's merged cells overlap; unmerge them."))
                if row[c] is None or row[c] == "":
                    row[c] = value


# ---- CSV ------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """Excel saves CSV as UTF-8 with a BOM ("CSV UTF-8"), as UTF-16 ("Unicode text") or, on
    Chinese Windows, as GBK; GB18030 is GBK's superset and reads both."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("The CSV file is neither UTF-8 nor GBK. Save it from Excel as “CSV UTF-8”.")
    )


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if not _has_content(cells):
                continue
            if number > SHEET_ROWS:
                raise guard.TooManyRows()
            if len(cells) > MAX_COLUMNS and _has_content(cells[MAX_COLUMNS:]):
                raise guard.too_many_columns(MAX_COLUMNS)
            rows.append((number, cells[:MAX_COLUMNS]))
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file cannot be read: %(reason)s") % {"reason": exc}
        ) from exc
    return Table(rows=rows)
