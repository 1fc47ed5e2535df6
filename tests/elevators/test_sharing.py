"""The arithmetic of sharing, against figures worked out by hand, and its properties over many
random stairwells (hypothesis): the shares always add up to the total to the fen."""

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elevators.sharing import (
    Claimant,
    add_months,
    allocate_fen,
    room_key,
    schedule_rows,
    subsidy_fen,
    to_fen,
)

D = Decimal


def one_per_floor(coefficients):
    return [
        Claimant(key=f"{floor}01", weight=Fraction(D(c)), floor=floor, room_number=f"{floor}01")
        for floor, c in enumerate(coefficients, start=1)
    ]


def test_the_seven_floor_scheme_splits_100000_yuan_as_worked_out_by_hand():
    # Weights 0, 0, 0.7, 0.8, 0.9, 1.0, 1.1 sum to 4.5. In fen: 3F 1555555.56, 4F 1777777.78,
    # 5F 2000000, 6F 2222222.22, 7F 2444444.44 → whole fen sum to 9999998; the two fen left go
    # to the largest remainders, 4F (.78) and 3F (.56).
    shares = allocate_fen(10_000_000, one_per_floor(["0", "0", "0.7", "0.8", "0.9", "1.0", "1.1"]))
    assert shares == {
        "101": 0,
        "201": 0,
        "301": 1_555_556,
        "401": 1_777_778,
        "501": 2_000_000,
        "601": 2_222_222,
        "701": 2_444_444,
    }


def test_area_weighted_shares_as_worked_out_by_hand():
    # Coefficients 2F 1, 3F 2 times areas 50, 70 (2F) and 60, 40 (3F): weights 50, 70, 120, 80
    # (sum 320). ¥1000.01 = 100001 fen → 15625.156, 21875.219, 37500.375, 25000.25; one fen
    # left, to 301 (remainder .375).
    claimants = [
        Claimant("201", Fraction(1) * 50, 2, "201"),
        Claimant("202", Fraction(1) * 70, 2, "202"),
        Claimant("301", Fraction(2) * 60, 3, "301"),
        Claimant("302", Fraction(2) * 40, 3, "302"),
    ]
    assert allocate_fen(100_001, claimants) == {
        "201": 15_625,
        "202": 21_875,
        "301": 37_501,
        "302": 25_000,
    }


def test_a_tie_on_one_floor_goes_to_the_higher_room_number():
    claimants = [Claimant("601", Fraction(1), 6, "601"), Claimant("602", Fraction(1), 6, "602")]
    assert allocate_fen(101, claimants) == {"601": 50, "602": 51}


def test_a_tie_across_floors_goes_to_the_higher_floor_first():
    claimants = [
        Claimant("a", Fraction(1), 2, "202"),
        Claimant("b", Fraction(1), 3, "301"),
        Claimant("c", Fraction(1), 4, "401"),
    ]
    # 5 fen over three equal weights: 1 each and two left, to 4F and then 3F.
    assert allocate_fen(5, claimants) == {"a": 1, "b": 2, "c": 2}


def test_a_tie_prefers_the_higher_floor_even_over_a_higher_room_number():
    claimants = [Claimant("low", Fraction(1), 3, "399"), Claimant("high", Fraction(1), 4, "401")]
    assert allocate_fen(3, claimants) == {"low": 1, "high": 2}


def test_room_numbers_compare_as_people_read_them():
    assert room_key("1102") > room_key("902")
    assert room_key("602B") > room_key("602A")
    assert room_key("6-02") > room_key("5-12")
    claimants = [Claimant("902", Fraction(1), 9, "902"), Claimant("1102", Fraction(1), 9, "1102")]
    assert allocate_fen(1, claimants) == {"902": 0, "1102": 1}


def test_zero_weights_get_nothing_and_a_zero_total_gives_zeros():
    claimants = one_per_floor(["0", "1", "1"])
    assert allocate_fen(3, claimants) == {"101": 0, "201": 1, "301": 2}
    assert allocate_fen(0, one_per_floor(["0", "0"])) == {"101": 0, "201": 0}


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="every weight is zero"):
        allocate_fen(100, one_per_floor(["0", "0"]))
    with pytest.raises(ValueError, match="negative"):
        allocate_fen(100, [Claimant("x", Fraction(-1), 1, "101")])
    with pytest.raises(ValueError, match="negative"):
        allocate_fen(-1, one_per_floor(["1"]))
    with pytest.raises(ValueError, match="more than two decimal places"):
        to_fen(D("1.005"))


