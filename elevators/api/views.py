"""Elevators API. Scoping, permissions, filters and pagination come from `renovation.api`;
every write and every domain action (a status change, the consent vote, a cost line, the final
cost, recomputing the shares, a decline or re-join, an instalment plan, a payment) is an
explicit endpoint calling one service. A service's ValidationError becomes a 400 keyed by field
in the exception handler (`renovation.drf`), so no view here catches it."""

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from communities.models import Owner, Region
from elevators import (
    cost_services,
    payment_services,
    scheme_services,
    selectors,
    services,
    share_services,
)
from elevators.api import serializers as s
from elevators.filtersets import PaymentFilterSet, RetrofitFilterSet, ShareFilterSet
from elevators.models import (
    CostLine,
    Payment,
    Retrofit,
    SchemeFloor,
    Share,
    ShareVersion,
    SharingScheme,
    SubsidyPolicy,
)
from renovation import access, dates
from renovation.api import (
    AggregateExportMixin,
    ExportMixin,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
)
from renovation.drf import RolePermission


class ReferenceViewSet(
    ExportMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Policies and schemes: the shipped ones and those kept at, above or below the caller's
    nodes of the tree; written through the service (a region the caller manages)."""

    permission_classes = [RolePermission]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return scheme_services.references_offered(
            user=self.request.user, references=self.queryset.select_related("region")
        )

    def check_object_permissions(self, request, obj):
        if request.method not in (
            "GET",
            "HEAD",
            "OPTIONS",
        ) and not scheme_services.may_edit_reference(request.user, obj):
            raise Http404
        super().check_object_permissions(request, obj)


class SubsidyPolicyViewSet(ReferenceViewSet):
    queryset = SubsidyPolicy.objects.all()
    serializer_class = s.SubsidyPolicySerializer

    def perform_create(self, serializer):
        self.perform_update(serializer)

    def perform_update(self, serializer):
        policy = serializer.instance or SubsidyPolicy()
        for field, value in serializer.validated_data.items():
            setattr(policy, field, value)
        serializer.instance = scheme_services.policy_save(user=self.request.user, policy=policy)


class SharingSchemeViewSet(ReferenceViewSet):
    queryset = SharingScheme.objects.prefetch_related(
        Prefetch("floors", SchemeFloor.objects.order_by("floor"))
    )
    serializer_class = s.SharingSchemeSerializer

    def perform_create(self, serializer):
        self.perform_update(serializer)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        scheme = serializer.instance or SharingScheme()
        coefficients = data.pop("coefficient_list", None)
        if coefficients is None:
            coefficients = scheme.coefficient_list if scheme.pk else []
        for field, value in data.items():
            setattr(scheme, field, value)
        scheme = scheme_services.scheme_save(
            user=self.request.user, scheme=scheme, coefficients=coefficients
        )
        serializer.instance = self.get_queryset().get(pk=scheme.pk)


class RetrofitViewSet(ScopedModelViewSet):
    """Retrofits with their cost lines and steps. Created and edited through the services;
    the status moves only through `transition` (and `consent`)."""

    queryset = Retrofit.objects.all()
    serializer_class = s.RetrofitSerializer
    filterset_class = RetrofitFilterSet

    def get_queryset(self):
        return (
            selectors.retrofits_with_figures(retrofits=super().get_queryset(), today=dates.today())
            .select_related("stairwell__building__estate")
            .prefetch_related("cost_lines", "steps__actor")
            .order_by("pk")
        )

    def _reread(self, pk):
        return self.get_queryset().get(pk=pk)

    def _respond(self, retrofit):
        return Response(
            s.RetrofitSerializer(
                self._reread(retrofit.pk), context=self.get_serializer_context()
            ).data
        )

    CREATE_FIELDS = ("stairwell", "scheme", "subsidy_policy", "served_floors", "builder", "note")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        created = {k: data.pop(k) for k in self.CREATE_FIELDS if k in data}
        rest = {k: v for k, v in data.items() if k in services.UPDATABLE}
        # One transaction: a refused plan detail leaves no retrofit behind.
        with transaction.atomic():
            retrofit = services.retrofit_create(user=self.request.user, **created)
            if rest:
                services.retrofit_update(user=self.request.user, retrofit=retrofit, data=rest)
        serializer.instance = self._reread(retrofit.pk)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.UPDATABLE}
        services.retrofit_update(user=self.request.user, retrofit=serializer.instance, data=data)
        serializer.instance = self._reread(serializer.instance.pk)

    def _action(self, request, serializer_class):
        retrofit = self.get_object()
        data = serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return retrofit, data.validated_data

    @extend_schema(request=s.RetrofitTransitionSerializer, responses=s.RetrofitSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the retrofit one step (see elevators.services.TRANSITIONS); past consent only
        when its consent vote was decided and passed."""
        retrofit, data = self._action(request, s.RetrofitTransitionSerializer)
        services.retrofit_transition(retrofit=retrofit, actor=request.user, **data)
        return self._respond(retrofit)

    @extend_schema(request=s.RetrofitConsentSerializer, responses=s.RetrofitSerializer)
    @action(detail=True, methods=["post"])
    def consent(self, request, pk=None):
        """Start the consent vote: a new owner decision of the stairwell (major-matter rule),
        or an existing one given as `consultation`."""
        retrofit, data = self._action(request, s.RetrofitConsentSerializer)
        services.retrofit_consent_start(retrofit=retrofit, actor=request.user, **data)
        return self._respond(retrofit)

    @extend_schema(request=s.RetrofitCostLineSerializer, responses=s.RetrofitSerializer)
    @action(detail=True, methods=["post"], url_path="cost-lines")
    def cost_lines(self, request, pk=None):
        """Add a line to the cost estimate."""
        retrofit, data = self._action(request, s.RetrofitCostLineSerializer)
        cost_services.cost_line_save(retrofit=retrofit, line=CostLine(**data), actor=request.user)
        return self._respond(retrofit)

    @extend_schema(request=s.RetrofitFinalCostSerializer, responses=s.RetrofitSerializer)
    @action(detail=True, methods=["post"], url_path="final-cost")
    def final_cost(self, request, pk=None):
        """Record the final cost (null: back to the estimate); the shares follow."""
        retrofit, data = self._action(request, s.RetrofitFinalCostSerializer)
        cost_services.final_cost_set(retrofit=retrofit, actor=request.user, **data)
        return self._respond(retrofit)

    @extend_schema(request=s.ShareComputeSerializer, responses={201: s.ShareVersionSerializer})
    @action(detail=True, methods=["post"], url_path="compute-shares")
    def compute_shares(self, request, pk=None):
        """Compute a new current version of the share table (earlier versions are kept)."""
        retrofit, data = self._action(request, s.ShareComputeSerializer)
        first = not retrofit.versions.exists()
        version = share_services.share_table_compute(
            retrofit=retrofit,
            actor=request.user,
            reason_kind=ShareVersion.Reason.INITIAL if first else ShareVersion.Reason.RECOMPUTED,
            reason=data["reason"],
        )
        return Response(s.ShareVersionSerializer(version).data, status=201)

    @extend_schema(request=s.RetrofitDeclineSerializer, responses=s.RetrofitSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """A dwelling declines: it takes no share; the others' are recomputed."""
        retrofit, data = self._action(request, s.RetrofitDeclineSerializer)
        share_services.decline_record(retrofit=retrofit, actor=request.user, **data)
        return self._respond(retrofit)

    @extend_schema(request=s.RetrofitRejoinSerializer, responses=s.RetrofitSerializer)
    @action(detail=True, methods=["post"])
    def rejoin(self, request, pk=None):
        """A dwelling that declined joins again and pays its share from `on`."""
        retrofit, data = self._action(request, s.RetrofitRejoinSerializer)
        share_services.rejoin_record(retrofit=retrofit, actor=request.user, **data)
        return self._respond(retrofit)

    @extend_schema(request=s.InstalmentPlanSerializer, responses=s.InstalmentPlanSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """Set a dwelling's instalment plan; its schedule in the current table is rewritten."""
        retrofit, data = self._action(request, s.InstalmentPlanSerializer)
        plan = payment_services.plan_save(retrofit=retrofit, **data)
        return Response(
            s.InstalmentPlanSerializer(plan, context=self.get_serializer_context()).data
        )

    @extend_schema(responses=s.ShareVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, pk=None):
        """Every version of the share table, the newest first; one is current."""
        retrofit = self.get_object()
        return Response(
            s.ShareVersionSerializer(selectors.share_versions(retrofit=retrofit), many=True).data
        )


class ShareViewSet(ScopedReadOnlyViewSet):
    """Each dwelling's line in the share tables (filter `current=true` for the tables in force).
    Owners' names are masked outside the scope that owns the dwelling."""

    queryset = Share.objects.all()
    serializer_class = s.ElevatorShareSerializer
    filterset_class = ShareFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "household", "version__retrofit__stairwell__building__estate__community"
            )
            .prefetch_related(
                Prefetch("household__owners", Owner.objects.filter(is_primary=True).order_by("pk"))
            )
            .order_by(
                "version__retrofit_id", "-version__number", "floor", "household__room_number", "pk"
            )
        )


class PaymentViewSet(ScopedModelViewSet):
    """Payments received; recorded through the service (never more than the dwelling owes)."""

    queryset = Payment.objects.select_related("household", "recorded_by")
    serializer_class = s.ElevatorPaymentSerializer
    filterset_class = PaymentFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("retrofit_id", "paid_on", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        payment = payment_services.payment_record(actor=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=payment.pk)


class StatisticsViewSet(AggregateExportMixin, viewsets.ViewSet):
    """Retrofits by status, subsidy committed and residents' contributions (shared, paid), in
    total and per region, over the caller's scope. Aggregates only: no names."""

    permission_classes = [RolePermission]
    serializer_class = s.ElevatorStatisticsSerializer
    export_rows_field = "per_region"  # ?format=csv / xlsx: one row per region

    @extend_schema(
        responses=s.ElevatorStatisticsSerializer,
        parameters=[
            OpenApiParameter("region_id", int, description="Only below this node of the tree."),
            OpenApiParameter(
                "by",
                str,
                enum=sorted(selectors.GROUPS),
                description="Group per district, subdistrict (default), community or estate.",
            ),
        ],
    )
    def list(self, request):
        by = request.query_params.get("by", "subdistrict")
        if by not in selectors.GROUPS:
            return Response(
                {"by": [f"Choose one of {', '.join(sorted(selectors.GROUPS))}."]}, status=400
            )
        region = None
        region_id = request.query_params.get("region_id", "")
        if region_id:
            if not region_id.isdigit():
                return Response({"region_id": ["A whole number is required."]}, status=400)
            region = access.scoped_get_or_404(request.user, Region.objects.all(), pk=int(region_id))
        stats = selectors.retrofit_statistics(user=request.user, region=region, by=by)
        return Response(s.ElevatorStatisticsSerializer(stats).data)


class ArrearsViewSet(AggregateExportMixin, viewsets.ViewSet):
    """Arrears (instalments past due and unpaid) per estate and per stairwell over the
    caller's scope. Aggregates only: no names."""

    permission_classes = [RolePermission]
    serializer_class = s.ElevatorArrearsSerializer
    export_rows_field = "per_stairwell"  # ?format=csv / xlsx: one row per stairwell

    @extend_schema(
        responses=s.ElevatorArrearsSerializer,
        parameters=[OpenApiParameter("estate_id", int, description="Only this estate.")],
    )
    def list(self, request):
        estate_id = request.query_params.get("estate_id", "")
        figures = selectors.retrofit_arrears(
            user=request.user, estate_id=int(estate_id) if estate_id.isdigit() else None
        )
        return Response(s.ElevatorArrearsSerializer(figures).data)
