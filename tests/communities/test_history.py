"""The estate's change history: every registry record's changes (estate, building, stairwell,
dwelling, owner) with who and when, also where the registry was loaded without history rows
(bulk loads, the demo city, data older than the history)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communities.models import Building, Household, Owner, Stairwell
from tests.communities.factories import HouseholdFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def bulk_loaded_dwelling(estate):
    """A building → stairwell → dwelling → owner written the way the demo city and bulk loads
    write them: bulk_create, so no history row exists for any of them."""
    (building,) = Building.objects.bulk_create([Building(estate=estate, number="3", floors=6)])
    (stairwell,) = Stairwell.objects.bulk_create(
        [Stairwell(building=building, number="2", floors=6)]
    )
    (household,) = Household.objects.bulk_create(
        [Household(stairwell=stairwell, floor=1, room_number="101", floor_area=Decimal("58.20"))]
    )
    (owner,) = Owner.objects.bulk_create(
        [Owner(household=household, name="王建国", phone="13812345678")]
    )
    assert not Household.history.filter(id=household.pk).exists()
    return household, owner


def edit_dwelling(client, household, owner, *, area, phone):
    return client.post(
        reverse("communities:household-update", args=[household.pk]),
        {
            "stairwell": household.stairwell_id,
            "floor": household.floor,
            "room_number": household.room_number,
            "floor_area": area,
            "ownership_type": "private",
            "occupants": 2,
            "owners-TOTAL_FORMS": 1,
            "owners-INITIAL_FORMS": 1,
            "owners-MIN_NUM_FORMS": 0,
            "owners-MAX_NUM_FORMS": 10,
            "owners-0-id": owner.pk,
            "owners-0-name": owner.name,
            "owners-0-phone": phone,
            "owners-0-is_primary": "on",
        },
    )


def history(client, estate, **focus):
    return client.get(reverse("communities:estate-history", args=[estate.pk]), focus)


def test_a_dwelling_and_owner_edit_shows_on_the_estate_history_where_the_tree_has_no_history(
    client, alice, tree
):
    household, owner = bulk_loaded_dwelling(tree.estate_a)
    client.force_login(alice)
    response = edit_dwelling(client, household, owner, area="60.50", phone="13900001111")
    assert response.status_code == 302

    for response in (
        history(client, tree.estate_a),
        history(client, tree.estate_a, kind="household", id=household.pk),
    ):
        entries = response.context["entries"]
        edited = {(e.kind, e.record.id): e for e in entries}
        assert {("household", household.pk), ("owner", owner.pk)} <= set(edited)
        for entry in (edited[("household", household.pk)], edited[("owner", owner.pk)]):
            assert entry.record.history_user == alice and entry.unrecorded
        body = response.content.decode()
        assert "3 号楼 2 单元 101 室" in body
        assert "60.50" in body and "13900001111" in body and "alice" in body


def test_the_dwellings_focus_shows_the_old_and_new_values_of_its_owner(client, alice, tree):
    household = HouseholdFactory(stairwell__building__estate=tree.estate_a, floor=1)
    owner = OwnerFactory(household=household, name="王建国", phone="13812345678")
    client.force_login(alice)
    edit_dwelling(client, household, owner, area="60.00", phone="13900001111")

    entries = history(client, tree.estate_a, kind="household", id=household.pk).context["entries"]
    change = next(e for e in entries if e.kind == "owner" and e.record.history_type == "~")
    assert [(c.old, c.new) for c in change.changes] == [("13812345678", "13900001111")]
    assert change.who == "alice" and not change.unrecorded


def test_the_focus_on_a_stairwell_loaded_without_history_shows_its_dwellings_changes(
    client, alice, tree
):
    household, owner = bulk_loaded_dwelling(tree.estate_a)
    client.force_login(alice)
    edit_dwelling(client, household, owner, area="61.00", phone=owner.phone)
    entries = history(client, tree.estate_a, kind="stairwell", id=household.stairwell_id).context[
        "entries"
    ]
    assert [(e.kind, e.record.id) for e in entries] == [("household", household.pk)]


def test_a_focus_on_a_dwelling_of_another_estate_shows_nothing(client, alice, tree):
    household, owner = bulk_loaded_dwelling(tree.estate_b)
    client.force_login(alice)
    edit_dwelling(client, household, owner, area="61.00", phone=owner.phone)
    response = history(client, tree.estate_a, kind="household", id=household.pk)
    assert response.context["entries"] == []
