"""Consultations API for dashboards and staff tools: consultations and questions (read),
aggregate results and turnout (read), and the lifecycle actions `open` and `close` (POST,
staff with manage in the consultation's scope; a refusal is a 400 with `non_field_errors`).
Ballots are cast only through the resident's session on the HTML voting page (or entered by
staff on the paper-ballot page), never through this API."""

from functools import partial

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from consultations import services
from consultations.api.serializers import (
    ConsultationSerializer,
    QuestionSerializer,
    ResultsSerializer,
    TurnoutSerializer,
    tally_data,
)
from consultations.filtersets import ConsultationFilterSet, QuestionFilterSet
from consultations.models import Consultation, Question
from consultations.tally import tally_compute, turnout_compute
from renovation import access
from renovation.api import ScopedReadOnlyViewSet
from renovation.schema import ErrorSerializer


class ConsultationViewSet(ScopedReadOnlyViewSet):
    queryset = Consultation.objects.select_related("estate").order_by("-opens_at", "-pk")
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilterSet
    write_perm = access.MANAGE

    @extend_schema(responses={200: ResultsSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Aggregate result under the decision rule; only once voting has closed."""
        consultation = self.get_object()
        if not consultation.results_visible:
            return Response(
                {"detail": gettext("Results are available once voting has closed.")},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(tally_data(tally_compute(consultation=consultation)))

    @extend_schema(responses=TurnoutSerializer)
    @action(detail=True, methods=["get"])
    def turnout(self, request, pk=None):
        """Dwellings that voted, by building, stairwell and floor (never what they chose)."""
        consultation = self.get_object()
        data = turnout_compute(consultation=consultation)
        return Response(
            {
                "total": data["total"],
                "voted": data["voted"],
                "by_channel": {row["code"]: row["count"] for row in data["by_channel"]},
                "rows": [
                    {
                        "building": r["stairwell__building__number"],
                        "stairwell": r["stairwell__number"],
                        "floor": r["floor"],
                        "dwellings": r["total"],
                        "voted": r["voted"],
                    }
                    for r in data["rows"]
                ],
            }
        )

    def _transition(self, service):
        # get_object() checks `write_perm` on the consultation (RolePermission).
        consultation = service(consultation=self.get_object())
        return Response(self.get_serializer(consultation).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open voting; the electorate is frozen now (who froze it: the caller)."""
        return self._transition(partial(services.consultation_open, by=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(services.consultation_close)


class QuestionViewSet(ScopedReadOnlyViewSet):
    queryset = Question.objects.prefetch_related("choices").order_by(
        "consultation", "position", "pk"
    )
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilterSet
