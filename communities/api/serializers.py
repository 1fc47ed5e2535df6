"""Registry API serializers. Writable parents are `ScopedPrimaryKeyRelatedField`s (an id outside
the caller's manage scope reads as "does not exist"); every write runs the model's own rules
(`clean()` and its named constraints) so a bad request comes back as a 400 naming the field,
never as a 500 from the database."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint, Max, Q, UniqueConstraint
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from communities.models import Building, Estate, Household, Owner, Region, Stairwell
from renovation import access
from renovation.api import ScopedPrimaryKeyRelatedField

# Raised by the triggers of migration 0002 (a rule across two tables, so not in Meta.constraints).
FLOOR_TRIGGER = "communities_household_floor_within_stairwell"


def _first_field(condition) -> str | None:
    """The model field a CheckConstraint's condition starts with (`floors__gte` → `floors`)."""
    for child in condition.children if isinstance(condition, Q) else ():
        if isinstance(child, Q):
            found = _first_field(child)
        else:
            found = child[0].split("__")[0]
        if found:
            return found
    return None


def _field_of(constraint) -> str | None:
    if isinstance(constraint, UniqueConstraint) and constraint.fields:
        return constraint.fields[-1]  # ("estate", "number") → the number is what to change
    if isinstance(constraint, CheckConstraint):
        return _first_field(constraint.condition)
    return None


class ModelRulesSerializer(serializers.ModelSerializer):
    """Runs the model's clean() and named constraints before saving, and turns a constraint the
    database still trips (a race between two writers) into a 400 with the constraint's message."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        errors: dict[str, list] = {}
        try:
            instance.clean()
        except DjangoValidationError as exc:
            self._collect(errors, exc, None)
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, instance)
            except DjangoValidationError as exc:
                self._collect(errors, exc, _field_of(constraint))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _collect(self, errors, exc, field):
        if hasattr(exc, "error_dict"):
            items = exc.message_dict.items()
        else:
            items = [(field or NON_FIELD_ERRORS, exc.messages)]
        for name, messages in items:
            if name == NON_FIELD_ERRORS or name not in self.fields:
                name = api_settings.NON_FIELD_ERRORS_KEY
            errors.setdefault(name, []).extend(messages)

    def create(self, validated_data):
        return self._saving(super().create, validated_data)

    def update(self, instance, validated_data):
        return self._saving(
            lambda data: super(ModelRulesSerializer, self).update(instance, data), validated_data
        )

    def _saving(self, save, validated_data):
        try:
            with transaction.atomic():
                return save(validated_data)
        except IntegrityError as exc:
            raise serializers.ValidationError(self._integrity_message(exc)) from exc

    def _integrity_message(self, exc) -> dict:
        name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        for constraint in self.Meta.model._meta.constraints:
            if constraint.name == name:
                field = _field_of(constraint)
                key = field if field in self.fields else api_settings.NON_FIELD_ERRORS_KEY
                return {key: [constraint.get_violation_error_message()]}
        if name == FLOOR_TRIGGER:
            key = "floor" if "floor" in self.fields else "floors"
            return {key: [_("A dwelling would lie above its stairwell's top floor.")]}
        return {api_settings.NON_FIELD_ERRORS_KEY: [_("The change conflicts with other records.")]}


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "name", "level", "level_display", "code", "parent"]
        read_only_fields = fields


def _community_choices():
    return Region.objects.filter(level=Region.Level.COMMUNITY)


class EstateSerializer(ModelRulesSerializer):
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
        validators = []  # the model's named constraints are checked in validate()


class BuildingSerializer(ModelRulesSerializer):
    estate = ScopedPrimaryKeyRelatedField(queryset=Estate.objects.all())
    estate_name = serializers.CharField(source="estate.name", read_only=True)

    class Meta:
        model = Building
        fields = ["id", "estate", "estate_name", "number", "floors", "year_built"]
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        floors = attrs.get("floors")
        if self.instance is not None and floors is not None:
            highest = self.instance.stairwells.aggregate(top=Max("floors"))["top"]
            if highest and floors < highest:
                raise serializers.ValidationError(
                    {
                        "floors": [
                            _("A stairwell of this building has %(n)s floors.") % {"n": highest}
                        ]
                    }
                )
        return attrs


class StairwellSerializer(ModelRulesSerializer):
    building = ScopedPrimaryKeyRelatedField(queryset=Building.objects.select_related("estate"))
    building_number = serializers.CharField(source="building.number", read_only=True)
    estate = serializers.IntegerField(source="building.estate_id", read_only=True)

    class Meta:
        model = Stairwell
        fields = ["id", "building", "building_number", "estate", "number", "floors", "has_elevator"]
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        floors = attrs.get("floors")
        if self.instance is not None and floors is not None:
            highest = self.instance.households.aggregate(top=Max("floor"))["top"]
            if highest and floors < highest:
                raise serializers.ValidationError(
                    {
                        "floors": [
                            _("A dwelling of this stairwell is on floor %(n)s.") % {"n": highest}
                        ]
                    }
                )
        return attrs


class HouseholdSerializer(ModelRulesSerializer):
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
