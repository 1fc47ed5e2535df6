"""Every decision rule at and just below its thresholds, in exact fractions (民法典 第278条)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from communities.models import Household
from consultations.ballots import ballot_cast
from consultations.models import Consultation
from consultations.tally import tally_compute
from tests.conftest import make_stairwell
from tests.consultations.factories import make_consultation, vote

pytestmark = pytest.mark.django_db
Rule = Consultation.Rule


def nine_dwellings(tree, areas=None):
    """A stairwell of 3 floors × 3 dwellings; areas optionally per dwelling (in order)."""
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=3, area="60.00")
    households = list(
        Household.objects.filter(stairwell=stairwell).order_by("floor", "room_number")
    )
    if areas:
        for household, area in zip(households, areas, strict=True):
            household.floor_area = Decimal(area)
            household.save(update_fields=["floor_area"])
    return stairwell, households


def cast(consultation, households, pattern):
    for household, meaning in zip(households, pattern, strict=False):
        if meaning:
            vote(consultation, household, meaning)


def check(tally, index):
    return tally.checks[index]


def test_six_of_nine_dwellings_reach_two_thirds_participation(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    cast(c, hs, ["yes"] * 6)
    tally = tally_compute(consultation=c)
    assert tally.participating_count == 6
    assert check(tally, 1).value == Fraction(2, 3) and check(tally, 1).passed
    assert check(tally, 0).passed
    assert tally.passed is True


def test_five_of_nine_dwellings_do_not_reach_two_thirds(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    cast(c, hs, ["yes"] * 5)
    tally = tally_compute(consultation=c)
    assert check(tally, 1).value == Fraction(5, 9) and not check(tally, 1).passed
    assert tally.passed is False


def test_participation_by_count_but_not_by_area_fails(tree):
    # Six small dwellings vote (6/9 by count) but hold less than 2/3 of the area.
    areas = ["40.00"] * 6 + ["100.00"] * 3  # total 540; the six hold 240 < 360
    stairwell, hs = nine_dwellings(tree, areas)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    cast(c, hs, ["yes"] * 6)
    tally = tally_compute(consultation=c)
    assert tally.electorate_area == Decimal("540.00")
    assert check(tally, 1).passed  # count: 6/9
    assert not check(tally, 0).passed  # area: 240/540
    assert tally.passed is False


def test_participation_by_area_but_not_by_count_fails(tree):
    areas = ["40.00"] * 6 + ["200.00"] * 3  # the three big ones hold 600 of 840 (> 2/3)
    stairwell, hs = nine_dwellings(tree, areas)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    cast(c, list(reversed(hs)), ["yes"] * 5)  # three big + two small
    tally = tally_compute(consultation=c)
    assert check(tally, 0).passed  # area 680/840
    assert not check(tally, 1).passed  # count 5/9
    assert tally.passed is False


def test_major_matter_approval_at_exactly_three_quarters_passes(tree):
    # 8 participate (of 9), 6 agree: 6/8 = 3/4 by count and by area (equal areas).
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    cast(c, hs, ["yes"] * 6 + ["no", "abstain"])
    tally = tally_compute(consultation=c)
    assert check(tally, 3).value == Fraction(3, 4) and check(tally, 3).passed
    assert check(tally, 2).value == Fraction(3, 4) and check(tally, 2).passed
    assert tally.passed is True


def test_major_matter_approval_just_below_three_quarters_fails(tree):
    # 9 participate, 6 agree: 6/9 = 2/3 < 3/4.
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    cast(c, hs, ["yes"] * 6 + ["no"] * 3)
    tally = tally_compute(consultation=c)
    assert not check(tally, 3).passed and not check(tally, 2).passed
    assert tally.passed is False


def test_major_matter_approval_by_count_but_not_by_area_fails(tree):
    # 8 participate; 6 small dwellings agree (6/8 count) but hold too little of the area.
    areas = ["50.00"] * 6 + ["100.00"] * 3
    stairwell, hs = nine_dwellings(tree, areas)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    cast(c, hs, ["yes"] * 6 + ["no", "no"])  # yes area 300 of participating 500
    tally = tally_compute(consultation=c)
    assert tally.participating_area == Decimal("500.00")
    assert check(tally, 3).passed
    assert check(tally, 2).value == Fraction(3, 5) and not check(tally, 2).passed
    assert tally.passed is False


def test_ordinary_matter_needs_more_than_half(tree):
    # 8 participate, 4 agree: exactly 1/2 is not more than half.
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.ORDINARY)
    cast(c, hs, ["yes"] * 4 + ["no"] * 4)
    tally = tally_compute(consultation=c)
    assert check(tally, 3).value == Fraction(1, 2) and not check(tally, 3).passed
    assert tally.passed is False


def test_ordinary_matter_passes_with_one_more_than_half(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.ORDINARY)
    cast(c, hs, ["yes"] * 5 + ["no"] * 4)
    tally = tally_compute(consultation=c)
    assert [ch.passed for ch in tally.checks] == [True, True, True, True]
    assert tally.passed is True


def test_simple_majority_counts_ballots_cast_only(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.SIMPLE)
    cast(c, hs, ["yes", "yes", "no"])  # 3 of 9 take part: no participation quorum here
    tally = tally_compute(consultation=c)
    assert len(tally.checks) == 1 and tally.passed is True


def test_simple_majority_fails_on_a_tie(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.SIMPLE)
    cast(c, hs, ["yes", "no"])
    assert tally_compute(consultation=c).passed is False


def test_a_single_objecting_owner_fails_a_no_objection_decision(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR, no_objection=True)
    cast(c, hs, ["yes"] * 8 + ["no"])
    tally = tally_compute(consultation=c)
    assert all(ch.passed for ch in tally.checks[:4])
    assert not tally.checks[4].passed
    assert tally.passed is False


def test_no_objection_decision_passes_when_nobody_disagrees(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR, no_objection=True)
    cast(c, hs, ["yes"] * 8 + ["abstain"])
    assert tally_compute(consultation=c).passed is True


def test_only_the_latest_ballot_of_a_dwelling_counts(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    vote(c, hs[0], "no")
    vote(c, hs[0], "yes")
    tally = tally_compute(consultation=c)
    assert (tally.participating_count, tally.yes_count, tally.no_count) == (1, 1, 0)


def test_the_electorate_is_the_scope_only(tree):
    stairwell, hs = nine_dwellings(tree)
    make_stairwell(tree.estate_a, floors=2, per_floor=2, building_number="9")  # another building
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    estate_wide = make_consultation(tree.estate_a, rule=Rule.MAJOR)
    assert tally_compute(consultation=c).electorate_count == 9
    assert tally_compute(consultation=estate_wide).electorate_count == 13


def test_satisfaction_rate_is_the_share_of_ratings_of_four_or_more(tree):
    stairwell, hs = nine_dwellings(tree)
    c = make_consultation(tree.estate_a, stairwell=stairwell, kind=Consultation.Kind.SATISFACTION)
    question = c.questions.get()
    for household, rating in zip(hs, [5, 4, 4, 3, 1], strict=False):
        ballot_cast(
            consultation=c, household=household, answers={question.pk: rating}, channel="online"
        )
    [entry] = tally_compute(consultation=c).questions
    assert entry["satisfaction_rate"] == Fraction(3, 5)
    assert entry["average"] == Decimal("3.40")


def test_the_tally_takes_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    stairwell = make_stairwell(tree.estate_a, floors=6, per_floor=4)
    c = make_consultation(tree.estate_a, stairwell=stairwell, rule=Rule.MAJOR)
    for i, household in enumerate(Household.objects.filter(stairwell=stairwell)):
        vote(c, household, "yes" if i % 3 else "no")
    # The latest freeze, the questions and their choices, the counted ballots, the answers.
    with django_assert_max_num_queries(5):
        tally = tally_compute(consultation=c)
    assert tally.participating_count == 24
