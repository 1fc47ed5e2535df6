from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from communities.models import Region
from tests.communities.factories import (
    BuildingFactory,
    HouseholdFactory,
    RegionFactory,
    StairwellFactory,
)


def test_a_region_path_runs_from_the_city_down(tree):
    assert (
        tree.rihui6.path == f"{tree.city.pk}.{tree.district.pk}.{tree.xietu.pk}.{tree.rihui6.pk}."
    )
    assert list(tree.rihui6.ancestors()) == [tree.city, tree.district, tree.xietu, tree.rihui6]


def test_only_a_city_may_have_no_parent(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionFactory(level=Region.Level.DISTRICT, parent=None)


def test_building_numbers_are_unique_within_an_estate(tree):
    BuildingFactory(estate=tree.estate_a, number="3")
    BuildingFactory(estate=tree.estate_b, number="3")
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingFactory(estate=tree.estate_a, number="3")


def test_a_building_has_at_least_one_floor(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingFactory(estate=tree.estate_a, floors=0)


def test_a_dwelling_area_must_be_positive(tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdFactory(stairwell=stairwell, floor_area=Decimal("0"))


def test_the_database_refuses_a_dwelling_above_its_stairwells_top_floor(tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a, building__floors=6, floors=6)
    HouseholdFactory(stairwell=stairwell, floor=6)
    with pytest.raises(IntegrityError, match="floor 7"), transaction.atomic():
        HouseholdFactory(stairwell=stairwell, floor=7)


def test_the_database_refuses_lowering_a_stairwell_below_its_dwellings(tree):
    stairwell = StairwellFactory(building__estate=tree.estate_a, building__floors=6, floors=6)
    HouseholdFactory(stairwell=stairwell, floor=5)
    stairwell.floors = 4
    with pytest.raises(IntegrityError), transaction.atomic():
        stairwell.save()


def test_registry_changes_are_kept_in_history(tree):
    estate = tree.estate_a
    estate.address = "斜土路2600弄"
    estate.save()
    assert estate.history.count() == 2
    assert estate.history.first().address == "斜土路2600弄"
