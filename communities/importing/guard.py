"""Bounds checked before a workbook is handed to calamine.

calamine builds a dense grid from the first to the last cell that holds a value: a 5 KB `.xls`
with one value in A1 and one in IV65536 takes a gigabyte, and a small `.xlsx` of 3,000,000
rows takes tens of seconds. So the file's own records are scanned first, streaming and
without building anything, and the scan stops at the first cell beyond the row or column
limit: no file is read further than the limit to learn that it is too long."""

import io
import re
import struct
import zipfile
from xml.etree import ElementTree

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, size, header)."""

    def __init__(self, message, *, row: int = 0):
        super().__init__(message)
        self.row = row  # where in the file, when one row is at fault (the header's place)


class TooManyRows(ImportFileError):
    """Raised at the first value past the row limit; the reader words the message."""

    def __init__(self):
        super().__init__("too many rows")


def too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(n)s rows. Split it into several files.") % {"n": limit}
    )


def too_many_columns(limit: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The sheet has values beyond column %(n)s. Delete the columns that do not "
            "belong to the registry, or copy the registry into a new sheet."
        )
        % {"n": limit}
    )


# ---- xlsx: a zip of XML parts ------------------------------------------------------------------

CHUNK = 1 << 20
# Uncompressed bytes of any one part we read (a zip bomb stops here, not in memory).
MAX_PART_BYTES = 256 * 1024 * 1024
ROOT_PREFIX = re.compile(rb"<(\w+):worksheet\b")
ROW_ATTR = re.compile(rb'\br="(\d+)"')
# Cells in columns AA and beyond are the only ones that can pass a limit of 26 or more
# columns; looking for just those keeps the scan near C speed on an ordinary sheet.
WIDE_CELL = re.compile(rb'r="([A-Z]{2,3})\d')


def _patterns(prefix: bytes):
    """Tag patterns that start with a literal (fast) for the sheet's namespace prefix."""
    p = re.escape(prefix + b":") if prefix else b""
    return (
        re.compile(b"<" + p + rb"row\b([^>]*?)(/?)>"),
        re.compile(b"<" + p + rb"(?:v|is)\b"),
        re.compile(b"</" + p + rb"row>"),
    )


def _letters_to_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index


