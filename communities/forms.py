"""Registry forms. Every choice of a parent (community, estate, building, stairwell) comes from
the user's MANAGE scope, so nothing outside it can be picked, even by a crafted POST."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Estate, Household, Owner, Region, Stairwell
from renovation import access


class ScopedChoiceField(forms.ModelChoiceField):
    """A parent choice labelled without extra queries (the labels' relations are preloaded)."""

    def __init__(self, *args, label_fn=str, **kwargs):
        self.label_fn = label_fn
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.label_fn(obj)


def _community_label(region):
    return f"{region.parent.name} · {region.name}" if region.parent_id else region.name


class EstateForm(forms.ModelForm):
    class Meta:
        model = Estate
        fields = [
            "community",
            "name",
            "address",
            "year_built",
            "management_type",
            "property_company",
            "latitude",
            "longitude",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"] = ScopedChoiceField(
            queryset=access.scope_queryset(
                user, Region.objects.filter(level=Region.Level.COMMUNITY), access.MANAGE
            )
            .select_related("parent")
            .order_by("path"),
            label=Estate._meta.get_field("community").verbose_name,
            label_fn=_community_label,
        )


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["estate", "number", "floors", "year_built"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"] = ScopedChoiceField(
            queryset=access.scope_queryset(user, Estate.objects.all(), access.MANAGE)
            .select_related("community")
            .order_by("name", "pk"),
            label=Building._meta.get_field("estate").verbose_name,
            label_fn=lambda e: f"{e.name} ({e.community.name})",
        )


class StairwellForm(forms.ModelForm):
    class Meta:
        model = Stairwell
        fields = ["building", "number", "floors", "has_elevator"]

    def __init__(self, *args, user, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices within one estate keep the list short; scoping keeps it safe.
        self.fields["building"] = ScopedChoiceField(
            queryset=access.scope_queryset(
                user, Building.objects.filter(estate=estate), access.MANAGE
            ).order_by("number"),
            label=Stairwell._meta.get_field("building").verbose_name,
            label_fn=lambda b: (
                _("Building %(number)s (%(floors)s floors)")
                % {"number": b.number, "floors": b.floors}
            ),
        )
        self.fields["floors"].help_text = _("At most the building's floors.")


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["stairwell", "floor", "room_number", "floor_area", "ownership_type", "occupants"]

    def __init__(self, *args, user, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stairwell"] = ScopedChoiceField(
            queryset=access.scope_queryset(
                user, Stairwell.objects.filter(building__estate=estate), access.MANAGE
            )
            .select_related("building")
            .order_by("building__number", "number"),
            label=Household._meta.get_field("stairwell").verbose_name,
            label_fn=lambda s: (
                _("Building %(b)s, stairwell %(s)s (%(floors)s floors)")
                % {"b": s.building.number, "s": s.number, "floors": s.floors}
            ),
        )
        self.fields["floor_area"].help_text = _("Floor area in m², greater than zero.")


class OwnerForm(forms.ModelForm):
    class Meta:
        model = Owner
        fields = ["name", "phone", "is_primary"]
        labels = {"name": _("Owner's name"), "phone": _("Phone")}
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}


OwnerFormSet = forms.inlineformset_factory(
    Household, Owner, form=OwnerForm, extra=1, can_delete=True, max_num=10, validate_max=True
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (xlsx, xls or CSV)"),
        help_text=_(
            "Your own registry sheet or the template. CSV may be saved as UTF-8 or GBK. "
            "Nothing is written before you have seen the preview and confirmed it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
