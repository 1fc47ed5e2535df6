"""Filters shared by the retrofit list page and the API. Every filterset stands on
`renovation.filtersets.ScopedFilterSet`: estate and region choices are the caller's, the empty
choice reads All, yes/no filters offer All/Yes/No, multiple choices are checkbox lists."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.filtersets import RegionNodeFilter
from communities.models import Estate
from elevators.models import Payment, Retrofit, Share
from elevators.selectors import overdue_q
from renovation import dates
from renovation.filtersets import ScopedFilterSet


class RetrofitFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Retrofit.Status.choices, label=_("Status"))
    estate_id = django_filters.ModelChoiceFilter(
        field_name="stairwell__building__estate",
        queryset=Estate.objects.order_by("name", "pk"),
        label=_("Estate"),
    )
    estate = django_filters.CharFilter(
        field_name="stairwell__building__estate__name", label=_("Estate (name)")
    )
    region_id = RegionNodeFilter(
        path_field="stairwell__building__estate__community__path", label=_("Region (id)")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Next step overdue"))

    class Meta:
        model = Retrofit
        fields = ["q", "status", "estate_id", "estate", "region_id", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(stairwell__building__estate__name__icontains=value)
            | Q(builder__icontains=value)
            | Q(permit_number__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = overdue_q(today=dates.today())
        return queryset.filter(q) if value else queryset.exclude(q)


class ShareFilterSet(ScopedFilterSet):
    retrofit_id = django_filters.NumberFilter(
        field_name="version__retrofit_id", label=_("Retrofit (id)")
    )
    household_id = django_filters.NumberFilter(field_name="household_id", label=_("Dwelling (id)"))
    version = django_filters.NumberFilter(field_name="version__number", label=_("Version"))
    current = django_filters.BooleanFilter(
        field_name="version__is_current", label=_("Current version only")
    )

    class Meta:
        model = Share
        fields = ["retrofit_id", "household_id", "version", "current"]


class PaymentFilterSet(ScopedFilterSet):
    retrofit_id = django_filters.NumberFilter(field_name="retrofit_id", label=_("Retrofit (id)"))
    household_id = django_filters.NumberFilter(field_name="household_id", label=_("Dwelling (id)"))
    paid_after = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte", label=_("From"))
    paid_before = django_filters.DateFilter(
        field_name="paid_on", lookup_expr="lte", label=_("Until")
    )

    class Meta:
        model = Payment
        fields = ["retrofit_id", "household_id", "paid_after", "paid_before"]