def _sheet_part(archive: zipfile.ZipFile, sheet_index: int) -> str:
    """The zip path of the workbook's `sheet_index`-th sheet (as calamine counts them)."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    workbook = ElementTree.fromstring(_read_part(archive, "xl/workbook.xml", 16 << 20))
    sheets = workbook.findall("m:sheets/m:sheet", ns)
    rel_id = sheets[sheet_index].get(f"{{{ns['r']}}}id")
    rels = ElementTree.fromstring(_read_part(archive, "xl/_rels/workbook.xml.rels", 16 << 20))
    for rel in rels.findall("p:Relationship", ns):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise ImportFileError(_("The workbook does not say where its first sheet is."))


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    out = bytearray()
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            out += chunk
            if len(out) > limit:
                raise ImportFileError(_("The workbook is too large to read."))
    return bytes(out)


def _drain(archive: zipfile.ZipFile, name: str) -> None:
    """Decompress a part without keeping it, to learn that it stays within MAX_PART_BYTES."""
    size = 0
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            size += len(chunk)
            if size > MAX_PART_BYTES:
                raise ImportFileError(_("The workbook is too large to read."))


def check_xlsx_parts(data: bytes) -> None:
    """Refuse the workbook if a part calamine reads when opening it (shared strings, styles)
    decompresses past MAX_PART_BYTES. Run before calamine opens the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        for name in ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"):
            if name in archive.NameToInfo:
                _drain(archive, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ImportFileError(_("The file is not a readable xlsx workbook.")) from exc


def check_xlsx(data: bytes, sheet_index: int, *, max_rows: int, max_columns: int) -> None:
    """Refuse the workbook if its sheet has a value below row `max_rows` or right of column
    `max_columns`, or if the sheet decompresses past MAX_PART_BYTES."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = _sheet_part(archive, sheet_index)
        _scan_sheet(archive, part, max_rows=max_rows, max_columns=max_columns)
    except (zipfile.BadZipFile, KeyError, IndexError, ElementTree.ParseError, EOFError) as exc:
        raise ImportFileError(_("The file is not a readable xlsx workbook.")) from exc
    except (zipfile.LargeZipFile, NotImplementedError) as exc:
        raise ImportFileError(_("The file is not a readable xlsx workbook.")) from exc


def _scan_sheet(archive, part: str, *, max_rows: int, max_columns: int) -> None:
    assert max_columns >= 26, "WIDE_CELL only looks at columns AA and beyond"
    row, size, buffer, patterns = 0, 0, b"", None
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(CHUNK)
            size += len(chunk)
            if size > MAX_PART_BYTES:
                raise ImportFileError(_("The workbook is too large to read."))
            buffer += chunk
            # Tags cannot contain "<", so everything before the last "<" is complete.
            cut = len(buffer) if not chunk else max(buffer.rfind(b"<"), 0)
            if patterns is None:
                prefix = ROOT_PREFIX.search(buffer, 0, 4096)
                patterns = _patterns(prefix.group(1) if prefix else b"")
            row_tag, value, row_end = patterns
            for match in row_tag.finditer(buffer, 0, cut):
                attrs, empty = match.groups()
                found = ROW_ATTR.search(attrs)
                row = int(found.group(1)) if found else row + 1
                if row > max_rows and not empty:
                    # Past the limit: only a row that holds a value counts (Excel writes
                    # formatted empty rows); a row cut off by the chunk is taken as one.
                    end = row_end.search(buffer, match.end(), cut)
                    if end is None or value.search(buffer, match.end(), end.start()):
                        raise TooManyRows()
            for match in WIDE_CELL.finditer(buffer, 0, cut):
                close = buffer.find(b">", match.end(), cut)
                empty = close > 0 and buffer[close - 1 : close] == b"/"  # formatting only
                if not empty and _letters_to_index(match.group(1)) > max_columns:
                    raise too_many_columns(max_columns)
            if not chunk:
                return
            buffer = buffer[cut:]


# ---- xls: BIFF8 records inside an OLE2 compound file -------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN = 0xFFFFFFFE
# Records that put a value in a cell (blank and formatting-only records do not count).
VALUE_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x00D6, 0x00BD}
BOUNDSHEET, BOF, EOF, MULRK = 0x0085, 0x0809, 0x000A, 0x00BD


def _ole_stream(data: bytes, wanted: tuple[str, ...]) -> bytes:
    """The named stream of an OLE2 compound file (the container of Excel 97 workbooks)."""
    if data[:8] != OLE_MAGIC or len(data) < 512:
        raise ImportFileError(_("The file is not an Excel 97 (.xls) workbook."))
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    sector = 1 << sector_shift
    mini_sector = 1 << mini_shift
    (dir_start,) = struct.unpack_from("<I", data, 0x30)
    mini_cutoff, mini_fat_start, _mini_count, difat_start, difat_count = struct.unpack_from(
        "<IIIII", data, 0x38
    )
    sectors = (len(data) - 512) // sector + 1

    def at(n: int) -> bytes:
        return data[512 + n * sector : 512 + (n + 1) * sector]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < sectors]
    next_difat = difat_start
    for _step in range(min(difat_count, sectors)):
        if next_difat >= sectors:
            break
        entries = struct.unpack(f"<{sector // 4}I", at(next_difat))
        fat_sectors += [n for n in entries[:-1] if n < sectors]
        next_difat = entries[-1]
    fat = []
    for n in fat_sectors:
        fat += struct.unpack(f"<{sector // 4}I", at(n))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        result = []
        while start != END_OF_CHAIN and start < len(table) and len(result) <= limit:
            result.append(start)
            start = table[start]
        return result

    def read(start: int) -> bytes:
        return b"".join(at(n) for n in chain(start, fat, sectors))

    directory = read(dir_start)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    root_start, root_size = struct.unpack_from("<II", entries[0], 0x74)
    for entry in entries:
        (name_length,) = struct.unpack_from("<H", entry, 0x40)
        name = entry[: max(name_length - 2, 0)].decode("utf-16-le", "replace")
        if entry[0x42] != 2 or name not in wanted:
            continue
        start, size = struct.unpack_from("<II", entry, 0x74)
        if size >= mini_cutoff:
            return read(start)[:size]
        mini_stream = read(root_start)[:root_size]
        mini_fat = []
        for n in chain(mini_fat_start, fat, sectors):
            mini_fat += struct.unpack(f"<{sector // 4}I", at(n))
        parts = chain(start, mini_fat, len(mini_stream) // mini_sector + 1)
        return b"".join(mini_stream[n * mini_sector : (n + 1) * mini_sector] for n in parts)[:size]
    raise ImportFileError(_("The file is not an Excel 97 (.xls) workbook."))


def check_xls(data: bytes, *, max_rows: int, max_columns: int) -> None:
    """Refuse the workbook if any sheet has a value below row `max_rows` or right of column
    `max_columns` (counted from 1, as Excel shows them). Every sheet: calamine reads all the
    sheets of an `.xls` as soon as it opens it, so this runs before calamine does."""
    try:
        stream = _ole_stream(data, ("Workbook", "Book"))
        offsets, pos = [], 0
        while pos + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, pos)
            if kind == BOUNDSHEET:
                offsets.append(struct.unpack_from("<I", stream, pos + 4)[0])
            if kind == EOF:
                break
            pos += 4 + length
        for offset in offsets:
            _scan_biff_sheet(stream, offset, max_rows=max_rows, max_columns=max_columns)
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise ImportFileError(_("The file is not an Excel 97 (.xls) workbook.")) from exc


def _scan_biff_sheet(stream: bytes, pos: int, *, max_rows: int, max_columns: int) -> None:
    first = True
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        if kind == EOF and not first:
            return
        first = False
        if kind in VALUE_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, pos + 4)
            if kind == MULRK and length >= 6:
                (column,) = struct.unpack_from("<H", stream, pos + 4 + length - 2)
            if row + 1 > max_rows:
                raise TooManyRows()
            if column + 1 > max_columns:
                raise too_many_columns(max_columns)
        pos += 4 + length
