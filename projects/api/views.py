"""Projects API. Scoping, permissions, filters and pagination come from `renovation.api`;
writes and domain actions (status transitions, acceptance, resolving a complaint) call a
service."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from renovation import access, dates
from renovation.api import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import selectors, services
from ..filtersets import (
    ComplaintFilterSet,
    ProgrammeFilterSet,
    ProgressReportFilterSet,
    ProjectFilterSet,
)
from ..models import Complaint, Milestone, Programme, ProgressReport, Project, WorksItem
from . import serializers


class ProgrammeViewSet(ScopedReadOnlyViewSet):
    """Programmes covering a node of the caller's scope or holding one of their projects."""

    queryset = Programme.objects.all()
    serializer_class = serializers.ProgrammeSerializer
    filterset_class = ProgrammeFilterSet

    def get_queryset(self):
        return selectors.programmes_visible(user=self.request.user).order_by("-year", "name", "pk")


class ProjectViewSet(ScopedModelViewSet):
    queryset = Project.objects.all()
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["progress_pct", "planned_completion_date", "overdue_count"]

    def get_queryset(self):
        return (
            selectors.projects_with_figures(projects=super().get_queryset())
            .prefetch_related(
                Prefetch("works_items", WorksItem.objects.select_related("works_type")),
                "funding_lines",
                Prefetch(
                    "milestones", Milestone.objects.order_by("planned_date", "sort_order", "pk")
                ),
            )
            .order_by("programme_id", "estate__name", "pk")
        )

    def _reread(self, pk):
        return self.get_queryset().get(pk=pk)

    def perform_create(self, serializer):
        project = services.project_save(project=Project(**serializer.validated_data))
        serializer.instance = self._reread(project.pk)

    def perform_update(self, serializer):
        project = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(project, field, value)
        services.project_save(project=project)
        serializer.instance = self._reread(project.pk)

    @extend_schema(
        request=serializers.TransitionSerializer, responses=serializers.ProjectSerializer
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the project along its workflow (planned → … → completed, or suspended)."""
        project = self.get_object()
        data = serializers.TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_transition(project=project, **data.validated_data)
        return Response(self.get_serializer(self._reread(project.pk)).data)

    @extend_schema(
        request=serializers.AcceptanceSerializer, responses=serializers.ProjectSerializer
    )
    @action(detail=True, methods=["post"])
    def acceptance(self, request, pk=None):
        """Record professional acceptance and the resident satisfaction rate."""
        project = self.get_object()
        data = serializers.AcceptanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.acceptance_record(project=project, **data.validated_data)
        return Response(self.get_serializer(self._reread(project.pk)).data)


class ProgressReportViewSet(ScopedModelViewSet):
    queryset = ProgressReport.objects.select_related("reporter").prefetch_related(
        "entries", "photos"
    )
    serializer_class = serializers.ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    write_perm = access.INSPECT
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        report = services.progress_report_create(
            project=data["project"],
            report_date=data["report_date"],
            progress=data.get("progress", {}),
            photos=data.get("upload", []),
            note=data.get("note", ""),
            reporter=self.request.user,
            today=dates.today(),
        )
        serializer.instance = self.get_queryset().get(pk=report.pk)


class ComplaintViewSet(ScopedModelViewSet):
    queryset = Complaint.objects.select_related("project__estate")
    serializer_class = serializers.ComplaintSerializer
    filterset_class = ComplaintFilterSet

    def perform_create(self, serializer):
        complaint = services.complaint_save(complaint=Complaint(**serializer.validated_data))
        serializer.instance = complaint

    def perform_update(self, serializer):
        complaint = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(complaint, field, value)
        serializer.instance = services.complaint_save(complaint=complaint)

    @extend_schema(
        request=serializers.ComplaintResolveSerializer, responses=serializers.ComplaintSerializer
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        complaint = self.get_object()
        data = serializers.ComplaintResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_resolve(complaint=complaint, **data.validated_data)
        return Response(self.get_serializer(complaint).data)
