"""The import template and the registry export, in the same layout: an export re-imports as
"nothing changed", and an edited export updates what was edited.

Every cell goes through `renovation.exports.safe_cell`: an owner's name that begins with "="
is shown as typed and never runs as a formula in Excel or WPS."""

import tempfile
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from communities.importing.columns import COLUMNS
from communities.models import Estate, Household
from communities.selectors import registry_export_rows
from renovation import access
from renovation.exports import safe_cell


def _workbook(rows, *, title: str):
    """A write-only workbook with the layout's header row, then `rows`, saved to a temp file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width + 4
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF2F7")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def import_template():
    """The template: the header row and one example row (replace it with your data)."""
    example = [
        c.example if not isinstance(c.example, Decimal) else float(c.example) for c in COLUMNS
    ]
    return _workbook([example], title=_("Registry"))


def registry_export(*, user):
    """The user's scoped registry in the import layout, as an xlsx temp file. One query
    (iterated in chunks); owners' names and phones masked outside the user's PERSONAL scope."""
    with translation.override("zh-hans"):
        management = {k: str(v) for k, v in Estate.Management.choices}
        ownership = {k: str(v) for k, v in Household.Ownership.choices}
    yes, no = "有", "无"
    personal: dict[str, bool] = {}

    def sees_personal(path: str) -> bool:
        if path not in personal:
            personal[path] = access.sees_personal_data(user, path)
        return personal[path]

    def rows():
        for (
            subdistrict,
            community,
            path,
            name,
            address,
            year_built,
            management_type,
            company,
            longitude,
            latitude,
            b_number,
            b_floors,
            b_year,
            s_number,
            s_floors,
            s_elevator,
            room,
            floor,
            area,
            ownership_type,
            occupants,
            owner_name,
            owner_phone,
        ) in registry_export_rows(user=user).iterator(chunk_size=2000):
            if not sees_personal(path):
                owner_name = access.mask_name(owner_name or "")
                owner_phone = access.mask_phone(owner_phone or "")
            yield [
                subdistrict,
                community,
                name,
                address,
                year_built,
                management.get(management_type, management_type),
                company,
                None if longitude is None else float(longitude),
                None if latitude is None else float(latitude),
                b_number,
                b_floors,
                b_year,
                s_number,
                s_floors,
                None if s_number is None else (yes if s_elevator else no),
                room,
                floor,
                None if area is None else float(area),
                None if room is None else ownership.get(ownership_type, ownership_type),
                None if room is None else occupants,
                owner_name or None,
                owner_phone or None,
            ]

    return _workbook(rows(), title=_("Registry"))
