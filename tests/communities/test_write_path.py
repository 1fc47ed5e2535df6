"""One write path: the registry's pages and API save through the same services, so every rule
holds from both, with one message each."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from communities import services
from communities.models import Building, Household, Stairwell
from tests.communities.factories import BuildingFactory, StairwellFactory
from tests.conftest import make_stairwell

pytestmark = pytest.mark.django_db
API = "/api/v1"
TALLER = "A stairwell of this building has 6 floors."


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def post_page(client, user, url, data):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en"})
    return client.post(url, data)


@pytest.fixture
def building(tree):
    building = BuildingFactory(estate=tree.estate_a, number="5", floors=6)
    StairwellFactory(building=building, number="1", floors=6)
    return building


def test_a_building_cannot_be_lowered_below_its_stairwells_from_the_page(client, alice, building):
    response = post_page(
        client,
        alice,
        reverse("communities:building-update", args=[building.pk]),
        {"estate": building.estate_id, "number": "5", "floors": 5},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["floors"] == [TALLER]
    assert Building.objects.get(pk=building.pk).floors == 6


def test_a_building_cannot_be_lowered_below_its_stairwells_from_the_api(alice, building):
    response = api(alice).patch(f"{API}/buildings/{building.pk}/", {"floors": 5})
    assert response.status_code == 400
    assert response.json() == {"floors": [TALLER]}
    assert Building.objects.get(pk=building.pk).floors == 6


def test_a_building_may_keep_or_raise_its_floors(alice, building):
    assert api(alice).patch(f"{API}/buildings/{building.pk}/", {"floors": 6}).status_code == 200
    assert api(alice).patch(f"{API}/buildings/{building.pk}/", {"floors": 7}).status_code == 200
    assert Building.objects.get(pk=building.pk).floors == 7


def test_a_stairwell_cannot_be_lowered_below_its_dwellings_from_the_page(client, alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=3)
    response = post_page(
        client,
        alice,
        reverse("communities:stairwell-update", args=[stairwell.pk]),
        {"building": stairwell.building_id, "number": stairwell.number, "floors": 2},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["floors"] == [
        "A dwelling of this stairwell is on floor 3."
    ]
    assert Stairwell.objects.get(pk=stairwell.pk).floors == 3


def test_the_api_and_the_page_give_the_same_message_for_a_duplicate_number(client, alice, building):
    page = post_page(
        client,
        alice,
        reverse("communities:building-create", args=[building.estate_id]),
        {"estate": building.estate_id, "number": "5", "floors": 6},
    )
    response = api(alice).post(
        f"{API}/buildings/", {"estate": building.estate_id, "number": "5", "floors": 6}
    )
    message = "This estate already has a building with this number."
    assert response.status_code == 400 and response.json() == {"number": [message]}
    assert message in page.content.decode()


def test_the_floor_triggers_message_is_the_same_wherever_the_trigger_fires(tree):
    """The trigger is the backstop for a write that slipped past the checks (a race)."""
    stairwell = StairwellFactory(building__estate=tree.estate_a, floors=3)
    above = Household(stairwell=stairwell, floor=5, room_number="501", floor_area=Decimal("40"))
    with translation.override("en"), pytest.raises(services.ValidationError) as dwelling:
        services._write(above)
    make_stairwell(tree.estate_a, floors=3, building_number="9")
    low = Stairwell.objects.get(building__number="9")
    low.floors = 2
    with translation.override("en"), pytest.raises(services.ValidationError) as lowered:
        services._write(low)
    message = "A dwelling's floor must lie within its stairwell's floors."
    assert dwelling.value.message_dict == {"floor": [message]}
    assert lowered.value.message_dict == {"floors": [message]}


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing the first snapshot of the activity view.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_lowering_a_building_waits_for_a_stairwell_being_added_to_it(tree, alice):
    """The race between lowering a building and adding a taller stairwell: the stairwell's save
    holds the building row, so the lowering waits for it, sees the new stairwell and is refused."""
    building = BuildingFactory(estate=tree.estate_a, number="7", floors=6)
    started = threading.Event()
    outcome = {}

    def lower():
        started.wait()
        lowered = Building.objects.get(pk=building.pk)
        lowered.floors = 5
        try:
            with translation.override("en"):
                services.building_save(user=alice, building=lowered)
        except services.ValidationError as exc:
            outcome["refused"] = exc.message_dict
        finally:
            connection.close()

    lowering = threading.Thread(target=lower)
    lowering.start()
    with transaction.atomic():
        services.stairwell_save(
            user=alice, stairwell=Stairwell(building=building, number="1", floors=6)
        )
        started.set()
        # Commit only once the lowering is blocked on the building row.
        pause = threading.Event()
        for _ in range(3000):
            if _waiting_on_a_lock():
                break
            pause.wait(0.01)
        else:
            pytest.fail("the lowering never waited for the building row")
    lowering.join()
    assert outcome["refused"] == {"floors": [TALLER]}
    assert Building.objects.get(pk=building.pk).floors == 6
