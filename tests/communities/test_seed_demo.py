from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F, Max, Min, Sum

from communities.models import Building, Estate, Household, Membership, Owner, Region, Stairwell


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args, apps=False) -> str:
    """The command's output; only the registry unless `apps` (other apps' demos take time)."""
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, *([] if apps else ["--registry-only"]), stdout=out, stderr=err)
    seed.errors = err.getvalue()
    return out.getvalue()


def snapshot() -> dict:
    """What a seeded registry looks like, down to each dwelling's area and owner."""
    return {
        "regions": list(Region.objects.order_by("level", "name").values_list("name", "level")),
        "estates": list(
            Estate.objects.order_by("name").values_list(
                "name", "community__name", "year_built", "management_type", "latitude"
            )
        ),
        "buildings": Building.objects.count(),
        "stairwells": Stairwell.objects.count(),
        "households": list(
            Household.objects.order_by(
                "stairwell__building__estate__name",
                "stairwell__building__number",
                "stairwell__number",
                "room_number",
            ).values_list("room_number", "floor_area", "floor")
        ),
        "owners": list(
            Owner.objects.order_by(
                "household__stairwell__building__estate__name", "name", "phone"
            ).values_list("name", "phone")
        ),
        "memberships": sorted(
            Membership.objects.values_list("user__username", "region__name", "role")
        ),
    }


def test_the_demo_city_is_the_same_on_every_empty_database(db):
    seed()
    first = snapshot()
    seed("--flush")
    assert snapshot() == first


def test_the_demo_city_has_the_places_and_staff_of_the_brief(db):
    out = seed()
    assert set(Estate.objects.values_list("name", flat=True)) == {
        "日晖六村",
        "日晖二村",
        "江南新村",
        "东安一村",
        "石羊路21号院",
        "东怡街79号院",
        "东兴苑",
        "曙光街18号院",
        "市委家属院小区",
        "迎宾小区",
    }
    assert Estate.objects.get(name="东兴苑").community.parent.parent.name == "锦江区"
    assert set(Membership.objects.values_list("user__username", "role", "region__name")) == {
        ("bureau", "bureau", "焕新市"),
        ("xuhui", "district", "徐汇区"),
        ("xietu", "subdistrict", "斜土街道"),
        ("donghu", "subdistrict", "东湖街道"),
        ("rihui6", "community", "日晖六村居委"),
        ("grid", "grid_worker", "日晖六村居委"),
    }
    assert authenticate(username="xietu", password="huanxin2026") is not None
    admin = authenticate(username="admin", password="huanxin2026")
    assert admin is not None and admin.is_superuser
    for username in ("admin", "bureau", "xuhui", "xietu", "donghu", "rihui6", "grid"):
        assert username in out
    assert "huanxin2026" in out


def test_demo_buildings_look_like_the_estates_in_the_field_reports(db):
    seed()
    floors = Building.objects.aggregate(low=Min("floors"), high=Max("floors"))
    assert floors == {"low": 6, "high": 7}
    per_building = (
        Stairwell.objects.values("building")
        .annotate(n=Sum(1))
        .aggregate(low=Min("n"), high=Max("n"))
    )
    assert per_building == {"low": 2, "high": 3}
    areas = Household.objects.aggregate(low=Min("floor_area"), high=Max("floor_area"))
    assert areas["low"] >= 45 and areas["high"] <= 95
    assert Household.objects.count() == Stairwell.objects.aggregate(n=Sum(F("floors") * 2))["n"]
    assert Owner.objects.count() == Household.objects.count()
    assert Estate.objects.values("management_type").distinct().count() == 4


def test_every_apps_demo_data_loads_after_the_registry(db):
    seed(apps=True)
    assert seed.errors == ""


def test_if_empty_leaves_an_existing_registry_alone_but_still_prints_the_logins(db):
    seed()
    before = snapshot()
    out = seed("--if-empty")
    assert snapshot() == before
    assert "not loading" in out
    assert "bureau" in out and "huanxin2026" in out


def test_if_empty_does_not_touch_a_registry_that_is_not_the_demo(tree):
    out = seed("--if-empty")
    assert Estate.objects.count() == 3 and not Estate.objects.filter(name="东兴苑").exists()
    assert "No demo accounts" in out


def test_households_scales_the_registry_up_to_the_count(db):
    seed("--households", "2000")
    assert Household.objects.count() >= 2000
    assert Owner.objects.count() == Household.objects.count()
    assert not Household.objects.filter(floor__gt=F("stairwell__floors")).exists()
    count = Household.objects.count()
    seed("--if-empty", "--households", "2000")
    assert Household.objects.count() == count
