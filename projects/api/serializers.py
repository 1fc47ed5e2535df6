from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communities.models import Estate
from renovation import access
from renovation.api import ScopedPrimaryKeyRelatedField

from ..models import (
    Complaint,
    FundingLine,
    Milestone,
    Programme,
    ProgressEntry,
    ProgressPhoto,
    ProgressReport,
    Project,
    WorksItem,
)


class ProgrammeSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "year",
            "region",
            "region_name",
            "target_estates",
            "target_households",
            "target_investment",
            "satisfaction_threshold",
        ]
        read_only_fields = fields


class WorksItemSerializer(serializers.ModelSerializer):
    works_type = serializers.CharField(source="works_type.code", read_only=True)
    works_type_name = serializers.CharField(source="works_type.name", read_only=True)
    category = serializers.CharField(source="works_type.category", read_only=True)

    class Meta:
        model = WorksItem
        fields = [
            "id",
            "works_type",
            "works_type_name",
            "category",
            "description",
            "quantity",
            "unit",
            "budget",
            "progress",
        ]
        read_only_fields = fields


class FundingLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingLine
        fields = ["id", "source", "amount", "per_household", "note"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "planned_date", "actual_date"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    estate = ScopedPrimaryKeyRelatedField(queryset=Estate.objects.all())
    estate_name = serializers.CharField(source="estate.name", read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    works_items = WorksItemSerializer(many=True, read_only=True)
    funding_lines = FundingLineSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    works_budget = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    funding_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    funding_gap = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    progress_pct = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    overdue_count = serializers.IntegerField(read_only=True)
    missed_count = serializers.IntegerField(read_only=True)
    open_complaints = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "programme",
            "programme_name",
            "estate",
            "estate_name",
            "status",
            "suspension_reason",
            "buildings_covered",
            "households_covered",
            "official_name",
            "official_phone",
            "contractor",
            "designer",
            "supervisor",
            "start_date",
            "planned_completion_date",
            "completed_on",
            "acceptance_date",
            "acceptance_result",
            "satisfaction_rate",
            "works_budget",
            "funding_total",
            "funding_gap",
            "progress_pct",
            "overdue_count",
            "missed_count",
            "open_complaints",
            "works_items",
            "funding_lines",
            "milestones",
        ]
        read_only_fields = [
            "status",
            "suspension_reason",
            "completed_on",
            "acceptance_date",
            "acceptance_result",
            "satisfaction_rate",
        ]
        # one-per-estate is checked by the service (full_clean) with its own message
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        # The official's phone is shown in full only inside the scope that owns the project.
        path = instance.estate.community.path
        if data.get("official_phone") and not (
            request and access.has_perm(request.user, access.PERSONAL, path)
        ):
            data["official_phone"] = access.mask_phone(data["official_phone"])
        return data

    def validate_programme(self, programme):
        from ..selectors import programmes_visible

        request = self.context["request"]
        if not programmes_visible(user=request.user).filter(pk=programme.pk).exists():
            raise serializers.ValidationError(_("No such programme."))
        return programme


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Project.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptanceSerializer(serializers.Serializer):
    acceptance_date = serializers.DateField(allow_null=True, required=False, default=None)
    acceptance_result = serializers.ChoiceField(
        choices=Project.AcceptanceResult.choices, allow_blank=True, default=""
    )
    satisfaction_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        allow_null=True,
        required=False,
        default=None,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressEntry
        fields = ["works_item", "progress"]


class ProgressPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressPhoto
        fields = ["id", "image"]


class ProgressReportSerializer(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all(), perm=access.INSPECT)
    entries = ProgressEntrySerializer(many=True, read_only=True)
    photos = ProgressPhotoSerializer(many=True, read_only=True)
    # None once the reporter's account is gone.
    reporter = serializers.CharField(
        source="reporter.username", read_only=True, default=None, allow_null=True
    )
    progress = serializers.JSONField(
        write_only=True,
        required=False,
        help_text='works item id → progress (0–100), e.g. {"12": 40}; a JSON string in multipart',
    )
    upload = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        help_text="photos (multipart)",
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "report_date",
            "note",
            "reporter",
            "entries",
            "photos",
            "progress",
            "upload",
        ]

    def validate_progress(self, value):
        if not isinstance(value, dict) or not all(str(k).isdigit() for k in value):
            raise serializers.ValidationError(
                _("Give progress as an object mapping works item ids to percentages.")
            )
        return {int(k): v for k, v in value.items()}


class ComplaintSerializer(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    estate_name = serializers.CharField(source="project.estate.name", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "project",
            "estate_name",
            "received_on",
            "channel",
            "category",
            "text",
            "resolved_on",
            "reply",
        ]
        read_only_fields = ["resolved_on", "reply"]


class ComplaintResolveSerializer(serializers.Serializer):
    resolved_on = serializers.DateField()
    reply = serializers.CharField()
