"""Registry API. Scoping, role permissions, filters and pagination come from
`renovation.api`; each viewset names its queryset, serializer and filterset, and the registry
service its writes go through (`save_service`, the same one the pages use).

Regions: a caller sees the nodes of their memberships and everything below them. The nodes
above (their district, their city) are not listed and read as 404; a top node's `parent` is
given as a bare id so a client can tell siblings apart, nothing more.
Memberships are not exposed.

Lists below the estate are ordered by (parent id, number): the order of the unique index on
those columns, so the first page of a city's 200,000 dwellings is an index scan, not a sort
through four joined tables (`?ordering=` picks another order)."""

from drf_spectacular.utils import extend_schema

from communities import services
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
    """Writes go through the registry's service (`save_service`), exactly as the pages do: the
    serializer parses the request, the service checks the scope, runs every rule and saves; its
    ValidationError is a 400 by field (renovation.drf). The saved row is read back through
    `get_queryset()` so a create/update answers with the same SQL-computed fields (counts,
    totals) as a read; `detail_serializer_class`, when set, serves the single-object read."""

    detail_serializer_class = None
    save_service = None  # e.g. services.estate_save, called with user= and the object's name=

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def perform_create(self, serializer):
        self._save(serializer, self.queryset.model(**serializer.validated_data))

    def perform_update(self, serializer):
        obj = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(obj, name, value)
        self._save(serializer, obj)

    def _save(self, serializer, obj):
        save = type(self).save_service
        saved = save(user=self.request.user, **{obj._meta.model_name: obj})
        serializer.instance = self.get_queryset().get(pk=saved.pk)


@extend_schema(tags=["registry"])
class RegionViewSet(ScopedReadOnlyViewSet):
    """Nodes of the administrative tree: the caller's own nodes and everything below them."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilterSet


@extend_schema(tags=["registry"])
class EstateViewSet(RegistryViewSet):
    """Estates, with their building and dwelling counts and total floor area."""

    queryset = estates_with_totals(estates=Estate.objects.all())
    serializer_class = serializers.EstateSerializer
    save_service = services.estate_save
    filterset_class = EstateFilterSet


@extend_schema(tags=["registry"])
class BuildingViewSet(RegistryViewSet):
    """Buildings of the estates in the caller's scope."""

    queryset = Building.objects.select_related("estate").order_by("estate_id", "number")
    serializer_class = serializers.BuildingSerializer
    save_service = services.building_save
    filterset_class = BuildingFilterSet


@extend_schema(tags=["registry"])
class StairwellViewSet(RegistryViewSet):
    """Stairwells (units) of the buildings in the caller's scope."""

    queryset = Stairwell.objects.select_related("building").order_by("building_id", "number")
    serializer_class = serializers.StairwellSerializer
    save_service = services.stairwell_save
    filterset_class = StairwellFilterSet


@extend_schema(tags=["registry"])
class HouseholdViewSet(RegistryViewSet):
    """Dwellings; a single dwelling lists its owners, masked outside the owning scope."""

    queryset = Household.objects.select_related("stairwell__building__estate__community").order_by(
        "stairwell_id", "room_number"
    )
    serializer_class = serializers.HouseholdSerializer
    save_service = services.household_save
    detail_serializer_class = serializers.HouseholdDetailSerializer
    filterset_class = HouseholdFilterSet
