"""Shared fixtures: the personas of every access test, and real services (Redis + a Celery
worker) for the jobs that need them.

Personas (after healthchecks' Alice, Bob and Charlie):
- alice: subdistrict staff at 斜土街道 — owns estate_a (日晖六村) and estate_b (日晖二村);
- bob: grid worker at 日晖六村居委 — sees estate_a only;
- charlie: subdistrict staff at 枫林街道, the next street — owns estate_c, sees nothing of alice's;
- diana: city housing bureau — reads everything, writes nothing.
"""

import os
from types import SimpleNamespace

import pytest

from communities.models import Membership, Region
from tests.communities.factories import (
    BuildingFactory,
    EstateFactory,
    HouseholdFactory,
    OwnerFactory,
    RegionFactory,
    StairwellFactory,
    staff,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(reason: str):
    """Skip when a service is missing — or fail, when REQUIRE_SERVICES=1 says it must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests log personas in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    city = RegionFactory(name="焕新市", level=Region.Level.CITY)
    district = RegionFactory(name="徐汇区", level=Region.Level.DISTRICT, parent=city)
    xietu = RegionFactory(name="斜土街道", level=Region.Level.SUBDISTRICT, parent=district)
    fenglin = RegionFactory(name="枫林街道", level=Region.Level.SUBDISTRICT, parent=district)
    rihui6 = RegionFactory(name="日晖六村居委", level=Region.Level.COMMUNITY, parent=xietu)
    rihui2 = RegionFactory(name="日晖二村居委", level=Region.Level.COMMUNITY, parent=xietu)
    dongan = RegionFactory(name="东安居委", level=Region.Level.COMMUNITY, parent=fenglin)
    for region in (city, district, xietu, fenglin, rihui6, rihui2, dongan):
        region.refresh_from_db()
    estate_a = EstateFactory(name="日晖六村", community=rihui6)
    estate_b = EstateFactory(name="日晖二村", community=rihui2)
    estate_c = EstateFactory(name="东安新村", community=dongan)
    return SimpleNamespace(
        city=city,
        district=district,
        xietu=xietu,
        fenglin=fenglin,
        rihui6=rihui6,
        rihui2=rihui2,
        dongan=dongan,
        estate_a=estate_a,
        estate_b=estate_b,
        estate_c=estate_c,
    )


@pytest.fixture
def alice(tree):
    return staff("alice", tree.xietu, Membership.Role.SUBDISTRICT)


@pytest.fixture
def bob(tree):
    return staff("bob", tree.rihui6, Membership.Role.GRID_WORKER)


@pytest.fixture
def charlie(tree):
    return staff("charlie", tree.fenglin, Membership.Role.SUBDISTRICT)


@pytest.fixture
def diana(tree):
    return staff("diana", tree.city, Membership.Role.BUREAU)


def make_stairwell(estate, *, floors=6, per_floor=2, area="60.00", building_number="1", number="1"):
    """A stairwell of `floors` floors with `per_floor` dwellings each, one owner per dwelling."""
    from decimal import Decimal

    building = BuildingFactory(estate=estate, number=building_number, floors=floors)
    stairwell = StairwellFactory(building=building, number=number, floors=floors)
    for floor in range(1, floors + 1):
        for door in range(1, per_floor + 1):
            household = HouseholdFactory(
                stairwell=stairwell,
                floor=floor,
                room_number=f"{floor}0{door}",
                floor_area=Decimal(area),
            )
            OwnerFactory(household=household)
    return stairwell


@pytest.fixture
def redis_url():
    import redis

    url = os.environ.get("REDIS_URL")
    if not url:
        need_service("REDIS_URL is not set: the Celery integration tests need Redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need_service(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def celery_worker(transactional_db, redis_url):
    """A real Celery worker (in a thread of this process) consuming from Redis, against the
    test database. Tasks are sent with .delay() exactly as the portal sends them."""
    from celery.contrib.testing.worker import start_worker

    from renovation.celery import app

    app.conf.update(broker_url=redis_url, task_always_eager=False)
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20
    ):
        yield app
