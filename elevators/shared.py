"""Names this app borrows from shared code that the consolidation work is moving. Every other
module of the app imports them from here, so following each move is one line in this file:

- `scoped_get_or_404`, `require_perm` → `renovation.access`
- `today` → `renovation.dates.today`
- `tally_compute` → `consultations.tally.tally_compute`
- `resident_household` → `consultations.resident_views` (the dwelling of a resident session)
- `access_link_issue` → `consultations.links` (a dwelling's printed link)
- `ScopedFilterSet` → `renovation.filtersets.ScopedFilterSet`
- `as_api_error` → a DRF exception handler turning a service's ValidationError into a 400
"""

from contextlib import contextmanager

import django_filters
from django.core.exceptions import ValidationError

from consultations.links import access_link_issue
from consultations.resident_views import resident_household
from consultations.tally import tally_compute
from renovation import access
from renovation.access import require_perm, scoped_get_or_404
from renovation.dates import today
from renovation.drf import as_api_error as api_validation_error

__all__ = [
    "ScopedFilterSet",
    "access_link_issue",
    "as_api_error",
    "require_perm",
    "resident_household",
    "scoped_get_or_404",
    "tally_compute",
    "today",
]


@contextmanager
def as_api_error():
    """A service's ValidationError raised inside becomes the API's 400 with the same messages."""
    try:
        yield
    except ValidationError as exc:
        raise api_validation_error(exc) from exc


class ScopedFilterSet(django_filters.FilterSet):
    """A filterset whose model choices are limited to what the caller may see: a choice from
    outside is "not a valid choice", exactly like one that does not exist."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            choices = getattr(filter_, "queryset", None)
            if user is None or choices is None or callable(choices):
                continue
            if getattr(choices.model, "region_lookup", None) is not None:
                filter_.queryset = access.scope_queryset(user, choices)
