from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from communities.models import Household, Region, Stairwell
from consultations.models import Consultation
from elevators.models import (
    CostLine,
    InstalmentPlan,
    Payment,
    Retrofit,
    RetrofitStep,
    Share,
    ShareVersion,
    SharingScheme,
    SubsidyPolicy,
)
from renovation import access
from renovation.api import ScopedPrimaryKeyRelatedField

MONEY = {"max_digits": 14, "decimal_places": 2}


class SubsidyPolicySerializer(serializers.ModelSerializer):
    region = ScopedPrimaryKeyRelatedField(
        queryset=Region.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = SubsidyPolicy
        fields = ["id", "name", "region", "kind", "amount", "percent", "cap", "note", "is_active"]
        validators = []  # the service checks (with its own messages)


class SharingSchemeSerializer(serializers.ModelSerializer):
    region = ScopedPrimaryKeyRelatedField(
        queryset=Region.objects.all(), allow_null=True, required=False
    )
    coefficients = serializers.ListField(
        source="coefficient_list",
        child=serializers.CharField(allow_blank=True),
        help_text=_("One coefficient per floor, floor 1 first."),
    )

    class Meta:
        model = SharingScheme
        fields = [
            "id",
            "name",
            "region",
            "coefficients",
            "area_weighted",
            "require_no_objection",
            "compensation_per_dwelling",
            "compensation_funding",
            "note",
            "is_active",
        ]
        validators = []


class RetrofitCostLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CostLine
        fields = ["id", "kind", "description", "amount"]


class RetrofitStepSerializer(serializers.ModelSerializer):
    # "" for the step that recorded the retrofit (it came from nowhere).
    from_status = serializers.ChoiceField(
        choices=Retrofit.Status.choices, allow_blank=True, read_only=True
    )
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RetrofitStep
        fields = ["from_status", "to_status", "on", "note", "consultation", "actor", "recorded_at"]
        read_only_fields = fields


class RetrofitSerializer(serializers.ModelSerializer):
    stairwell = ScopedPrimaryKeyRelatedField(queryset=Stairwell.objects.all())
    stairwell_label = serializers.CharField(source="stairwell", read_only=True)
    estate = serializers.IntegerField(source="stairwell.building.estate_id", read_only=True)
    estate_name = serializers.CharField(source="stairwell.building.estate.name", read_only=True)
    cost = serializers.DecimalField(read_only=True, **MONEY)
    residents_total = serializers.DecimalField(read_only=True, **MONEY)
    shared_total = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    paid_total = serializers.DecimalField(read_only=True, **MONEY)
    is_overdue = serializers.BooleanField(read_only=True)
    cost_lines = RetrofitCostLineSerializer(many=True, read_only=True)
    steps = RetrofitStepSerializer(many=True, read_only=True)

    class Meta:
        model = Retrofit
        fields = [
            "id",
            "stairwell",
            "stairwell_label",
            "estate",
            "estate_name",
            "status",
            "status_changed_on",
            "due_on",
            "is_overdue",
            "consultation",
            "scheme",
            "subsidy_policy",
            "subsidy_granted",
            "served_floors",
            "estimated_cost",
            "final_cost",
            "cost",
            "subsidy",
            "residents_total",
            "shared_total",
            "paid_total",
            "payment_due_on",
            "builder",
            "permit_number",
            "annual_maintenance",
            "annual_electricity",
            "running_scheme",
            "note",
            "cost_lines",
            "steps",
        ]
        read_only_fields = [
            "status",
            "status_changed_on",
            "consultation",
            "estimated_cost",
            "final_cost",
            "subsidy",
        ]
        validators = []  # one per stairwell: the service says so in its own words


class RetrofitTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Retrofit.Status.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    permit_number = serializers.CharField(required=False, allow_null=True, default=None)


class RetrofitConsentSerializer(serializers.Serializer):
    consultation = ScopedPrimaryKeyRelatedField(
        queryset=Consultation.objects.all(), required=False, allow_null=True, default=None
    )
    title = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    publicity_days = serializers.IntegerField(min_value=1, max_value=90, default=7)

    def validate(self, data):
        if data["consultation"] is None and not (data["opens_at"] and data["closes_at"]):
            raise serializers.ValidationError(
                {"opens_at": _("Give the voting period (opens_at and closes_at).")}
            )
        return data


class RetrofitFinalCostSerializer(serializers.Serializer):
    final_cost = serializers.DecimalField(allow_null=True, **MONEY)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ShareComputeSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class HouseholdField(ScopedPrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Household.objects.all(), **kwargs)


class RetrofitDeclineSerializer(serializers.Serializer):
    household = HouseholdField()
    on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RetrofitRejoinSerializer(serializers.Serializer):
    household = HouseholdField()
    on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InstalmentPlanSerializer(serializers.ModelSerializer):
    household = HouseholdField()

    class Meta:
        model = InstalmentPlan
        fields = [
            "household",
            "down_payment",
            "months",
            "first_due_on",
            "interest_borne_by",
            "annual_rate",
        ]
        validators = []


class ShareVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShareVersion
        fields = [
            "id",
            "retrofit",
            "number",
            "is_current",
            "effective_on",
            "reason_kind",
            "reason",
            "scheme",
            "cost",
            "subsidy",
            "residents_total",
            "compensation_total",
            "amount_shared",
            "created_at",
        ]
        read_only_fields = fields


def _personal(serializer, path: str) -> bool:
    paths = serializer.context.get("personal_paths")
    if paths is None:
        request = serializer.context.get("request")
        user = getattr(request, "user", None)
        paths = access.region_paths(user, access.PERSONAL) if user else []
        serializer.context["personal_paths"] = paths
    return paths is None or any(path.startswith(p) for p in paths)


class ElevatorShareSerializer(serializers.ModelSerializer):
    retrofit = serializers.IntegerField(source="version.retrofit_id", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    is_current = serializers.BooleanField(source="version.is_current", read_only=True)
    room_number = serializers.CharField(source="household.room_number", read_only=True)
    owner = serializers.SerializerMethodField()

    class Meta:
        model = Share
        fields = [
            "id",
            "retrofit",
            "version",
            "is_current",
            "household",
            "room_number",
            "floor",
            "floor_area",
            "coefficient",
            "weight",
            "kind",
            "amount",
            "compensation",
            "owner",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_owner(self, share) -> str:
        """The primary owner's name; masked outside the scope that owns the dwelling."""
        owners = list(share.household.owners.all())
        if not owners:
            return ""
        community = share.version.retrofit.stairwell.building.estate.community
        name = owners[0].name
        return name if _personal(self.root, community.path) else access.mask_name(name)


class ElevatorPaymentSerializer(serializers.ModelSerializer):
    retrofit = ScopedPrimaryKeyRelatedField(queryset=Retrofit.objects.all())
    household = HouseholdField()
    room_number = serializers.CharField(source="household.room_number", read_only=True)
    recorded_by = serializers.CharField(
        source="recorded_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "retrofit",
            "household",
            "room_number",
            "amount",
            "paid_on",
            "method",
            "reference",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class RetrofitStatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ElevatorRegionFiguresSerializer(serializers.Serializer):
    region_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    retrofits = serializers.IntegerField()
    consent_reached = serializers.IntegerField()
    in_service = serializers.IntegerField()
    subsidy_committed = serializers.DecimalField(**MONEY)
    residents_share = serializers.DecimalField(**MONEY)
    residents_paid = serializers.DecimalField(**MONEY)


class ElevatorTotalsSerializer(serializers.Serializer):
    retrofits = serializers.IntegerField()
    consent_reached = serializers.IntegerField()
    in_service = serializers.IntegerField()
    subsidy_committed = serializers.DecimalField(**MONEY)
    residents_share = serializers.DecimalField(**MONEY)
    residents_paid = serializers.DecimalField(**MONEY)


@extend_schema_serializer(many=False)
class ElevatorStatisticsSerializer(serializers.Serializer):
    group = serializers.CharField()
    by_status = RetrofitStatusCountSerializer(many=True)
    totals = ElevatorTotalsSerializer()
    per_region = ElevatorRegionFiguresSerializer(many=True)


class ElevatorStairwellArrearsSerializer(serializers.Serializer):
    retrofit_id = serializers.IntegerField()
    estate = serializers.CharField()
    building = serializers.CharField()
    stairwell = serializers.CharField()
    dwellings = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)


class ElevatorEstateArrearsSerializer(serializers.Serializer):
    estate_id = serializers.IntegerField()
    estate = serializers.CharField()
    dwellings = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)


@extend_schema_serializer(many=False)
class ElevatorArrearsSerializer(serializers.Serializer):
    total = serializers.DecimalField(**MONEY)
    per_estate = ElevatorEstateArrearsSerializer(many=True)
    per_stairwell = ElevatorStairwellArrearsSerializer(many=True)
