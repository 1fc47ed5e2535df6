"""The header's search: a dwelling by its number, an owner by name or phone, an estate by name —
within the user's scope, masked where personal data is, and never a way to confirm a phone
number or a name someone typed."""

import pytest
from django.urls import reverse

from communities.models import Owner
from communities.search import parse
from tests.conftest import make_stairwell

pytestmark = pytest.mark.django_db


@pytest.fixture
def dwellings(tree):
    """日晖六村 building 3 stairwell 2 (rooms 101…302), building 1 stairwell 1; 日晖二村 building 3
    stairwell 2 too; 东安新村 (the next street) building 3 stairwell 2."""
    make_stairwell(tree.estate_a, floors=3, building_number="3", number="2")
    make_stairwell(tree.estate_a, floors=3, building_number="1", number="1")
    make_stairwell(tree.estate_b, floors=3, building_number="3", number="2")
    make_stairwell(tree.estate_c, floors=3, building_number="3", number="2")
    owner = Owner.objects.get(
        household__stairwell__building__estate=tree.estate_a,
        household__stairwell__building__number="3",
        household__room_number="101",
    )
    owner.name, owner.phone = "王建国", "13812345678"
    owner.save()
    return owner


def search(client, user, text):
    client.force_login(user)
    response = client.get(reverse("communities:search"), {"search": text})
    assert response.status_code == 200
    return response.context["results"]


def places(results):
    return sorted(
        (
            h.stairwell.building.estate.name,
            h.stairwell.building.number,
            h.stairwell.number,
            h.room_number,
        )
        for h in results.dwellings
    )


def test_the_typed_text_is_read_as_dwelling_numbers_phones_and_names():
    terms = parse("3-2-101 3-101 3号楼2单元101室 101 13812345678 5678 王建国")
    assert terms.codes == [("3", "2", "101"), ("3", None, "101"), ("3", "2", "101")]
    assert terms.rooms == ["101", "5678"]
    assert terms.phones == ["13812345678", "5678"]
    assert terms.words == ["王建国"]


def test_a_dwelling_is_found_by_building_stairwell_and_room_in_the_users_street(
    client, alice, dwellings
):
    for text in ("3-2-101", "3号楼2单元101室"):
        assert places(search(client, alice, text)) == [
            ("日晖二村", "3", "2", "101"),
            ("日晖六村", "3", "2", "101"),
        ]
    assert places(search(client, alice, "日晖六村 3-2-101")) == [("日晖六村", "3", "2", "101")]
    assert len(search(client, alice, "101").dwellings) == 3  # 东安新村's is not alice's


def test_the_next_street_never_shows_up(client, charlie, dwellings):
    assert places(search(client, charlie, "3-2-101")) == [("东安新村", "3", "2", "101")]
    results = search(client, charlie, "王建国")
    assert results.owners == [] and results.dwellings == []
    assert search(client, charlie, "13812345678").owners == []


def test_an_owner_is_found_by_name_or_phone_where_personal_data_is_seen(client, alice, dwellings):
    for text in ("王建国", "13812345678", "5678", "日晖六村 王"):
        (owner,) = search(client, alice, text).owners
        assert owner == dwellings
    body = client.get(reverse("communities:search"), {"search": "王建国"}).content.decode()
    assert "13812345678" in body
    assert f"?household={dwellings.household_id}#household-{dwellings.household_id}" in body


def test_a_dwelling_found_outside_the_personal_scope_shows_its_owner_masked(
    client, diana, dwellings
):
    results = search(client, diana, "日晖六村 3-2-101")
    (dwelling,) = results.dwellings
    assert [(o.display_name, o.display_phone) for o in dwelling.owners.all()] == [
        ("王**", "138****5678")
    ]
    body = client.get(reverse("communities:search"), {"search": "3-2-101"}).content.decode()
    assert "王建国" not in body and "13812345678" not in body and "138****5678" in body


@pytest.mark.parametrize(
    "owns, does_not",
    [
        ("13812345678", "13900000000"),  # a phone typed alone
        ("101 13812345678", "101 13900000000"),  # a phone beside a room
        ("王建国", "李四"),  # a name
        ("3-2-101 王建国", "3-2-101 李四"),  # a name beside a dwelling
    ],
)
def test_outside_the_personal_scope_a_typed_phone_or_name_confirms_nothing(
    client, diana, dwellings, owns, does_not
):
    """The bureau sees owners masked: whether the typed phone or name belongs to the owner or
    not, the results are the same."""
    right, wrong = search(client, diana, owns), search(client, diana, does_not)
    assert right.owners == wrong.owners == []
    assert places(right) == places(wrong)


def test_a_grid_worker_finds_owners_of_his_community_only(client, bob, dwellings, tree):
    other = Owner.objects.filter(household__stairwell__building__estate=tree.estate_b).first()
    other.name = "王建国"
    other.save()
    (owner,) = search(client, bob, "王建国").owners
    assert owner == dwellings


def test_an_empty_or_unreadable_search_finds_nothing(client, alice, dwellings):
    assert search(client, alice, "").count == 0
    assert search(client, alice, "不存在的小区").count == 0


def test_the_search_costs_a_fixed_number_of_queries(
    client, alice, dwellings, tree, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("communities:search")
    with django_assert_max_num_queries(12) as captured:
        client.get(url, {"search": "日晖六村 101"})
    few = len(captured)
    for number in ("5", "6", "7"):
        make_stairwell(tree.estate_a, floors=3, building_number=number, number="1")
    with django_assert_max_num_queries(few):
        response = client.get(url, {"search": "日晖六村 101"})
    results = response.context["results"]
    assert len(results.dwellings) == 5 and [e.name for e in results.estates] == ["日晖六村"]


def test_many_matches_are_cut_with_a_hint_to_narrow(client, alice, tree):
    for number in range(1, 23):
        make_stairwell(tree.estate_a, floors=1, per_floor=1, building_number=str(number))
    results = search(client, alice, "101")
    assert len(results.dwellings) == 20 and "dwellings" in results.more


def test_the_header_search_box_is_on_every_page(client, alice, tree):
    client.force_login(alice)
    body = client.get(reverse("communities:estate-list")).content.decode()
    assert f'action="{reverse("communities:search")}"' in body and 'name="search"' in body
