"""Filters shared by the staff list pages and the API. Every filterset stands on
`renovation.filtersets.ScopedFilterSet`, so region and community choices are the caller's."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from communities.models import Building, Estate, Household, Region, Stairwell
from renovation.filtersets import ScopedFilterSet


@extend_schema_field(OpenApiTypes.INT)
class RegionNodeFilter(django_filters.ModelChoiceFilter):
    """Everything below a node of the administrative tree (by id, through the materialized
    path). The choices are scoped to the caller by `ScopedFilterSet`."""

    def __init__(self, *args, path_field, **kwargs):
        self.path_field = path_field
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path_field}__startswith": value.path})


class EstateFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    region_id = RegionNodeFilter(path_field="community__path", label=_("Region (id)"))
    community_id = django_filters.ModelChoiceFilter(
        field_name="community",
        queryset=Region.objects.filter(level=Region.Level.COMMUNITY),
        label=_("Community (id)"),
    )
    community = django_filters.CharFilter(field_name="community__name", label=_("Community (name)"))
    management_type = django_filters.MultipleChoiceFilter(
        choices=Estate.Management.choices, label=_("Management type")
    )
    year_built_min = django_filters.NumberFilter(
        field_name="year_built", lookup_expr="gte", label=_("Built from")
    )
    year_built_max = django_filters.NumberFilter(
        field_name="year_built", lookup_expr="lte", label=_("Built until")
    )

    class Meta:
        model = Estate
        fields = [
            "q",
            "region_id",
            "community_id",
            "community",
            "management_type",
            "year_built_min",
            "year_built_max",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(address__icontains=value)
            | Q(property_company__icontains=value)
            | Q(community__name__icontains=value)
        )


class BuildingFilterSet(ScopedFilterSet):
    estate_id = django_filters.NumberFilter(field_name="estate_id", label=_("Estate (id)"))
    estate = django_filters.CharFilter(field_name="estate__name", label=_("Estate (name)"))
    region_id = RegionNodeFilter(path_field="estate__community__path", label=_("Region (id)"))

    class Meta:
        model = Building
        fields = ["estate_id", "estate", "region_id"]


class StairwellFilterSet(ScopedFilterSet):
    building_id = django_filters.NumberFilter(field_name="building_id", label=_("Building (id)"))
    estate_id = django_filters.NumberFilter(
        field_name="building__estate_id", label=_("Estate (id)")
    )
    has_elevator = django_filters.BooleanFilter(label=_("Has elevator"))
    region_id = RegionNodeFilter(
        path_field="building__estate__community__path", label=_("Region (id)")
    )

    class Meta:
        model = Stairwell
        fields = ["building_id", "estate_id", "has_elevator", "region_id"]


class HouseholdFilterSet(ScopedFilterSet):
    stairwell_id = django_filters.NumberFilter(field_name="stairwell_id", label=_("Stairwell (id)"))
    building_id = django_filters.NumberFilter(
        field_name="stairwell__building_id", label=_("Building (id)")
    )
    estate_id = django_filters.NumberFilter(
        field_name="stairwell__building__estate_id", label=_("Estate (id)")
    )
    floor = django_filters.NumberFilter(label=_("Floor"))
    ownership_type = django_filters.ChoiceFilter(
        choices=Household.Ownership.choices, label=_("Ownership")
    )
    region_id = RegionNodeFilter(
        path_field="stairwell__building__estate__community__path", label=_("Region (id)")
    )

    class Meta:
        model = Household
        fields = [
            "stairwell_id",
            "building_id",
            "estate_id",
            "floor",
            "ownership_type",
            "region_id",
        ]


class RegionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=Region.Level.choices, label=_("Level"))
    parent_id = django_filters.NumberFilter(field_name="parent_id", label=_("Parent (id)"))
    region_id = RegionNodeFilter(path_field="path", label=_("Region (id)"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent_id", "region_id"]


class EstatePageFilterSet(EstateFilterSet):
    """The estate list page's filters: the region list starts at the districts (the city is
    "All" already)."""

    def scope_choices(self, name, queryset):
        queryset = super().scope_choices(name, queryset)
        if name == "region_id":
            queryset = queryset.filter(level__gte=Region.Level.DISTRICT)
        return queryset
