"""The inspection statistics endpoint (`/api/v1/statistics/inspections/`) on
`renovation.api.StatisticsViewSet`, with its weekly series."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from renovation.api import StatisticsViewSet

from .. import statistics as selectors
from .serializers import FiguresSerializer


class WeeklyFiguresSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text=_("Points found by then."))
    rectified = serializers.IntegerField(help_text=_("Points remedied by then."))
    demolished = serializers.IntegerField()
    demolished_area = serializers.DecimalField(max_digits=14, decimal_places=2)
    hazards_found = serializers.IntegerField()
    hazards_cleared = serializers.IntegerField()
    past_deadline = serializers.IntegerField(
        help_text=_("Points whose deadline had passed without remedy (escalated ones included).")
    )
    closed = serializers.IntegerField()


@extend_schema(tags=["statistics"])
class InspectionStatistics(StatisticsViewSet):
    """Inspection points found, rectified, demolished (count and m²), hazards cleared, overdue
    and closed. `year`: points found that year; `programme`: points on its estates."""

    figures_serializer = FiguresSerializer
    statistics = staticmethod(selectors.points_figures)
    weekly_figures_serializer = WeeklyFiguresSerializer
    weekly_statistics = staticmethod(selectors.points_weekly)


urls = InspectionStatistics.urls("inspections")
