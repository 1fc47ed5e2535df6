"""Registry API serializers: the shape of each row and the parsing of a request, nothing more.
Writable parents are `ScopedPrimaryKeyRelatedField`s (an id outside the caller's manage scope
reads as "does not exist"). Saving goes through `communities.services` (see the viewsets), which
runs every registry rule and answers with the same messages as the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communities.models import Building, Estate, Household, Owner, Region, Stairwell
from renovation import access
from renovation.api import ScopedPrimaryKeyRelatedField


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "name", "level", "level_display", "code", "parent"]
        read_only_fields = fields


def _community_choices():
    return Region.objects.filter(level=Region.Level.COMMUNITY)


class EstateSerializer(serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=_community_choices())
    community_name = serializers.CharField(source="community.name", read_only=True)
    # Annotated in SQL by communities.selectors.estates_with_totals().
    building_count = serializers.IntegerField(read_only=True)
    household_count = serializers.IntegerField(read_only=True)
    total_area = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Estate
        fields = [
            "id",
            "name",
            "address",
            "community",
            "community_name",
            "year_built",
            "management_type",
            "property_company",
            "latitude",
            "longitude",
            "building_count",
            "household_count",
            "total_area",
        ]
        validators = []  # the service checks the named constraints, with their own messages


class BuildingSerializer(serializers.ModelSerializer):
    estate = ScopedPrimaryKeyRelatedField(queryset=Estate.objects.all())
    estate_name = serializers.CharField(source="estate.name", read_only=True)

    class Meta:
        model = Building
        fields = ["id", "estate", "estate_name", "number", "floors", "year_built"]
        validators = []


class StairwellSerializer(serializers.ModelSerializer):
    building = ScopedPrimaryKeyRelatedField(queryset=Building.objects.select_related("estate"))
    building_number = serializers.CharField(source="building.number", read_only=True)
    estate = serializers.IntegerField(source="building.estate_id", read_only=True)

    class Meta:
        model = Stairwell
        fields = ["id", "building", "building_number", "estate", "number", "floors", "has_elevator"]
        validators = []


class HouseholdSerializer(serializers.ModelSerializer):
    # select_related: the browsable API's form labels each choice with its building and estate.
    stairwell = ScopedPrimaryKeyRelatedField(
        queryset=Stairwell.objects.select_related("building__estate")
    )
    stairwell_number = serializers.CharField(source="stairwell.number", read_only=True)
    building = serializers.IntegerField(source="stairwell.building_id", read_only=True)
    building_number = serializers.CharField(source="stairwell.building.number", read_only=True)
    estate = serializers.IntegerField(source="stairwell.building.estate_id", read_only=True)
    estate_name = serializers.CharField(source="stairwell.building.estate.name", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "stairwell",
            "stairwell_number",
            "building",
            "building_number",
            "estate",
            "estate_name",
            "floor",
            "room_number",
            "floor_area",
            "ownership_type",
            "occupants",
        ]
        validators = []


class OwnerSerializer(serializers.ModelSerializer):
    """Name and phone are masked unless the caller may see personal data where the dwelling is."""

    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Owner
        fields = ["id", "name", "phone", "is_primary"]
        read_only_fields = fields

    def _sees(self, owner) -> bool:
        # The household serializer decides once per dwelling (from its already-loaded region
        # path), so masking costs no query per owner.
        return self.context.get("sees_personal_data", False)

    @extend_schema_field(serializers.CharField())
    def get_name(self, owner) -> str:
        return owner.name if self._sees(owner) else access.mask_name(owner.name)

    @extend_schema_field(serializers.CharField())
    def get_phone(self, owner) -> str:
        return owner.phone if self._sees(owner) else access.mask_phone(owner.phone)


class HouseholdDetailSerializer(HouseholdSerializer):
    owners = serializers.SerializerMethodField()

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "owners"]

    @extend_schema_field(OwnerSerializer(many=True))
    def get_owners(self, household):
        request = self.context.get("request")
        path = household.stairwell.building.estate.community.path
        sees = request is not None and access.sees_personal_data(request.user, path)
        context = {**self.context, "sees_personal_data": sees}
        return OwnerSerializer(household.owners.all(), many=True, context=context).data
