"""The elevator-retrofit statistics endpoint (`/api/v1/statistics/elevators/`) on
`renovation.api.StatisticsViewSet`, computed by `elevators.selectors.retrofit_statistics`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from elevators.statistics import retrofit_figures
from renovation.api import StatisticsViewSet

from .serializers import MONEY, RetrofitStatusCountSerializer


class RetrofitFiguresSerializer(serializers.Serializer):
    retrofits = serializers.IntegerField(help_text=_("Elevator retrofits (one per stairwell)."))
    consent_reached = serializers.IntegerField(help_text=_("…past their consent vote."))
    in_service = serializers.IntegerField(help_text=_("…with the elevator in service."))
    subsidy_committed = serializers.DecimalField(
        **MONEY, help_text=_("Subsidy of the retrofits past consent, CNY.")
    )
    residents_share = serializers.DecimalField(
        **MONEY, help_text=_("Residents' contributions in the share tables in force, CNY.")
    )
    residents_paid = serializers.DecimalField(
        **MONEY, help_text=_("Residents' payments received, CNY.")
    )


@extend_schema(tags=["statistics"])
class RetrofitStatistics(StatisticsViewSet):
    """Elevator retrofits, subsidy committed and residents' contributions, with the count of
    retrofits in each status over the whole region."""

    figures_serializer = RetrofitFiguresSerializer
    statistics = staticmethod(retrofit_figures)
    statistics_extra = {"by_status": RetrofitStatusCountSerializer(many=True)}


urls = RetrofitStatistics.urls("elevators")
