"""Filters shared by the staff list pages and the API (choices scoped by `ScopedFilterSet`)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.filtersets import RegionNodeFilter
from communities.models import Estate
from inspections.models import Category, Patrol, Point, Status
from inspections.selectors import overdue_q
from renovation.filtersets import ScopedFilterSet


class PointFilterSet(ScopedFilterSet):
    unscoped_choices = ("category",)  # the categories are configured for the whole city
    q = django_filters.CharFilter(method="search", label=_("Search"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), label=_("Category")
    )
    group = django_filters.ChoiceFilter(
        field_name="category__group", choices=Category.Group.choices, label=_("Group")
    )
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    estate_id = django_filters.ModelChoiceFilter(
        field_name="estate", queryset=Estate.objects.order_by("name", "pk"), label=_("Estate")
    )
    estate = django_filters.CharFilter(field_name="estate__name", label=_("Estate (name)"))
    region_id = RegionNodeFilter(path_field="estate__community__path", label=_("Region (id)"))
    priority = django_filters.ChoiceFilter(choices=Point.Priority.choices, label=_("Priority"))

    class Meta:
        model = Point
        fields = [
            "q",
            "category",
            "group",
            "status",
            "overdue",
            "estate_id",
            "estate",
            "region_id",
            "priority",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(location__icontains=value)
            | Q(responsible_party__icontains=value)
            | Q(estate__name__icontains=value)
            | Q(case_number__icontains=value)
            | Q(category__name__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = overdue_q()
        return queryset.filter(q) if value else queryset.exclude(q)


class PatrolFilterSet(ScopedFilterSet):
    estate_id = django_filters.ModelChoiceFilter(
        field_name="estate", queryset=Estate.objects.order_by("name", "pk"), label=_("Estate")
    )
    worker = django_filters.CharFilter(
        field_name="worker__username", label=_("Grid worker (user name)")
    )
    worker_id = django_filters.NumberFilter(field_name="worker_id", label=_("Grid worker (id)"))
    started_after = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__gte", label=_("From")
    )
    started_before = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__lte", label=_("Until")
    )

    class Meta:
        model = Patrol
        fields = ["estate_id", "worker", "worker_id", "started_after", "started_before"]
