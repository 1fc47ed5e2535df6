"""How the portal writes numbers, the same in Chinese and English: money `¥1,601,000.00`,
counts `27,231`, areas `1,234.50` (two places), percentages `66.7%` (one place).

Django's zh-hans formats do not group digits, and USE_THOUSAND_SEPARATOR would also group
years and the ids inside links; these filters group exactly the figures people read.
`{% load figures %}` then `{{ project.works_budget|money }}`, `{{ n|number }}`,
`{{ estate.total_area|area }}`, `{{ progress|percent }}` (a value in percent points) and
`{{ voted|share:total }}` (a part of a whole; also a Fraction or ratio alone)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django import template

register = template.Library()
EMPTY = "—"
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _places(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


@register.filter
def money(value) -> str:
    """¥1,601,000.00; a negative sum -¥1,000.00."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    amount = _places(amount, CENT)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def number(value) -> str:
    """27,231 (a whole number); a fraction keeps its own decimal places: 1,234.5."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,f}"


@register.filter
def area(value) -> str:
    """1,234.50 (m², two places)."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    return f"{_places(amount, CENT):,.2f}"


def _percent_text(points: Decimal) -> str:
    return f"{_places(points, TENTH):,.1f}%"


@register.filter
def percent(value) -> str:
    """A value already in percent points (45.3, 80): 45.3%, 80.0%."""
    points = _decimal(value)
    return EMPTY if points is None else _percent_text(points)


@register.filter
def share(part, whole=None) -> str:
    """`part|share:whole` as a percentage (2|share:3 → 66.7%); alone, a ratio (Fraction(2, 3),
    0.5) → 66.7%, 50.0%. Nothing of nothing is "—"."""
    part = _decimal(part)
    if part is None:
        return EMPTY
    if whole is not None:
        whole = _decimal(whole)
        if not whole:
            return EMPTY
        part = part / whole
    return _percent_text(part * 100)
