"""A seven-floor stairwell of alice's estate (two dwellings a floor, 60 m² each) and its
retrofit: ¥600,000, 40% subsidy capped at ¥280,000, the 0/0/0.7/…/1.1 scheme, shares computed."""

from decimal import Decimal

import pytest

from elevators import share_services
from elevators.models import ShareVersion
from tests.conftest import make_stairwell
from tests.elevators.factories import make_policy, make_retrofit, make_scheme

SEVEN = ["0", "0", "0.7", "0.8", "0.9", "1.0", "1.1"]


@pytest.fixture
def english():
    """Services' messages in English, so tests can read them (pages are tested in Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(db):
    """The shipped policies and schemes (migration 0002; a transactional test may have emptied
    the reused test database since)."""
    from elevators.catalogue import seed_catalogue
    from elevators.models import SchemeFloor, SharingScheme, SubsidyPolicy

    seed_catalogue(SubsidyPolicy, SharingScheme, SchemeFloor)


@pytest.fixture
def stairwell(tree):
    return make_stairwell(tree.estate_a, floors=7, per_floor=2)


@pytest.fixture
def scheme7(db):
    return make_scheme(SEVEN, name="七层测试方案")


@pytest.fixture
def policy40(db):
    return make_policy("percent", percent="40", cap="280000", name="40%封顶28万（测试）")


@pytest.fixture
def retrofit(alice, stairwell, scheme7, policy40):
    r = make_retrofit(alice, stairwell, scheme=scheme7, policy=policy40, costs=("600000",))
    share_services.share_table_compute(
        retrofit=r, reason_kind=ShareVersion.Reason.INITIAL, actor=alice
    )
    r.refresh_from_db()
    return r


def room(stairwell, number):
    return stairwell.households.get(room_number=number)


def shares_by_room(retrofit, *, current=True, number=None):
    from elevators.models import Share

    rows = Share.objects.filter(version__retrofit=retrofit)
    rows = rows.filter(version__number=number) if number else rows.filter(version__is_current=True)
    return {s.household.room_number: s.amount for s in rows.select_related("household")}


D = Decimal
