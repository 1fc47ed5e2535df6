"""Figures are written the same way in Chinese and English: grouped thousands, two places for
money and areas, one for percentages."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template
from django.utils import translation

from renovation.templatetags.figures import area, money, number, percent, share


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("1601000"), "¥1,601,000.00"),
        (Decimal("1601000.5"), "¥1,601,000.50"),
        (Decimal("-1000"), "-¥1,000.00"),
        (Decimal("0.005"), "¥0.01"),
        (0, "¥0.00"),
        (None, "—"),
    ],
)
def test_money_has_a_yuan_sign_thousands_separators_and_two_places(value, expected):
    assert money(value) == expected


def test_counts_areas_and_percentages():
    assert number(27231) == "27,231"
    assert number(Decimal("27231.00")) == "27,231"
    assert area(Decimal("12345.5")) == "12,345.50"
    assert area(None) == "—"
    assert percent(Decimal("45.25")) == "45.3%"
    assert percent(80) == "80.0%"
    assert share(2, 3) == "66.7%"
    assert share(Fraction(2, 3)) == "66.7%"
    assert share(5, 0) == "—"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filters_group_thousands_in_chinese_too(language):
    template = Template(
        "{% load figures %}{{ m|money }} {{ n|number }} 户 {{ a|area }} m² {{ v|share:t }}"
    )
    with translation.override(language):
        text = template.render(
            Context({"m": Decimal("1601000"), "n": 27231, "a": Decimal("1234.5"), "v": 1, "t": 3})
        )
    assert text == "¥1,601,000.00 27,231 户 1,234.50 m² 33.3%"
