"""Filters shared by the project list page and the API (choices scoped by `ScopedFilterSet`)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.filtersets import RegionNodeFilter
from renovation import dates
from renovation.filtersets import ScopedFilterSet

from .models import Complaint, Programme, ProgressReport, Project
from .selectors import overdue_exists, programmes_visible


class ProjectFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programme")
    )
    status = django_filters.MultipleChoiceFilter(choices=Project.Status.choices, label=_("Status"))
    region_id = RegionNodeFilter(path_field="estate__community__path", label=_("Region"))
    estate_id = django_filters.NumberFilter(field_name="estate_id", label=_("Estate (id)"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Project
        fields = ["q", "programme", "status", "region_id", "estate_id", "overdue"]

    def scope_choices(self, name, queryset):
        if name == "programme" and self.user is not None:
            # A street office also sees the district's (and the city's) programmes its
            # estates are in: not a plain scope, so the selector decides.
            return programmes_visible(user=self.user)
        return super().scope_choices(name, queryset)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(estate__name__icontains=value)
            | Q(official_name__icontains=value)
            | Q(contractor__icontains=value)
            | Q(estate__community__name__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        exists = overdue_exists(today=dates.today())
        return queryset.filter(exists) if value else queryset.exclude(exists)


class ProgrammeFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    region_id = RegionNodeFilter(path_field="region__path", label=_("Region"))

    class Meta:
        model = Programme
        fields = ["year", "region_id"]


class ComplaintFilterSet(ScopedFilterSet):
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project (id)"))
    programme = django_filters.NumberFilter(
        field_name="project__programme_id", label=_("Programme (id)")
    )
    region_id = RegionNodeFilter(path_field="project__estate__community__path", label=_("Region"))
    channel = django_filters.ChoiceFilter(choices=Complaint.Channel.choices, label=_("Channel"))
    is_open = django_filters.BooleanFilter(
        field_name="resolved_on", lookup_expr="isnull", label=_("Open")
    )

    class Meta:
        model = Complaint
        fields = ["project", "programme", "region_id", "channel", "is_open"]


class ProgressReportFilterSet(ScopedFilterSet):
    project = django_filters.NumberFilter(field_name="project_id", label=_("Project (id)"))
    programme = django_filters.NumberFilter(
        field_name="project__programme_id", label=_("Programme (id)")
    )
    region_id = RegionNodeFilter(path_field="project__estate__community__path", label=_("Region"))
    date_from = django_filters.DateFilter(
        field_name="report_date", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="report_date", lookup_expr="lte", label=_("Until")
    )

    class Meta:
        model = ProgressReport
        fields = ["project", "programme", "region_id", "date_from", "date_to"]
