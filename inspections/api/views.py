"""Inspections API: points (created here, moved only through their `transition` action),
patrols, the category list and the statistics. Scoping, permissions, filters and pagination
come from `renovation.api`; writes call `inspections.services`, whose ValidationError is a 400
by field (renovation.drf)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from inspections import selectors, services
from inspections.api.serializers import (
    CategorySerializer,
    NextStepsSerializer,
    PatrolSerializer,
    PointSerializer,
    PointTransitionSerializer,
    StatisticsSerializer,
)
from inspections.filtersets import PatrolFilterSet, PointFilterSet
from inspections.models import Category, Patrol, Point
from renovation import access
from renovation.api import AggregateExportMixin, ExportMixin, ScopedModelViewSet
from renovation.drf import RolePermission


class CategoryViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """The configurable list of point categories (not scoped: the same for the whole city)."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None


class PointViewSet(ScopedModelViewSet):
    """Inspection points with their full history (read-only, nested). Points are created here
    and move only through the `transition` action; nothing is ever deleted."""

    queryset = Point.objects.all()
    serializer_class = PointSerializer
    filterset_class = PointFilterSet
    write_perm = access.INSPECT
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["found_at", "deadline", "priority", "updated_at"]

    def get_queryset(self):
        return selectors.points_with_overdue_flag(
            points=selectors.points_with_history(
                points=super().get_queryset().select_related("estate", "category", "building")
            )
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        point = services.point_create(
            actor=self.request.user,
            estate=data["estate"],
            building=data.get("building"),
            household=data.get("household"),
            category=data["category"],
            location=data.get("location", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            area=data.get("area"),
            responsible_party=data.get("responsible_party", ""),
            priority=data.get("priority", Point.Priority.NORMAL),
            description=data.get("description", ""),
            photos=data.get("photos", []),
            patrol=data.get("patrol"),
        )
        serializer.instance = self.get_queryset().get(pk=point.pk)

    @extend_schema(request=PointTransitionSerializer, responses=PointSerializer)
    @action(detail=True, methods=["post"], serializer_class=PointTransitionSerializer)
    def transition(self, request, pk=None):
        """Moves the point one step along its workflow (see inspections.services.TRANSITIONS)."""
        point = self.get_object()
        serializer = PointTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.point_transition(
            point=point,
            actor=request.user,
            to_status=data["to_status"],
            note=data["note"],
            photos=data["photos"],
            deadline=data["deadline"],
            case_number=data["case_number"],
        )
        fresh = self.get_queryset().get(pk=point.pk)
        return Response(
            PointSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK,
        )

    @extend_schema(responses=NextStepsSerializer)
    @action(detail=True, methods=["get"])
    def next_steps(self, request, pk=None):
        """The point's status and the statuses it may move to."""
        point = self.get_object()
        data = {"status": point.status, "next": list(services.allowed_next(point.status))}
        return Response(NextStepsSerializer(data).data)


class PatrolViewSet(ScopedModelViewSet):
    queryset = Patrol.objects.all()
    serializer_class = PatrolSerializer
    filterset_class = PatrolFilterSet
    write_perm = access.INSPECT
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.patrols_with_visits(
            patrols=super().get_queryset().select_related("estate", "worker")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        patrol = services.patrol_record(
            worker=self.request.user,
            estate=data["estate"],
            points=data.get("points", []),
            note=data.get("note", ""),
        )
        serializer.instance = self.get_queryset().get(pk=patrol.pk)


class StatisticsViewSet(AggregateExportMixin, viewsets.ViewSet):
    """Points found, rectified, demolished (count and m²), hazards cleared and overdue — per
    estate, per subdistrict and in total, over the caller's scope. Aggregates only: no names."""

    permission_classes = [RolePermission]
    serializer_class = StatisticsSerializer
    export_rows_field = "estates"  # ?format=csv / xlsx: one row per estate

    @extend_schema(
        responses=StatisticsSerializer,
        parameters=[
            OpenApiParameter("estate_id", int, many=True, description="Limit to these estates.")
        ],
    )
    def list(self, request):
        estate_ids = [int(v) for v in request.query_params.getlist("estate_id") if v.isdigit()]
        stats = selectors.points_statistics(user=request.user, estate_ids=estate_ids or None)
        return Response(StatisticsSerializer(stats).data)
