"""Registry services: scope checks, model rules and database guards as messages, not 500s."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from communities import services
from communities.models import Building, Estate, Household, Owner
from tests.communities.factories import BuildingFactory, HouseholdFactory, StairwellFactory

pytestmark = pytest.mark.django_db


def test_saving_outside_the_managed_scope_is_refused(charlie, tree):
    building = Building(estate=tree.estate_a, number="8", floors=6)
    with pytest.raises(ValidationError):
        services.building_save(user=charlie, building=building)
    assert not Building.objects.filter(number="8").exists()


def test_a_grid_worker_may_not_change_the_registry(bob, tree):
    tree.estate_a.address = "改了"
    with pytest.raises(ValidationError):
        services.estate_save(user=bob, estate=tree.estate_a)


def test_moving_an_estate_needs_manage_at_its_old_place_too(charlie, tree):
    tree.estate_a.community = tree.dongan
    with pytest.raises(ValidationError):
        services.estate_save(user=charlie, estate=tree.estate_a)
    assert Estate.objects.get(pk=tree.estate_a.pk).community == tree.rihui6


def test_the_model_rules_come_back_as_field_errors(alice, tree):
    building = BuildingFactory(estate=tree.estate_a, floors=5)
    stairwell = StairwellFactory(building=building, floors=5)
    with pytest.raises(ValidationError) as info:
        services.household_save(
            user=alice,
            household=Household(
                stairwell=stairwell, floor=6, room_number="601", floor_area=Decimal("50")
            ),
        )
    assert "floor" in info.value.error_dict


def test_a_unique_violation_from_the_database_becomes_its_constraint_message(tree):
    BuildingFactory(estate=tree.estate_a, number="3")
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        Building.objects.create(estate=tree.estate_a, number="3", floors=6)
    with translation.override("en"):
        message = services._constraint_message(info.value, Building)
    assert message == "This estate already has a building with this number."


def test_the_floor_trigger_becomes_a_readable_message(tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a, floors=3)
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        Household.objects.create(
            stairwell=stairwell, floor=5, room_number="501", floor_area=Decimal("40")
        )
    with translation.override("en"):
        message = services._constraint_message(info.value, Household)
    assert "within its stairwell" in message


def test_a_dwelling_and_its_owners_are_saved_together(alice, tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a, floors=6)
    household = services.household_save(
        user=alice,
        household=Household(
            stairwell=stairwell, floor=2, room_number="201", floor_area=Decimal("61.2")
        ),
        owners=[Owner(name="赵六", phone="13700000000")],
    )
    assert list(household.owners.values_list("name", flat=True)) == ["赵六"]


def test_a_bad_owner_rolls_back_the_dwelling(alice, tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a, floors=6)
    with pytest.raises(ValidationError):
        services.household_save(
            user=alice,
            household=Household(
                stairwell=stairwell, floor=2, room_number="202", floor_area=Decimal("61")
            ),
            owners=[Owner(name="")],
        )
    assert not Household.objects.filter(room_number="202").exists()


def test_deleting_an_owner_of_another_dwelling_is_ignored(alice, tree):
    household = HouseholdFactory(stairwell__building__estate=tree.estate_a)
    other = HouseholdFactory(stairwell__building__estate=tree.estate_a)
    stranger = Owner.objects.create(household=other, name="外人")
    services.household_save(user=alice, household=household, delete_owners=[stranger])
    assert Owner.objects.filter(pk=stranger.pk).exists()
