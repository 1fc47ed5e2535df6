from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from communities.models import Building, Estate, Household
from inspections.models import Category, Patrol, PatrolVisit, Photo, Point, Status, Step
from renovation import access
from renovation.api import ScopedPrimaryKeyRelatedField


class CategorySerializer(serializers.ModelSerializer):
    group_display = serializers.CharField(source="get_group_display", read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "group",
            "group_display",
            "default_deadline_days",
            "is_active",
        ]


class PhotoSerializer(serializers.ModelSerializer):
    # The scoped photo view, never the media file path: only the copy without metadata exists.
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "kind", "url", "uploaded_at"]

    def get_url(self, photo) -> str:
        url = reverse("inspections:photo", args=[photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class StepSerializer(serializers.ModelSerializer):
    # "" for the step that recorded the point (it came from nowhere).
    from_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    # None for the steps the system takes by itself (the daily overdue check).
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, read_only=True
    )
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Step
        fields = [
            "id",
            "from_status",
            "to_status",
            "actor",
            "at",
            "note",
            "deadline",
            "case_number",
            "photos",
        ]
        read_only_fields = fields


class PointSerializer(serializers.ModelSerializer):
    estate = ScopedPrimaryKeyRelatedField(queryset=Estate.objects.all(), perm=access.INSPECT)
    building = ScopedPrimaryKeyRelatedField(
        queryset=Building.objects.all(), perm=access.INSPECT, required=False, allow_null=True
    )
    household = ScopedPrimaryKeyRelatedField(
        queryset=Household.objects.select_related("stairwell__building"),
        perm=access.INSPECT,
        required=False,
        allow_null=True,
    )
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    estate_name = serializers.CharField(source="estate.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    category_group = serializers.CharField(source="category.group", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    history = StepSerializer(source="steps", many=True, read_only=True)
    photos = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        help_text=_("Photos (multipart); their EXIF GPS fills latitude/longitude when absent."),
    )
    patrol = ScopedPrimaryKeyRelatedField(
        queryset=Patrol.objects.all(),
        perm=access.INSPECT,
        required=False,
        allow_null=True,
        write_only=True,
    )

    class Meta:
        model = Point
        fields = [
            "id",
            "estate",
            "estate_name",
            "building",
            "household",
            "category",
            "category_name",
            "category_group",
            "location",
            "latitude",
            "longitude",
            "area",
            "responsible_party",
            "priority",
            "description",
            "status",
            "deadline",
            "case_number",
            "is_overdue",
            "found_by",
            "found_at",
            "updated_at",
            "history",
            "photos",
            "patrol",
        ]
        read_only_fields = [
            "status",
            "deadline",
            "case_number",
            "found_by",
            "found_at",
            "updated_at",
        ]


class PointTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    case_number = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class NextStepsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    next = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices),
        help_text=_("The statuses the point may move to from here."),
    )


class PatrolVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatrolVisit
        fields = ["point", "finding", "note"]
        read_only_fields = fields


class PatrolSerializer(serializers.ModelSerializer):
    estate = ScopedPrimaryKeyRelatedField(queryset=Estate.objects.all(), perm=access.INSPECT)
    worker = serializers.CharField(source="worker.username", read_only=True)
    visits = PatrolVisitSerializer(many=True, read_only=True)
    points = ScopedPrimaryKeyRelatedField(
        queryset=Point.objects.all(),
        perm=access.INSPECT,
        many=True,
        required=False,
        write_only=True,
        help_text=_("Points re-checked on this patrol."),
    )

    class Meta:
        model = Patrol
        fields = ["id", "estate", "worker", "started_at", "note", "visits", "points"]
        read_only_fields = ["started_at"]


class FiguresSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text=_("Points found (排查点位)."))
    rectified = serializers.IntegerField(help_text=_("Points whose problem has been removed."))
    demolished = serializers.IntegerField(help_text=_("Illegal structures removed."))
    demolished_area = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("m² removed.")
    )
    hazards_found = serializers.IntegerField()
    hazards_cleared = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closed = serializers.IntegerField()


class EstateFiguresSerializer(FiguresSerializer):
    estate_id = serializers.IntegerField()
    estate = serializers.CharField()
    community = serializers.CharField()


class SubdistrictFiguresSerializer(FiguresSerializer):
    subdistrict_id = serializers.IntegerField(allow_null=True)
    subdistrict = serializers.CharField(allow_null=True)


@extend_schema_serializer(many=False)
class StatisticsSerializer(serializers.Serializer):
    today = serializers.DateField()
    estates = EstateFiguresSerializer(many=True)
    subdistricts = SubdistrictFiguresSerializer(many=True)
    totals = FiguresSerializer()
