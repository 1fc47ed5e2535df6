"""Filters shared by the staff list page and the API (choices scoped by `ScopedFilterSet`)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.filtersets import RegionNodeFilter
from communities.models import Estate
from consultations.models import Consultation, Question
from renovation.filtersets import ScopedFilterSet


class ConsultationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(
        choices=Consultation.Status.choices, label=_("Status")
    )
    kind = django_filters.MultipleChoiceFilter(choices=Consultation.Kind.choices, label=_("Kind"))
    estate_id = django_filters.ModelChoiceFilter(
        field_name="estate", queryset=Estate.objects.all(), label=_("Estate (id)")
    )
    estate = django_filters.CharFilter(field_name="estate__name", label=_("Estate (name)"))
    region_id = RegionNodeFilter(path_field="estate__community__path", label=_("Region (id)"))

    class Meta:
        model = Consultation
        fields = ["q", "status", "kind", "estate_id", "estate", "region_id"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(estate__name__icontains=value))


class QuestionFilterSet(ScopedFilterSet):
    consultation_id = django_filters.NumberFilter(
        field_name="consultation_id", label=_("Consultation (id)")
    )

    class Meta:
        model = Question
        fields = ["consultation_id"]
