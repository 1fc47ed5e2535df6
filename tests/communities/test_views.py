"""Registry staff pages: list, detail, forms, history — scoped, masked, and bounded in queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communities.models import Building, Estate, Household, Owner, Region, Stairwell
from tests.communities.factories import (
    BuildingFactory,
    EstateFactory,
    HouseholdFactory,
    OwnerFactory,
    RegionFactory,
    StairwellFactory,
)
from tests.conftest import make_stairwell

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"communities:{name}", args=args), params)


def names_in(response):
    return {estate.name for estate in response.context["estates"]}


# ---- list -----------------------------------------------------------------------------------


def test_the_estate_list_shows_what_lies_in_the_users_subdistrict_only(client, alice, tree):
    response = page(client, alice, "estate-list")
    assert response.status_code == 200
    assert names_in(response) == {"日晖六村", "日晖二村"}
    assert "东安新村" not in response.content.decode()


def test_the_outsider_never_sees_alices_estates_in_the_list(client, charlie, tree):
    assert names_in(page(client, charlie, "estate-list")) == {"东安新村"}


def test_the_list_counts_buildings_dwellings_and_area_without_join_fan_out(client, alice, tree):
    make_stairwell(tree.estate_a, floors=6, per_floor=2, area="50.00", building_number="1")
    make_stairwell(tree.estate_a, floors=5, per_floor=2, area="40.00", building_number="2")
    response = page(client, alice, "estate-list", q="日晖六村")
    (estate,) = response.context["estates"]
    assert estate.building_count == 2
    assert estate.household_count == 22
    assert estate.total_area == Decimal("1000.00")


def test_the_list_filters_by_search_management_year_and_region(client, alice, tree):
    Estate.objects.filter(pk=tree.estate_a.pk).update(
        management_type=Estate.Management.WORK_UNIT, year_built=1978
    )
    assert names_in(page(client, alice, "estate-list", q="二村")) == {"日晖二村"}
    assert names_in(page(client, alice, "estate-list", management_type="work_unit")) == {"日晖六村"}
    assert names_in(page(client, alice, "estate-list", year_built_max=1980)) == {"日晖六村"}
    assert names_in(page(client, alice, "estate-list", year_built_min=1980)) == {"日晖二村"}
    assert names_in(page(client, alice, "estate-list", region_id=tree.rihui2.pk)) == {"日晖二村"}
    assert names_in(page(client, alice, "estate-list", community_id=tree.rihui6.pk)) == {"日晖六村"}


def test_the_region_filter_offers_only_regions_inside_the_scope(client, alice, tree):
    body = page(client, alice, "estate-list").content.decode()
    assert "日晖六村居委" in body
    assert "东安居委" not in body and "枫林街道" not in body


def test_filtering_by_a_region_outside_the_scope_shows_nothing(client, alice, tree):
    response = page(client, alice, "estate-list", region_id=tree.fenglin.pk)
    assert names_in(response) == set()


def test_the_list_page_needs_a_bounded_number_of_queries(
    client, alice, tree, django_assert_max_num_queries
):
    for i in range(30):
        estate = EstateFactory(community=tree.rihui6, name=f"测试小区{i}")
        make_stairwell(estate, floors=2, per_floor=2)
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("communities:estate-list"))
    assert len(response.context["estates"]) == 25  # a full page: an N+1 would show
    assert response.context["paginator"].count == 32


def test_the_list_paginates(client, alice, tree):
    for i in range(30):
        EstateFactory(community=tree.rihui2, name=f"分页小区{i:02d}")
    response = page(client, alice, "estate-list", page=2)
    assert response.context["page_obj"].number == 2
    assert len(response.context["estates"]) == 7


# ---- detail ---------------------------------------------------------------------------------


def test_the_detail_shows_buildings_stairwells_and_dwellings_by_floor(client, alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=2, building_number="7")
    response = page(client, alice, "estate-detail", tree.estate_a.pk)
    assert response.status_code == 200
    (building,) = response.context["buildings"]
    assert building.number == "7"
    (shown,) = building.stairwells.all()
    assert shown == stairwell
    assert [row.floor for row in shown.floor_rows] == [3, 2, 1]
    assert [h.room_number for h in shown.floor_rows[0].households] == ["301", "302"]
    body = response.content.decode()
    assert "301" in body and "102" in body


def test_the_detail_page_queries_do_not_grow_with_the_estate(
    client, alice, tree, django_assert_max_num_queries
):
    for number in range(1, 5):
        make_stairwell(tree.estate_a, floors=6, per_floor=2, building_number=str(number))
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("communities:estate-detail", args=[tree.estate_a.pk]))
    assert response.context["totals"]["households"] == 48


def test_owners_are_shown_in_full_inside_the_owning_scope(client, alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=1, per_floor=1)
    Owner.objects.filter(household__stairwell=stairwell).update(name="王建国", phone="13812345678")
    body = page(client, alice, "estate-detail", tree.estate_a.pk).content.decode()
    assert "王建国" in body and "13812345678" in body


def test_owners_are_masked_for_the_city_bureau(client, diana, tree):
    stairwell = make_stairwell(tree.estate_a, floors=1, per_floor=1)
    Owner.objects.filter(household__stairwell=stairwell).update(name="王建国", phone="13812345678")
    body = page(client, diana, "estate-detail", tree.estate_a.pk).content.decode()
    assert "王建国" not in body and "13812345678" not in body
    assert "王**" in body and "138****5678" in body


def test_the_outsider_gets_404_on_alices_estate_pages(client, charlie, tree):
    client.force_login(charlie)
    building = BuildingFactory(estate=tree.estate_a)
    stairwell = StairwellFactory(building=building)
    household = HouseholdFactory(stairwell=stairwell)
    for name, pk in [
        ("estate-detail", tree.estate_a.pk),
        ("estate-update", tree.estate_a.pk),
        ("estate-history", tree.estate_a.pk),
        ("building-create", tree.estate_a.pk),
        ("building-update", building.pk),
        ("stairwell-create", building.pk),
        ("stairwell-update", stairwell.pk),
        ("household-create", stairwell.pk),
        ("household-update", household.pk),
    ]:
        assert client.get(reverse(f"communities:{name}", args=[pk])).status_code == 404, name
    response = client.post(
        reverse("communities:estate-update", args=[tree.estate_a.pk]),
        {"community": tree.rihui6.pk, "name": "x", "address": "x", "management_type": "none"},
    )
    assert response.status_code == 404
    assert Estate.objects.get(pk=tree.estate_a.pk).name == "日晖六村"


def test_a_grid_worker_sees_the_estate_without_edit_buttons_and_cannot_edit(client, bob, tree):
    response = page(client, bob, "estate-detail", tree.estate_a.pk)
    assert response.status_code == 200
    assert (
        reverse("communities:estate-update", args=[tree.estate_a.pk])
        not in response.content.decode()
    )
    assert (
        client.get(reverse("communities:estate-update", args=[tree.estate_a.pk])).status_code == 404
    )


def test_staff_who_manage_see_the_edit_buttons(client, alice, tree):
    body = page(client, alice, "estate-detail", tree.estate_a.pk).content.decode()
    assert reverse("communities:estate-update", args=[tree.estate_a.pk]) in body


# ---- forms ----------------------------------------------------------------------------------


def test_alice_creates_an_estate_in_her_community(client, alice, tree):
    client.force_login(alice)
    response = client.post(
        reverse("communities:estate-create"),
        {
            "community": tree.rihui6.pk,
            "name": "新建小区",
            "address": "斜土路1号",
            "year_built": 1990,
            "management_type": "self_managed",
        },
    )
    estate = Estate.objects.get(name="新建小区")
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:estate-detail", args=[estate.pk])
    assert estate.history.first().history_user == alice


def test_a_community_outside_the_scope_cannot_be_chosen(client, alice, tree):
    client.force_login(alice)
    response = client.post(
        reverse("communities:estate-create"),
        {
            "community": tree.dongan.pk,
            "name": "越界小区",
            "address": "x",
            "management_type": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not Estate.objects.filter(name="越界小区").exists()


def test_the_community_choices_are_scoped(client, alice, tree):
    response = page(client, alice, "estate-create")
    choices = set(response.context["form"].fields["community"].queryset)
    assert choices == {tree.rihui6, tree.rihui2}


def test_a_duplicate_estate_name_is_a_form_error_and_keeps_the_input(client, alice, tree):
    client.force_login(alice)
    response = client.post(
        reverse("communities:estate-create"),
        {
            "community": tree.rihui6.pk,
            "name": "日晖六村",
            "address": "新地址",
            "management_type": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "新地址" in response.content.decode()


def test_a_duplicate_building_number_is_a_form_error_not_a_500(client, alice, tree):
    BuildingFactory(estate=tree.estate_a, number="3")
    client.force_login(alice)
    response = client.post(
        reverse("communities:building-create", args=[tree.estate_a.pk]),
        {"estate": tree.estate_a.pk, "number": "3", "floors": 6},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Building.objects.filter(estate=tree.estate_a).count() == 1


def test_a_stairwell_cannot_have_more_floors_than_its_building(client, alice, tree):
    building = BuildingFactory(estate=tree.estate_a, floors=6)
    client.force_login(alice)
    response = client.post(
        reverse("communities:stairwell-create", args=[building.pk]),
        {"building": building.pk, "number": "1", "floors": 7},
    )
    assert response.status_code == 200
    assert "floors" in response.context["form"].errors
    assert not Stairwell.objects.filter(building=building).exists()


def test_a_stairwell_of_another_estate_cannot_be_chosen_for_a_building(client, alice, tree):
    building = BuildingFactory(estate=tree.estate_a)
    other = BuildingFactory(estate=tree.estate_c)
    client.force_login(alice)
    response = client.post(
        reverse("communities:stairwell-create", args=[building.pk]),
        {"building": other.pk, "number": "1", "floors": 3},
    )
    assert response.status_code == 200
    assert "building" in response.context["form"].errors


def household_post(stairwell, **fields):
    data = {
        "stairwell": stairwell.pk,
        "floor": 2,
        "room_number": "201",
        "floor_area": "55.50",
        "ownership_type": "private",
        "occupants": 3,
        "owners-TOTAL_FORMS": 1,
        "owners-INITIAL_FORMS": 0,
        "owners-MIN_NUM_FORMS": 0,
        "owners-MAX_NUM_FORMS": 10,
        "owners-0-name": "李四",
        "owners-0-phone": "13900001111",
        "owners-0-is_primary": "on",
    }
    data.update(fields)
    return data


def test_a_dwelling_is_created_with_its_owner(client, alice, tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a, floors=6)
    client.force_login(alice)
    response = client.post(
        reverse("communities:household-create", args=[stairwell.pk]), household_post(stairwell)
    )
    assert response.status_code == 302
    household = Household.objects.get(stairwell=stairwell, room_number="201")
    assert household.floor_area == Decimal("55.50")
    assert [o.name for o in household.owners.all()] == ["李四"]


@pytest.mark.parametrize("field, value", [("floor", 7), ("floor_area", "0"), ("floor_area", "-3")])
def test_a_dwelling_with_a_bad_floor_or_area_is_refused(client, alice, tree, field, value):
    stairwell = StairwellFactory(building__estate=tree.estate_a, floors=6)
    client.force_login(alice)
    response = client.post(
        reverse("communities:household-create", args=[stairwell.pk]),
        household_post(stairwell, **{field: value}),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Household.objects.filter(stairwell=stairwell).exists()


def test_a_duplicate_room_number_is_a_form_error(client, alice, tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a, floors=6)
    HouseholdFactory(stairwell=stairwell, room_number="201", floor=2)
    client.force_login(alice)
    response = client.post(
        reverse("communities:household-create", args=[stairwell.pk]), household_post(stairwell)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Household.objects.filter(stairwell=stairwell).count() == 1


def test_editing_a_dwelling_updates_its_owners(client, alice, tree):
    household = HouseholdFactory(stairwell__building__estate=tree.estate_a, floor=1)
    owner = OwnerFactory(household=household, name="旧业主")
    client.force_login(alice)
    data = household_post(
        household.stairwell,
        floor=1,
        room_number=household.room_number,
        **{
            "owners-TOTAL_FORMS": 2,
            "owners-INITIAL_FORMS": 1,
            "owners-0-id": owner.pk,
            "owners-0-name": "旧业主",
            "owners-0-DELETE": "on",
            "owners-1-name": "新业主",
            "owners-1-phone": "",
            "owners-1-is_primary": "on",
        },
    )
    response = client.post(reverse("communities:household-update", args=[household.pk]), data)
    assert response.status_code == 302
    assert [o.name for o in household.owners.all()] == ["新业主"]


def test_district_staff_edit_a_dwelling_without_seeing_its_owners(client, tree):
    from communities.models import Membership
    from tests.communities.factories import staff

    district = staff("dave", tree.district, Membership.Role.DISTRICT)
    household = HouseholdFactory(stairwell__building__estate=tree.estate_a, floor=1)
    OwnerFactory(household=household, name="王建国")
    response = page(client, district, "household-update", household.pk)
    assert response.status_code == 200
    assert response.context["formset"] is None
    assert "王建国" not in response.content.decode()


# ---- history --------------------------------------------------------------------------------


def test_the_history_shows_who_changed_what_and_when(client, alice, tree):
    client.force_login(alice)
    client.post(
        reverse("communities:estate-update", args=[tree.estate_a.pk]),
        {
            "community": tree.rihui6.pk,
            "name": "日晖六村",
            "address": "日晖东路100弄",
            "year_built": 1985,
            "management_type": "none",
        },
    )
    building = BuildingFactory(estate=tree.estate_a, number="9")
    response = client.get(reverse("communities:estate-history", args=[tree.estate_a.pk]))
    assert response.status_code == 200
    entries = response.context["entries"]
    change = next(e for e in entries if e.kind == "estate" and e.record.history_type == "~")
    assert change.record.history_user == alice
    assert [(c.old, c.new) for c in change.changes] == [(tree.estate_a.address, "日晖东路100弄")]
    assert any(e.kind == "building" and e.record.id == building.pk for e in entries)
    body = response.content.decode()
    assert "日晖东路100弄" in body and "alice" in body


def test_the_history_masks_owners_outside_the_personal_scope(client, diana, tree):
    household = HouseholdFactory(stairwell__building__estate=tree.estate_a, floor=1)
    owner = OwnerFactory(household=household, name="王建国", phone="13812345678")
    owner.phone = "13900000000"
    owner.save()
    body = page(client, diana, "estate-history", tree.estate_a.pk).content.decode()
    assert "王建国" not in body and "13900000000" not in body
    assert "139****0000" in body


def test_the_history_page_needs_a_bounded_number_of_queries(
    client, alice, tree, django_assert_max_num_queries
):
    for number in range(1, 4):
        make_stairwell(tree.estate_a, floors=3, per_floor=2, building_number=str(number))
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("communities:estate-history", args=[tree.estate_a.pk]))
    assert len(response.context["entries"]) > 30


def test_the_main_menu_offers_estates_and_import_to_managers(client, alice, bob, tree):
    body = page(client, alice, "estate-list").content.decode()
    assert reverse("communities:import") in body
    body = page(client, bob, "estate-list").content.decode()
    assert reverse("communities:estate-list") in body
    assert f'href="{reverse("communities:import")}"' not in body


def test_the_home_page_shows_the_registry_panel(client, alice, tree):
    make_stairwell(tree.estate_a, floors=2, per_floor=2)
    client.force_login(alice)
    response = client.get("/")
    panel = next(p for p in response.context["panels"] if p["template"].startswith("communities/"))
    assert panel["estate_count"] == 2 and panel["household_count"] == 4


def test_regions_unused_stay_out_of_the_page(client, alice, tree):
    RegionFactory(name="外区", level=Region.Level.DISTRICT, parent=tree.city)
    assert "外区" not in page(client, alice, "estate-list").content.decode()


def test_the_history_of_one_building_shows_that_building_and_what_lies_under_it(
    client, alice, tree
):
    first = make_stairwell(tree.estate_a, floors=1, per_floor=1, building_number="1")
    make_stairwell(tree.estate_a, floors=1, per_floor=1, building_number="2")
    response = page(
        client, alice, "estate-history", tree.estate_a.pk, kind="building", id=first.building_id
    )
    entries = response.context["entries"]
    assert {e.kind for e in entries} == {"building", "stairwell", "household", "owner"}
    assert {e.record.id for e in entries if e.kind == "building"} == {first.building_id}


def test_a_focus_on_another_estates_building_shows_nothing(client, alice, tree):
    other = make_stairwell(tree.estate_b, floors=1, per_floor=1)
    response = page(
        client, alice, "estate-history", tree.estate_a.pk, kind="building", id=other.building_id
    )
    assert response.context["entries"] == []


def test_the_pages_also_speak_english(client, alice, tree):
    make_stairwell(tree.estate_a, floors=1, per_floor=1)
    client.force_login(alice)
    client.cookies["django_language"] = "en"  # what the language switch sets
    for name, args in [
        ("estate-list", []),
        ("estate-detail", [tree.estate_a.pk]),
        ("import", []),
        ("estate-create", []),
        ("estate-history", [tree.estate_a.pk]),
    ]:
        english = client.get(reverse(f"communities:{name}", args=args), HTTP_ACCEPT_LANGUAGE="en")
        assert english.status_code == 200
    assert "Estates" in client.get(reverse("communities:estate-list")).content.decode()
    del client.cookies["django_language"]
    chinese = client.get(reverse("communities:estate-list")).content.decode()
    assert "小区" in chinese and "Estates" not in chinese


def test_superusers_get_the_registry_in_the_admin_with_its_history(client, tree):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root-123")
    make_stairwell(tree.estate_a, floors=1, per_floor=1)
    client.force_login(admin)
    for model in ("region", "estate", "building", "stairwell", "household", "owner", "membership"):
        assert client.get(f"/admin/communities/{model}/").status_code == 200, model
    assert client.get(f"/admin/communities/estate/{tree.estate_a.pk}/history/").status_code == 200


def test_a_grid_worker_may_not_open_the_new_estate_form(client, bob, tree):
    assert page(client, bob, "estate-create").status_code == 403
    assert page(client, bob, "building-create", tree.estate_a.pk).status_code == 404


def test_the_filter_forms_empty_all_options_mean_no_filter(client, alice, tree):
    response = page(
        client,
        alice,
        "estate-list",
        q="二村",
        region_id="",
        community_id="",
        management_type="",
        year_built_min="",
        year_built_max="",
    )
    assert names_in(response) == {"日晖二村"}


def test_moving_an_estate_shows_the_old_and_new_community_by_name(client, alice, tree):
    client.force_login(alice)
    client.post(
        reverse("communities:estate-update", args=[tree.estate_a.pk]),
        {
            "community": tree.rihui2.pk,
            "name": "日晖六村",
            "address": tree.estate_a.address,
            "year_built": 1985,
            "management_type": "none",
        },
    )
    entries = client.get(reverse("communities:estate-history", args=[tree.estate_a.pk])).context[
        "entries"
    ]
    change = next(e for e in entries if e.record.history_type == "~")
    assert [(c.old, c.new) for c in change.changes] == [("日晖六村居委", "日晖二村居委")]
