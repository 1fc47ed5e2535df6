from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from communities import services
from communities.models import Estate, Household, Membership, Region, Stairwell
from renovation.drf import exception_handler
from renovation.models import ApiToken
from tests.communities.factories import (
    BuildingFactory,
    EstateFactory,
    HouseholdFactory,
    OwnerFactory,
    RegionFactory,
    StairwellFactory,
    staff,
)
from tests.conftest import make_stairwell

API = "/api/v1"


def api(user=None) -> APIClient:
    """An API client speaking English (the messages asserted below are the msgids)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords are hashed per test; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def crowd(tree):
    """25 more estates in 日晖六村居委, each with a building, a stairwell and two dwellings, and
    20 more communities under 斜土街道: enough rows that a query per row would show."""
    for n in range(25):
        estate = EstateFactory(
            community=tree.rihui6, name=f"批量{n}号院", management_type=Estate.Management.WORK_UNIT
        )
        building = BuildingFactory(estate=estate, number="1", floors=2)
        stairwell = StairwellFactory(building=building, number="1", floors=2)
        for floor in (1, 2):
            OwnerFactory(
                household=HouseholdFactory(
                    stairwell=stairwell, floor=floor, room_number=f"{floor}01"
                )
            )
    for n in range(20):
        RegionFactory(name=f"新居委{n}", level=Region.Level.COMMUNITY, parent=tree.xietu)
    return tree


# --- reading, scoping ---------------------------------------------------------------------------


def test_the_estate_list_carries_counts_and_total_area_computed_in_sql(tree, alice):
    make_stairwell(tree.estate_a, floors=2, area="60.50")
    rows = {row["name"]: row for row in api(alice).get(f"{API}/estates/").json()["results"]}
    assert rows["日晖六村"]["building_count"] == 1
    assert rows["日晖六村"]["household_count"] == 4
    assert rows["日晖六村"]["total_area"] == "242.00"
    assert rows["日晖二村"]["household_count"] == 0
    assert rows["日晖二村"]["total_area"] == "0.00"


def test_a_subdistrict_user_lists_only_the_estates_of_their_street(tree, alice):
    assert names(api(alice).get(f"{API}/estates/")) == {"日晖六村", "日晖二村"}


def test_charlie_gets_404_for_alices_estate_and_never_sees_it(tree, alice, charlie):
    stairwell = make_stairwell(tree.estate_a, floors=2)
    household = stairwell.households.first()
    client = api(charlie)
    assert client.get(f"{API}/estates/{tree.estate_a.pk}/").status_code == 404
    assert client.get(f"{API}/buildings/{stairwell.building_id}/").status_code == 404
    assert client.get(f"{API}/stairwells/{stairwell.pk}/").status_code == 404
    assert client.get(f"{API}/households/{household.pk}/").status_code == 404
    assert client.patch(f"{API}/estates/{tree.estate_a.pk}/", {"name": "x"}).status_code == 404
    assert names(client.get(f"{API}/estates/")) == {"东安新村"}
    assert client.get(f"{API}/households/").json()["count"] == 0
    assert client.get(f"{API}/households/", {"estate_id": tree.estate_a.pk}).json()["count"] == 0
    assert client.get(f"{API}/buildings/").json()["count"] == 0


def test_the_bureau_reads_the_whole_city_but_may_not_write(tree, diana):
    client = api(diana)
    assert names(client.get(f"{API}/estates/")) == {"日晖六村", "日晖二村", "东安新村"}
    assert client.get(f"{API}/estates/{tree.estate_c.pk}/").status_code == 200
    created = client.post(
        f"{API}/estates/", {"name": "新", "address": "路", "community": tree.rihui6.pk}
    )
    assert created.status_code == 403
    assert client.patch(f"{API}/estates/{tree.estate_a.pk}/", {"name": "x"}).status_code == 403


def test_a_grid_worker_may_read_their_community_but_not_write(tree, bob):
    client = api(bob)
    assert names(client.get(f"{API}/estates/")) == {"日晖六村"}
    assert client.patch(f"{API}/estates/{tree.estate_a.pk}/", {"name": "x"}).status_code == 403


def test_the_api_needs_a_login(tree):
    assert api().get(f"{API}/estates/").status_code in (401, 403)


def test_regions_show_the_users_nodes_and_below_but_not_the_nodes_above(tree, alice):
    client = api(alice)
    assert names(client.get(f"{API}/regions/")) == {"斜土街道", "日晖六村居委", "日晖二村居委"}
    assert client.get(f"{API}/regions/{tree.city.pk}/").status_code == 404
    assert client.get(f"{API}/regions/{tree.fenglin.pk}/").status_code == 404
    mine = client.get(f"{API}/regions/{tree.xietu.pk}/").json()
    assert mine["level"] == Region.Level.SUBDISTRICT and mine["parent"] == tree.district.pk


def test_regions_filter_by_level_and_parent(tree, diana):
    client = api(diana)
    level = Region.Level.COMMUNITY
    assert names(client.get(f"{API}/regions/", {"level": level})) == {
        "日晖六村居委",
        "日晖二村居委",
        "东安居委",
    }
    assert names(client.get(f"{API}/regions/", {"parent_id": tree.district.pk})) == {
        "斜土街道",
        "枫林街道",
    }


# --- filters and pagination ---------------------------------------------------------------------


def test_estates_filter_by_region_node(tree, diana):
    client = api(diana)
    assert names(client.get(f"{API}/estates/", {"region_id": tree.xietu.pk})) == {
        "日晖六村",
        "日晖二村",
    }
    assert names(client.get(f"{API}/estates/", {"region_id": tree.dongan.pk})) == {"东安新村"}


def test_a_region_outside_the_users_scope_is_not_a_valid_filter(tree, alice):
    response = api(alice).get(f"{API}/estates/", {"region_id": tree.fenglin.pk})
    assert response.status_code == 400 and "region_id" in response.json()


def test_estates_filter_by_management_type_year_built_and_search(tree, diana):
    Estate.objects.filter(pk=tree.estate_a.pk).update(
        management_type=Estate.Management.PROFESSIONAL, year_built=1995, property_company="徐房物业"
    )
    Estate.objects.filter(pk=tree.estate_b.pk).update(year_built=1980)
    client = api(diana)
    assert names(client.get(f"{API}/estates/", {"management_type": "professional"})) == {"日晖六村"}
    assert names(
        client.get(f"{API}/estates/", {"year_built_min": 1985, "year_built_max": 1995})
    ) == {"日晖六村", "东安新村"}
    assert names(client.get(f"{API}/estates/", {"q": "徐房"})) == {"日晖六村"}
    assert names(client.get(f"{API}/estates/", {"q": "东安"})) == {"东安新村"}


def test_households_filter_by_estate(tree, alice):
    make_stairwell(tree.estate_a, floors=2)
    make_stairwell(tree.estate_b, floors=3)
    response = api(alice).get(f"{API}/households/", {"estate_id": tree.estate_b.pk})
    rows = response.json()["results"]
    assert len(rows) == 6 and {row["estate_name"] for row in rows} == {"日晖二村"}


def test_lists_page_with_limit_and_offset(crowd, alice):
    client = api(alice)
    first = client.get(f"{API}/estates/", {"limit": 10}).json()
    second = client.get(f"{API}/estates/", {"limit": 10, "offset": 10}).json()
    assert first["count"] == 27 and len(first["results"]) == 10
    assert "offset=10" in first["next"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize(
    "endpoint", ["estates", "buildings", "stairwells", "households", "regions"]
)
def test_list_endpoints_take_a_constant_number_of_queries(
    crowd, diana, endpoint, django_assert_max_num_queries
):
    client = api(diana)
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/{endpoint}/", {"limit": 100})
    assert len(response.json()["results"]) >= 20


def test_a_household_detail_takes_a_constant_number_of_queries(
    crowd, alice, django_assert_max_num_queries
):
    household = Household.objects.first()
    client = api(alice)
    with django_assert_max_num_queries(4):
        assert client.get(f"{API}/households/{household.pk}/").status_code == 200


# --- personal data ------------------------------------------------------------------------------


def test_owner_names_and_phones_are_masked_for_a_district_user(tree, alice):
    household = HouseholdFactory(
        stairwell=make_stairwell(tree.estate_a, floors=1, per_floor=0), floor=1, room_number="101"
    )
    OwnerFactory(household=household, name="张三丰", phone="13812345678")
    district_user = staff("xuhui", tree.district, Membership.Role.DISTRICT)

    masked = api(district_user).get(f"{API}/households/{household.pk}/").json()["owners"]
    assert masked == [
        {"id": masked[0]["id"], "name": "张**", "phone": "138****5678", "is_primary": True}
    ]
    plain = api(alice).get(f"{API}/households/{household.pk}/").json()["owners"]
    assert plain[0]["name"] == "张三丰" and plain[0]["phone"] == "13812345678"


def test_owners_are_not_in_the_household_list(tree, alice):
    make_stairwell(tree.estate_a, floors=1)
    assert "owners" not in api(alice).get(f"{API}/households/").json()["results"][0]


# --- writing ------------------------------------------------------------------------------------


def test_alice_creates_an_estate_in_her_street_and_gets_its_totals_back(tree, alice):
    response = api(alice).post(
        f"{API}/estates/",
        {
            "name": "江南新村",
            "address": "斜土路1461弄",
            "community": tree.rihui2.pk,
            "year_built": 1980,
            "management_type": "none",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["community_name"] == "日晖二村居委"
    assert body["household_count"] == 0 and body["total_area"] == "0.00"
    assert Estate.objects.filter(name="江南新村", community=tree.rihui2).exists()


def test_a_community_outside_the_users_scope_does_not_exist_for_them(tree, alice):
    response = api(alice).post(
        f"{API}/estates/", {"name": "新村", "address": "东安路", "community": tree.dongan.pk}
    )
    assert response.status_code == 400
    assert "community" in response.json()
    assert not Estate.objects.filter(name="新村").exists()


def test_alice_updates_her_estate(tree, alice):
    response = api(alice).patch(f"{API}/estates/{tree.estate_a.pk}/", {"property_company": "徐房"})
    assert response.status_code == 200 and response.json()["property_company"] == "徐房"
    assert "building_count" in response.json()


def test_a_duplicate_estate_name_is_a_400_naming_the_field(tree, alice):
    response = api(alice).post(
        f"{API}/estates/", {"name": "日晖六村", "address": "斜土路", "community": tree.rihui6.pk}
    )
    assert response.status_code == 400
    assert response.json()["name"] == ["This community already has an estate with this name."]


def test_a_latitude_out_of_range_is_a_400_naming_the_field(tree, alice):
    response = api(alice).patch(f"{API}/estates/{tree.estate_a.pk}/", {"latitude": "95.000000"})
    assert response.status_code == 400 and "latitude" in response.json()


def test_a_stairwell_cannot_have_more_floors_than_its_building(tree, alice):
    building = BuildingFactory(estate=tree.estate_a, number="9", floors=6)
    response = api(alice).post(
        f"{API}/stairwells/", {"building": building.pk, "number": "1", "floors": 7}
    )
    assert response.status_code == 400
    assert response.json()["floors"] == ["The building has only 6 floors."]


def test_a_dwelling_cannot_lie_above_its_stairwells_top_floor(tree, alice):
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=0)
    response = api(alice).post(
        f"{API}/households/",
        {"stairwell": stairwell.pk, "floor": 4, "room_number": "401", "floor_area": "60.00"},
    )
    assert response.status_code == 400
    assert response.json()["floor"] == ["The stairwell has only 3 floors."]


def test_a_stairwell_cannot_be_lowered_below_its_dwellings(tree, alice):
    stairwell = make_stairwell(tree.estate_a, floors=3)
    response = api(alice).patch(f"{API}/stairwells/{stairwell.pk}/", {"floors": 2})
    assert response.status_code == 400 and "floors" in response.json()
    assert Stairwell.objects.get(pk=stairwell.pk).floors == 3


def test_alice_adds_a_dwelling_and_a_duplicate_room_is_refused(tree, alice):
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=0)
    client = api(alice)
    data = {"stairwell": stairwell.pk, "floor": 2, "room_number": "201", "floor_area": "58.20"}
    created = client.post(f"{API}/households/", data)
    assert created.status_code == 201, created.content
    assert created.json()["estate"] == tree.estate_a.pk
    assert Household.objects.get(pk=created.json()["id"]).floor_area == Decimal("58.20")
    again = client.post(f"{API}/households/", data)
    assert again.status_code == 400 and "room_number" in again.json()


def test_a_race_that_trips_a_unique_constraint_becomes_a_400(tree, alice):
    """Two writers both passing validation: the second INSERT hits the database constraint.
    (The API saves through the registry service; `_write` is its save after validation.)"""
    from django.core.exceptions import ValidationError

    data = {"community": tree.rihui6, "name": "日晖六村", "address": "斜土路"}
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services._write(Estate(**data))
    with translation.override("en"):
        response = exception_handler(caught.value, {})
    assert response.status_code == 400
    assert response.data["name"] == ["This community already has an estate with this name."]


# --- tokens -------------------------------------------------------------------------------------


def test_a_machine_client_reads_with_the_token_printed_by_api_token(tree, diana):
    out = StringIO()
    call_command(
        "api_token", "diana", "--name", "区县看板", "--days", "30", stdout=out, stderr=StringIO()
    )
    token = out.getvalue().strip()

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert names(client.get(f"{API}/estates/")) == {"日晖六村", "日晖二村", "东安新村"}

    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(f"{API}/estates/").status_code == 401

    # Only a digest is kept, with the name and the expiry the command was given.
    stored = ApiToken.objects.get(user=diana)
    assert stored.name == "区县看板" and token not in (stored.digest, stored.token_key)
    assert (stored.expiry - timezone.now()).days in (29, 30)


def test_api_token_refuses_a_second_token_of_the_same_name(tree, diana):
    call_command("api_token", "diana", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="already have a token with this name"):
        call_command("api_token", "diana", stdout=StringIO(), stderr=StringIO())


def test_api_token_reset_replaces_the_token(tree, diana):
    first, second = StringIO(), StringIO()
    call_command("api_token", "diana", stdout=first, stderr=StringIO())
    call_command("api_token", "diana", "--reset", stdout=second, stderr=StringIO())
    assert first.getvalue().strip() != second.getvalue().strip()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {first.getvalue().strip()}")
    assert client.get(f"{API}/estates/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second.getvalue().strip()}")
    assert client.get(f"{API}/estates/").status_code == 200


def test_validation_messages_speak_chinese_by_default(tree, alice):
    client = APIClient()
    client.force_authenticate(alice)
    response = client.post(
        f"{API}/estates/", {"name": "日晖六村", "address": "斜土路", "community": tree.rihui6.pk}
    )
    assert response.json()["name"] == ["该社区已有同名小区。"]


def test_api_token_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("api_token", "nobody", stdout=StringIO())
