"""Forms for the staff pages. Choices come from the user's scope, so nothing outside it can be
picked; services re-check and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Estate, Region
from renovation import access

from .models import Complaint, FundingLine, Milestone, Programme, Project, WorksItem, WorksType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "year",
            "region",
            "target_estates",
            "target_households",
            "target_investment",
            "satisfaction_threshold",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.scope_queryset(
            user, Region.objects.filter(level__lte=Region.Level.SUBDISTRICT), access.MANAGE
        )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "programme",
            "estate",
            "buildings_covered",
            "households_covered",
            "official_name",
            "official_phone",
            "contractor",
            "designer",
            "supervisor",
            "start_date",
            "planned_completion_date",
        ]
        widgets = {"start_date": DATE, "planned_completion_date": DATE}

    def __init__(self, *args, user, **kwargs):
        from .selectors import programmes_visible

        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_visible(user=user)
        self.fields["estate"].queryset = access.scope_queryset(
            user, Estate.objects.select_related("community"), access.MANAGE
        )
        if self.instance.pk:
            # A project stays with its estate and programme; make a new one to move it.
            self.fields["programme"].disabled = True
            self.fields["estate"].disabled = True


class WorksItemForm(forms.ModelForm):
    class Meta:
        model = WorksItem
        fields = ["works_type", "description", "quantity", "unit", "budget", "progress"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["works_type"].queryset = WorksType.objects.filter(is_active=True)
        self.fields["quantity"].widget.attrs["min"] = 0
        self.fields["budget"].widget.attrs["min"] = 0
        self.fields["progress"].widget.attrs.update(min=0, max=100)


class FundingLineForm(forms.ModelForm):
    class Meta:
        model = FundingLine
        fields = ["source", "amount", "per_household", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs["min"] = 0
        self.fields["per_household"].widget.attrs["min"] = 0


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "planned_date", "actual_date", "sort_order"]
        widgets = {"planned_date": DATE, "actual_date": DATE}


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["received_on", "channel", "category", "text", "resolved_on", "reply"]
        widgets = {"received_on": DATE, "resolved_on": DATE}


class ComplaintResolveForm(forms.Form):
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DATE)
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea)


class AcceptanceForm(forms.Form):
    acceptance_date = forms.DateField(
        label=_("Professional acceptance date"), required=False, widget=DATE
    )
    acceptance_result = forms.ChoiceField(
        label=_("Professional acceptance result"),
        choices=Project.AcceptanceResult.choices,
        required=False,
    )
    satisfaction_rate = forms.DecimalField(
        label=_("Resident satisfaction rate (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("Share of surveyed residents satisfied, 0–100."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Project.Status.choices)
    reason = forms.CharField(
        label=_("Reason (for a suspension)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the next steps; any status is accepted so that the workflow service
        # explains a refused one.
        labels = dict(Project.Status.choices)
        self.fields["to_status"].widget.choices = [(s, labels[s]) for s in allowed]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressReportForm(forms.Form):
    report_date = forms.DateField(label=_("Report date"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG or WebP; location data is removed."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=_("%(item)s progress (%%)") % {"item": item},
                required=False,
                min_value=0,
                max_value=100,
                initial=item.progress,
                widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
            )

    def progress(self) -> dict[int, int]:
        """Item id → reported progress, for the items whose value changed or was given."""
        return {
            item.pk: self.cleaned_data[f"item_{item.pk}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.pk}") is not None
        }
