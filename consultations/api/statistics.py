"""The consultation statistics endpoint (`/api/v1/statistics/consultations/`) on
`renovation.api.StatisticsViewSet`, with its weekly series."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from renovation.api import StatisticsViewSet

from .. import statistics as selectors


class ConsultationFiguresSerializer(serializers.Serializer):
    consultations = serializers.IntegerField(help_text=_("Consultations past their draft."))
    open = serializers.IntegerField(help_text=_("Voting open."))
    closed = serializers.IntegerField(help_text=_("Voting closed, result not yet publicised."))
    publicity = serializers.IntegerField(help_text=_("Result in its publicity period."))
    decided = serializers.IntegerField()
    passed = serializers.IntegerField(help_text=_("Decided, and the matter passed."))
    failed = serializers.IntegerField(help_text=_("Decided, and the matter did not pass."))
    electorate = serializers.IntegerField(help_text=_("Dwellings entitled to vote, summed."))
    voted = serializers.IntegerField(help_text=_("Dwellings with a counted ballot, summed."))
    turnout_pct = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text=_("Voted of electorate, %.")
    )


class ConsultationWeekSerializer(serializers.Serializer):
    opened = serializers.IntegerField(help_text=_("Consultations whose voting had opened."))
    decided = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()


@extend_schema(tags=["statistics"])
class ConsultationStatistics(StatisticsViewSet):
    """Consultations, where they stand, their outcomes and turnout. `year`: voting opened
    that year; `programme`: consultations on its estates."""

    figures_serializer = ConsultationFiguresSerializer
    statistics = staticmethod(selectors.consultations_figures)
    weekly_figures_serializer = ConsultationWeekSerializer
    weekly_statistics = staticmethod(selectors.consultations_weekly)


urls = ConsultationStatistics.urls("consultations")
