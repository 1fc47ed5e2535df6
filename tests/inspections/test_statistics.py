"""The field's figures ("排查点位230处，已拆除43处，清除隐患15处") against a known dataset."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from inspections import selectors
from inspections.models import Status
from tests.inspections.factories import PointFactory, category

TODAY = date(2026, 3, 10)
S = Status


@pytest.fixture
def dataset(tree):
    roof, yard = category("rooftop_addition"), category("yard_enclosure")
    gas, lead, pile = category("gas"), category("flying_lead_charging"), category("disorder_pile")
    a, b, c = tree.estate_a, tree.estate_b, tree.estate_c
    for estate, cat, status, area, deadline in [
        (a, roof, S.CLOSED, "10.00", None),
        (a, roof, S.CLOSED, "20.50", None),
        (a, roof, S.DEMOLISHED, "5.00", None),
        (a, roof, S.NOTICE_SERVED, "7.00", TODAY - timedelta(days=1)),  # overdue, not yet marked
        (a, roof, S.NOTICE_SERVED, "9.00", TODAY),  # due today: not overdue
        (a, gas, S.VERIFIED, None, None),
        (a, gas, S.FOUND, None, None),
        (b, yard, S.OVERDUE, "8.00", TODAY - timedelta(days=4)),
        (b, lead, S.RECTIFIED_BY_PARTY, None, None),
        (b, pile, S.CLOSED, None, None),
        (c, roof, S.CLOSED, "100.00", None),
        (c, lead, S.INTERVIEWED, None, TODAY - timedelta(days=20)),
    ]:
        PointFactory(
            estate=estate,
            category=cat,
            status=status,
            deadline=deadline,
            area=Decimal(area) if area else None,
        )
    return tree


def test_alices_street_reports_its_own_figures(dataset, alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        stats = selectors.points_statistics(user=alice, today=TODAY)
    assert stats["totals"] == {
        "found": 10,
        "rectified": 6,
        "demolished": 3,
        "demolished_area": Decimal("35.50"),
        "hazards_found": 3,
        "hazards_cleared": 2,
        "overdue": 2,
        "closed": 3,
    }
    by_estate = {row["estate"]: row for row in stats["estates"]}
    assert set(by_estate) == {"日晖六村", "日晖二村"}
    assert (
        by_estate["日晖六村"]["found"],
        by_estate["日晖六村"]["demolished"],
        by_estate["日晖六村"]["overdue"],
    ) == (7, 3, 1)
    assert (
        by_estate["日晖二村"]["hazards_cleared"] == 1
        and by_estate["日晖二村"]["demolished_area"] == 0
    )
    assert [row["subdistrict"] for row in stats["subdistricts"]] == ["斜土街道"]


def test_the_city_sees_each_subdistrict(dataset):
    admin = get_user_model().objects.create_superuser("root", password="x")
    stats = selectors.points_statistics(user=admin, today=TODAY)
    by_street = {row["subdistrict"]: row for row in stats["subdistricts"]}
    assert by_street["枫林街道"]["found"] == 2 and by_street["枫林街道"][
        "demolished_area"
    ] == Decimal("100.00")
    assert by_street["斜土街道"]["found"] == 10
    assert stats["totals"]["found"] == 12


def test_the_next_street_sees_none_of_alices_points(dataset, charlie):
    stats = selectors.points_statistics(user=charlie, today=TODAY)
    assert [row["estate"] for row in stats["estates"]] == ["东安新村"]
    assert stats["totals"]["found"] == 2


def test_the_overdue_count_moves_with_the_clock(dataset, alice):
    assert (
        selectors.points_statistics(user=alice, today=TODAY + timedelta(days=1))["totals"][
            "overdue"
        ]
        == 3
    )
