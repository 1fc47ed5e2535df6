"""The programme's statistics endpoints (`/api/v1/statistics/<topic>/`): each names its figures
and the selector in `projects.statistics`; `renovation.api.StatisticsViewSet` does the rest
(parameters, breakdown, exports, the weekly series)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from renovation.api import StatisticsViewSet

from .. import statistics as selectors
from ..models import FundingLine, Project


def _count(help_text=""):
    return serializers.IntegerField(help_text=help_text)


def _money(help_text=""):
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=help_text)


def _percent(help_text=""):
    return serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text=help_text
    )


class CoverageFiguresSerializer(serializers.Serializer):
    projects = _count(_("Projects (one estate in one programme)."))
    estates = _count(_("Estates with a project."))
    buildings = _count(_("Buildings covered by the projects."))
    households = _count(_("Households covered by the projects."))


# One count per status: the statuses are the model's, so the figures follow them.
StatusFiguresSerializer = type(
    "StatusFiguresSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "total": _count(_("All projects.")),
        **{status: _count(label) for status, label in Project.Status.choices},
    },
)


class CompletionFiguresSerializer(serializers.Serializer):
    projects = _count()
    started = _count(_("Construction begun (under construction, acceptance, completed)."))
    completed = _count(_("Completed: accepted, and residents satisfied."))
    households_benefited = _count(_("Households of completed projects."))
    target_estates = _count(_("Targets of the programmes set for this region or below it."))
    target_households = _count()
    completed_pct = _percent(_("Completed of all projects, %."))
    target_estates_pct = _percent(_("Completed of the target estates, %."))
    target_households_pct = _percent(_("Households benefited of the target, %."))


class CompletionWeekSerializer(serializers.Serializer):
    projects = _count(_("Projects entered by then."))
    completed = _count(_("Projects completed by then."))
    households_benefited = _count()


InvestmentFiguresSerializer = type(
    "InvestmentFiguresSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        **{source: _money(label) for source, label in FundingLine.Source.choices},
        "total": _money(_("All sources, CNY.")),
    },
)


class HouseholdsFiguresSerializer(serializers.Serializer):
    households_planned = _count(_("Households covered by every project."))
    households_under_way = _count(_("…of projects under construction or in acceptance."))
    households_benefited = _count(_("…of completed projects."))
    estates_benefited = _count(_("Estates whose project is completed."))


class HouseholdsWeekSerializer(serializers.Serializer):
    households_benefited = _count()
    estates_benefited = _count()


class OverdueFiguresSerializer(serializers.Serializer):
    overdue_milestones = _count(_("Milestones past their planned date, unfinished."))
    projects_overdue = _count(_("Projects with an overdue milestone."))
    strikes = _count(_("Missed milestones: overdue, or finished late."))
    projects_with_strikes = _count()


@extend_schema(tags=["statistics"])
class CoverageStatistics(StatisticsViewSet):
    """Estates and households in the programme, by the next level of the tree."""

    figures_serializer = CoverageFiguresSerializer
    statistics = staticmethod(selectors.programme_coverage)
    weekly_figures_serializer = CoverageFiguresSerializer
    weekly_statistics = staticmethod(selectors.coverage_weekly)


@extend_schema(tags=["statistics"])
class StatusStatistics(StatisticsViewSet):
    """Projects by status, by the next level of the tree."""

    figures_serializer = StatusFiguresSerializer
    statistics = staticmethod(selectors.projects_by_status)


@extend_schema(tags=["statistics"])
class CompletionStatistics(StatisticsViewSet):
    """Projects completed against the programmes' targets."""

    figures_serializer = CompletionFiguresSerializer
    statistics = staticmethod(selectors.completion_against_target)
    weekly_figures_serializer = CompletionWeekSerializer
    weekly_statistics = staticmethod(selectors.completion_weekly)


@extend_schema(tags=["statistics"])
class InvestmentStatistics(StatisticsViewSet):
    """The projects' funding by source, CNY."""

    figures_serializer = InvestmentFiguresSerializer
    statistics = staticmethod(selectors.investment_by_source)


@extend_schema(tags=["statistics"])
class HouseholdsStatistics(StatisticsViewSet):
    """Households benefited (completed projects), under way and planned."""

    figures_serializer = HouseholdsFiguresSerializer
    statistics = staticmethod(selectors.households_benefited)
    weekly_figures_serializer = HouseholdsWeekSerializer
    weekly_statistics = staticmethod(selectors.households_weekly)


@extend_schema(tags=["statistics"])
class OverdueStatistics(StatisticsViewSet):
    """Overdue milestones, the projects they hold up, and strikes."""

    figures_serializer = OverdueFiguresSerializer
    statistics = staticmethod(selectors.overdue_and_strikes)
    weekly_figures_serializer = OverdueFiguresSerializer
    weekly_statistics = staticmethod(selectors.overdue_weekly)


urls = [
    *CoverageStatistics.urls("programme-coverage"),
    *StatusStatistics.urls("project-status"),
    *CompletionStatistics.urls("completion"),
    *InvestmentStatistics.urls("investment"),
    *HouseholdsStatistics.urls("households-benefited"),
    *OverdueStatistics.urls("overdue"),
]
