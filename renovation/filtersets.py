"""The base of every filterset, shared by the staff list pages and the API.

`ScopedFilterSet` limits each model-choice filter to the caller's scope (`request.user`, or
`user=` on a page), so neither a filter form nor the browsable API lists an estate, region or
project the caller cannot see, and an out-of-scope id is "not a valid choice" exactly like an id
that does not exist. It also gives every filter the same look: an empty choice that reads "All",
yes-or-no filters offering All / Yes / No, and multiple-choice filters as checkbox lists a thumb
can use (never a ctrl-click `<select multiple>`)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings
from django_filters.filters import QuerySetRequestMixin
from django_filters.widgets import BooleanWidget

from renovation import access

DEFAULT_EMPTY = filter_settings.EMPTY_CHOICE_LABEL  # "---------"


class AllYesNoWidget(BooleanWidget):
    """All / Yes / No for a yes-or-no filter (Django's default offers "Unknown" for All).
    Reads true/false and 1/0 (BooleanWidget) as well as Django's 2/3 (NullBooleanSelect)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if value is None:
            value = {"2": True, "3": False}.get(data.get(name))
        return value


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose model-choice filters offer only what the caller may see.

    Pages pass `user=`; the API's filter backend passes `request=`. Without either, every
    model-choice filter is empty (closed, not open). A filter over a model that is the same for
    the whole city (e.g. inspection categories) is named in `unscoped_choices`; a filter whose
    scope is not plain `access.scope_queryset` gets it from `scope_choices()`."""

    # Model-choice filters whose choices are the same for every user, by filter name.
    unscoped_choices: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, user=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user if user is not None else getattr(request, "user", None)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, QuerySetRequestMixin) and name not in self.unscoped_choices:
                filter_.queryset = self.scope_choices(name, filter_.get_queryset(request))
            if isinstance(filter_, django_filters.MultipleChoiceFilter):
                filter_.extra.setdefault("widget", forms.CheckboxSelectMultiple)
            elif isinstance(filter_, django_filters.ChoiceFilter):
                if filter_.extra.get("empty_label", DEFAULT_EMPTY) == DEFAULT_EMPTY:
                    filter_.extra["empty_label"] = _("All")
            elif isinstance(filter_, django_filters.BooleanFilter):
                filter_.extra["widget"] = AllYesNoWidget

    def scope_choices(self, name: str, queryset):
        """The choices of model-choice filter `name` for this caller."""
        if self.user is None:
            return queryset.none()
        return access.scope_queryset(self.user, queryset)