stairwells = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=9),  # floor
        st.integers(min_value=0, max_value=40).map(lambda n: D(n) / 20),  # coefficient 0–2
        st.integers(min_value=3000, max_value=15000).map(lambda n: D(n) / 100),  # area m²
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(
    dwellings=stairwells,
    total_fen=st.integers(min_value=0, max_value=10**11),
    area_weighted=st.booleans(),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_shares_always_add_up_to_the_total_to_the_fen(dwellings, total_fen, area_weighted, seed):
    claimants = [
        Claimant(
            key=i,
            weight=Fraction(coefficient) * (Fraction(area) if area_weighted else 1),
            floor=floor,
            room_number=f"{floor}{i:02d}",
        )
        for i, (floor, coefficient, area) in enumerate(dwellings)
    ]
    weight_sum = sum(c.weight for c in claimants)
    if total_fen and not weight_sum:
        with pytest.raises(ValueError):
            allocate_fen(total_fen, claimants)
        return
    shares = allocate_fen(total_fen, claimants)
    assert sum(shares.values()) == total_fen
    for c in claimants:
        quota = Fraction(total_fen) * c.weight / weight_sum if weight_sum else 0
        assert 0 <= shares[c.key] and abs(shares[c.key] - quota) < 1
        if c.weight == 0:
            assert shares[c.key] == 0
    # The order the dwellings come in changes nothing.
    shuffled = claimants[:]
    random.Random(seed).shuffle(shuffled)
    assert allocate_fen(total_fen, shuffled) == shares


# ---------------------------------------------------------------------------------------------
# Subsidy
# ---------------------------------------------------------------------------------------------


def test_a_percentage_subsidy_is_capped():
    policy = {"kind": "percent", "percent": D("40"), "cap": D("280000")}
    assert subsidy_fen(cost_fen=to_fen(D("600000")), **policy) == to_fen(D("240000"))
    assert subsidy_fen(cost_fen=to_fen(D("800000")), **policy) == to_fen(D("280000"))


def test_a_percentage_subsidy_rounds_half_a_fen_up():
    assert subsidy_fen(kind="percent", percent=D("50"), cost_fen=1) == 1
    assert subsidy_fen(kind="percent", percent=D("40"), cost_fen=3) == 1  # 1.2 fen


def test_a_fixed_subsidy_never_exceeds_the_cost():
    assert subsidy_fen(kind="fixed", amount=D("200000"), cost_fen=to_fen(D("650000"))) == to_fen(
        D("200000")
    )
    assert subsidy_fen(kind="fixed", amount=D("200000"), cost_fen=to_fen(D("150000"))) == to_fen(
        D("150000")
    )


def test_a_per_floor_subsidy_counts_the_served_floors():
    assert subsidy_fen(
        kind="per_floor", amount=D("20000"), cost_fen=to_fen(D("600000")), served_floors=7
    ) == to_fen(D("140000"))
    assert subsidy_fen(
        kind="per_floor",
        amount=D("20000"),
        cap=D("100000"),
        cost_fen=to_fen(D("600000")),
        served_floors=7,
    ) == to_fen(D("100000"))


# ---------------------------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------------------------


def test_a_zero_down_payment_schedule_adds_up_to_the_share():
    rows = schedule_rows(
        share_fen=to_fen(D("37829.56")),
        down_payment_fen=0,
        months=24,
        first_due_on=date(2025, 1, 31),
    )
    assert len(rows) == 24 and rows[0].number == 1
    assert sum(r.principal_fen for r in rows) == 3_782_956
    # 3782956 = 24 × 157623 + 4: the first four months carry the extra fen.
    assert [r.principal_fen for r in rows[:5]] == [157_624] * 4 + [157_623]
    assert rows[0].due_on == date(2025, 1, 31) and rows[1].due_on == date(2025, 2, 28)
    assert all(r.interest_fen == 0 for r in rows)


def test_a_down_payment_comes_first_and_the_months_follow():
    rows = schedule_rows(
        share_fen=1_000_000, down_payment_fen=300_000, months=3, first_due_on=date(2025, 3, 1)
    )
    assert [(r.number, r.due_on, r.principal_fen) for r in rows] == [
        (0, date(2025, 3, 1), 300_000),
        (1, date(2025, 4, 1), 233_334),
        (2, date(2025, 5, 1), 233_333),
        (3, date(2025, 6, 1), 233_333),
    ]


def test_interest_on_the_declining_balance_when_the_resident_bears_it():
    rows = schedule_rows(
        share_fen=1_200_000,
        down_payment_fen=0,
        months=3,
        first_due_on=date(2025, 1, 1),
        annual_rate=D("6"),
    )
    # 0.5% a month on 12000.00, 8000.00 and 4000.00.
    assert [r.interest_fen for r in rows] == [6_000, 4_000, 2_000]
    assert sum(r.principal_fen for r in rows) == 1_200_000


def test_no_months_means_the_whole_share_at_once():
    rows = schedule_rows(share_fen=5, down_payment_fen=0, months=0, first_due_on=date(2025, 1, 1))
    assert [(r.number, r.principal_fen) for r in rows] == [(1, 5)]
    assert (
        schedule_rows(share_fen=0, down_payment_fen=0, months=12, first_due_on=date(2025, 1, 1))
        == []
    )


def test_a_month_end_falls_back_to_the_shorter_months_last_day():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 12, 31), 2) == date(2026, 2, 28)
    assert add_months(date(2025, 5, 15), -3) == date(2025, 2, 15)


@settings(max_examples=300, deadline=None)
@given(
    share_fen=st.integers(min_value=0, max_value=10**9),
    down=st.integers(min_value=0, max_value=10**9),
    months=st.integers(min_value=0, max_value=120),
    rate=st.integers(min_value=0, max_value=2400).map(lambda n: D(n) / 100),
)
def test_every_schedule_adds_up_to_its_share(share_fen, down, months, rate):
    rows = schedule_rows(
        share_fen=share_fen,
        down_payment_fen=down,
        months=months,
        first_due_on=date(2025, 1, 31),
        annual_rate=rate,
    )
    assert sum(r.principal_fen for r in rows) == share_fen
    assert all(r.principal_fen > 0 and r.interest_fen >= 0 for r in rows)
    assert [r.due_on for r in rows] == sorted(r.due_on for r in rows)
    assert len({r.number for r in rows}) == len(rows)
