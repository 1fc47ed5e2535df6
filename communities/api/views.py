"""Registry API. Scoping, role permissions, filters and pagination come from
`renovation.api`; each viewset names only its queryset, serializer and filterset.

Regions: a caller sees the nodes of their memberships and everything below them. The nodes
above (their district, their city) are not listed and read as 404; a top node's `parent` is
given as a bare id so a client can tell siblings apart, nothing more.
Memberships are not exposed.

Lists below the estate are ordered by (parent id, number): the order of the unique index on
those columns, so the first page of a city's 200,000 dwellings is an index scan, not a sort
through four joined tables (`?ordering=` picks another order)."""

from drf_spectacular.utils import extend_schema

from communities.api import serializers
from communities.filtersets import (
    BuildingFilterSet,
    EstateFilterSet,
    HouseholdFilterSet,
    RegionFilterSet,
    StairwellFilterSet,
)
from communities.models import Building, Estate, Household, Region, Stairwell
from communities.selectors import estates_with_totals
from renovation.api import ScopedModelViewSet, ScopedReadOnlyViewSet


class RegistryViewSet(ScopedModelViewSet):
    """Reads the saved row back through `get_queryset()` so a create/update answers with the
    same SQL-computed fields (counts, totals) as a read; `detail_serializer_class`, when set,
    serves the single-object read."""

    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        self.perform_create(serializer)


@extend_schema(tags=["registry"])
class RegionViewSet(ScopedReadOnlyViewSet):
    """Nodes of the administrative tree: the caller's own nodes and everything below them."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilterSet


@extend_schema(tags=["registry"])
class EstateViewSet(RegistryViewSet):
    """Estates, with their building and dwelling counts and total floor area."""

    queryset = estates_with_totals(Estate.objects.all())
    serializer_class = serializers.EstateSerializer
    filterset_class = EstateFilterSet


@extend_schema(tags=["registry"])
class BuildingViewSet(RegistryViewSet):
    """Buildings of the estates in the caller's scope."""

    queryset = Building.objects.select_related("estate").order_by("estate_id", "number")
    serializer_class = serializers.BuildingSerializer
    filterset_class = BuildingFilterSet


@extend_schema(tags=["registry"])
class StairwellViewSet(RegistryViewSet):
    """Stairwells (units) of the buildings in the caller's scope."""

    queryset = Stairwell.objects.select_related("building").order_by("building_id", "number")
    serializer_class = serializers.StairwellSerializer
    filterset_class = StairwellFilterSet


@extend_schema(tags=["registry"])
class HouseholdViewSet(RegistryViewSet):
    """Dwellings; a single dwelling lists its owners, masked outside the owning scope."""

    queryset = Household.objects.select_related("stairwell__building__estate__community").order_by(
        "stairwell_id", "room_number"
    )
    serializer_class = serializers.HouseholdSerializer
    detail_serializer_class = serializers.HouseholdDetailSerializer
    filterset_class = HouseholdFilterSet
