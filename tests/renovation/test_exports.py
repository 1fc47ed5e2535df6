from decimal import Decimal

import pytest

from renovation.exports import safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x")'],
)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "101", "", None, 3, Decimal("-1.50"), -2.5])
def test_plain_text_and_numbers_pass_unchanged(value):
    assert safe_cell(value) == value
