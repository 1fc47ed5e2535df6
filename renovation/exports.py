"""Shared building blocks for every spreadsheet and CSV the portal writes."""

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
