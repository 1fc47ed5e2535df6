"""The arithmetic of elevator cost sharing, apart from the database so that it can be read (and
tested) on one page: money in integer fen, weights as exact fractions, shares rounded by the
largest-remainder method so that they always add up to the total, and instalment schedules whose
rows add up to the share. Nothing here touches a float.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> int:
    """¥1,234.56 → 123456. Amounts are stored with two places; anything finer is refused."""
    fen = Decimal(amount) * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def round_half_up(value: Fraction) -> int:
    """A non-negative exact amount of fen rounded to a whole fen, halves up."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def room_key(room_number: str) -> tuple:
    """Room numbers compared as people read them: "1102" above "902", "602B" above "602A"."""
    parts = re.findall(r"\d+|\D+", room_number or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


@dataclass(frozen=True)
class Claimant:
    """One dwelling's claim on a total: `key` identifies it, `weight` is its exact weight."""

    key: object
    weight: Fraction
    floor: int
    room_number: str


def allocate_fen(total_fen: int, claimants: list[Claimant]) -> dict[object, int]:
    """Split `total_fen` in proportion to the weights, in whole fen, adding up to the total.

    Each claimant first gets the whole fen of its exact quota; the fen left over go one each to
    the largest remainders. Equal remainders go first to the higher floor, then to the higher
    room number (so the rule is the same on every machine and in every run).
    """
    if total_fen < 0:
        raise ValueError("the total cannot be negative")
    if any(c.weight < 0 for c in claimants):
        raise ValueError("a weight cannot be negative")
    keys = [c.key for c in claimants]
    if len(set(keys)) != len(keys):
        raise ValueError("every claimant needs its own key")
    weight_sum = sum((c.weight for c in claimants), Fraction(0))
    if total_fen == 0:
        return {c.key: 0 for c in claimants}
    if weight_sum == 0:
        raise ValueError("every weight is zero")
    shares, remainders = {}, []
    for c in claimants:
        quota = Fraction(total_fen) * c.weight / weight_sum
        whole = quota.numerator // quota.denominator
        shares[c.key] = whole
        remainders.append((quota - whole, c))
    left = total_fen - sum(shares.values())
    remainders.sort(key=lambda r: (r[0], r[1].floor, room_key(r[1].room_number)), reverse=True)
    for _, c in remainders[:left]:
        shares[c.key] += 1
    return shares


# ---------------------------------------------------------------------------------------------
# Subsidy
# ---------------------------------------------------------------------------------------------


def subsidy_fen(
    *,
    kind: str,
    cost_fen: int,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    cap: Decimal | None = None,
    served_floors: int = 0,
) -> int:
    """What a policy grants for one elevator, in fen, never more than the cost:
    "fixed" (an amount per elevator), "percent" (of the cost, rounded to the fen half up,
    with an optional cap) or "per_floor" (an amount per served floor, optional cap)."""
    if kind == "fixed":
        granted = to_fen(amount)
    elif kind == "percent":
        granted = round_half_up(Fraction(cost_fen) * Fraction(percent) / 100)
    elif kind == "per_floor":
        granted = to_fen(amount) * served_floors
    else:
        raise ValueError(f"unknown subsidy kind {kind!r}")
    if cap is not None:
        granted = min(granted, to_fen(cap))
    return max(0, min(granted, cost_fen))


# ---------------------------------------------------------------------------------------------
# Instalments
# ---------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class ScheduleRow:
    number: int  # 0 is the down payment
    due_on: date
    principal_fen: int
    interest_fen: int


def schedule_rows(
    *,
    share_fen: int,
    down_payment_fen: int,
    months: int,
    first_due_on: date,
    annual_rate: Decimal = Decimal("0"),
) -> list[ScheduleRow]:
    """The instalments of one share: the down payment (if any) on `first_due_on`, then the rest
    in `months` monthly rows (the first a month later when there was a down payment). The
    principal of the rows adds up to the share exactly (the leftover fen of an uneven split go
    to the earliest rows); interest at `annual_rate` % a year on the declining balance, rounded
    to the fen per row. With `months` = 0 the whole share is due at once."""
    if share_fen < 0 or down_payment_fen < 0 or months < 0:
        raise ValueError("amounts and months cannot be negative")
    if share_fen == 0:
        return []
    down = min(down_payment_fen, share_fen)
    if months == 0:
        return [ScheduleRow(1, first_due_on, share_fen, 0)]
    rows = []
    if down:
        rows.append(ScheduleRow(0, first_due_on, down, 0))
    principal = share_fen - down
    base, extra = divmod(principal, months)
    offset = 1 if down else 0
    balance = principal
    monthly_rate = Fraction(annual_rate) / 100 / 12
    for k in range(1, months + 1):
        part = base + (1 if k <= extra else 0)
        if part == 0:
            continue
        interest_fen = round_half_up(balance * monthly_rate)
        rows.append(ScheduleRow(k, add_months(first_due_on, k - 1 + offset), part, interest_fen))
        balance -= part
    return rows
