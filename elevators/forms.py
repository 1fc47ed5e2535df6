"""Forms for the staff pages. Choices come from the user's scope (and a retrofit's own
stairwell), so nothing outside can be picked; the services check again and save."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Household, Region, Stairwell
from consultations.models import Consultation
from elevators import scheme_services
from elevators.models import (
    CostLine,
    InstalmentPlan,
    Payment,
    Retrofit,
    SharingScheme,
    SubsidyPolicy,
)
from renovation import access

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _money_widgets(form, *names):
    for name in names:
        form.fields[name].widget.attrs.update(min=0, step="0.01", inputmode="decimal")


class StairwellChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(estate)s · building %(building)s, stairwell %(number)s (%(floors)s floors)") % {
            "estate": obj.building.estate.name,
            "building": obj.building.number,
            "number": obj.number,
            "floors": obj.floors,
        }


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("Room %(room)s · floor %(floor)s · %(area)s m²") % {
            "room": obj.room_number,
            "floor": obj.floor,
            "area": obj.floor_area,
        }


class RetrofitCreateForm(forms.Form):
    stairwell = StairwellChoiceField(label=_("Stairwell"), queryset=Stairwell.objects.none())
    scheme = forms.ModelChoiceField(
        label=_("Sharing scheme"), queryset=SharingScheme.objects.none()
    )
    subsidy_policy = forms.ModelChoiceField(
        label=_("Subsidy policy"), queryset=SubsidyPolicy.objects.none(), required=False
    )
    served_floors = forms.IntegerField(
        label=_("Served floors"),
        min_value=1,
        required=False,
        help_text=_("Floors the elevator stops at (for per-floor subsidies); empty: all floors."),
    )
    builder = forms.CharField(label=_("Builder"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stairwell"].queryset = access.scope_queryset(
            user,
            Stairwell.objects.filter(has_elevator=False, elevator_retrofits__isnull=True)
            .select_related("building__estate")
            .order_by("building__estate__name", "building__number", "number"),
            access.MANAGE,
        )
        self.fields["scheme"].queryset = scheme_services.schemes_offered(user=user)
        self.fields["subsidy_policy"].queryset = scheme_services.policies_offered(user=user)


class RetrofitForm(forms.ModelForm):
    class Meta:
        model = Retrofit
        fields = [
            "scheme",
            "subsidy_policy",
            "subsidy_granted",
            "served_floors",
            "payment_due_on",
            "builder",
            "permit_number",
            "annual_maintenance",
            "annual_electricity",
            "running_scheme",
            "due_on",
            "note",
        ]
        widgets = {"payment_due_on": DATE, "due_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offered = scheme_services.schemes_offered(user=user)
        current = Q(pk=self.instance.scheme_id) | Q(pk=self.instance.running_scheme_id)
        # A scheme no longer offered stays choosable where it is already in use.
        schemes = SharingScheme.objects.filter(Q(pk__in=offered.values("pk")) | current)
        self.fields["scheme"].queryset = schemes
        self.fields["running_scheme"].queryset = schemes
        self.fields["subsidy_policy"].queryset = SubsidyPolicy.objects.filter(
            Q(pk__in=scheme_services.policies_offered(user=user).values("pk"))
            | Q(pk=self.instance.subsidy_policy_id)
        )
        _money_widgets(self, "subsidy_granted", "annual_maintenance", "annual_electricity")


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Date"), widget=DATE)
    permit_number = forms.CharField(
        label=_("Permit number"),
        max_length=60,
        required=False,
        help_text=_("Needed for the approval."),
    )
    due_on = forms.DateField(
        label=_("Next step due by"),
        required=False,
        widget=DATE,
        help_text=_("Past this date the retrofit is listed as overdue."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, Retrofit.Status(s).label) for s in allowed]


class ConsentForm(forms.Form):
    consultation = forms.ModelChoiceField(
        label=_("Use a consultation already prepared"),
        queryset=Consultation.objects.none(),
        required=False,
        help_text=_("Leave empty to create a new owner decision for this stairwell."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description for residents"), widget=forms.Textarea, required=False
    )
    opens_at = forms.DateTimeField(label=_("Voting opens"), widget=DATETIME, required=False)
    closes_at = forms.DateTimeField(label=_("Voting closes"), widget=DATETIME, required=False)
    publicity_days = forms.IntegerField(
        label=_("Publicity period (days)"), min_value=1, max_value=90, initial=7
    )

    def __init__(self, *args, retrofit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = Consultation.objects.filter(
            stairwell_id=retrofit.stairwell_id, kind=Consultation.Kind.DECISION
        ).order_by("-opens_at")

    def clean(self):
        data = super().clean()
        if not data.get("consultation"):
            for name in ("opens_at", "closes_at"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give the voting period."))
        return data


class CostLineForm(forms.ModelForm):
    class Meta:
        model = CostLine
        fields = ["kind", "description", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_widgets(self, "amount")


class FinalCostForm(forms.Form):
    final_cost = forms.DecimalField(
        label=_("Final cost (¥)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the estimate applies again."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RecomputeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class DeclineForm(forms.Form):
    household = HouseholdChoiceField(label=_("Dwelling"), queryset=Household.objects.none())
    declined_on = forms.DateField(label=_("Declined on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)

    def __init__(self, *args, retrofit, **kwargs):
        super().__init__(*args, **kwargs)
        declined = retrofit.declines.filter(rejoined_on__isnull=True).values("household_id")
        self.fields["household"].queryset = (
            Household.objects.filter(stairwell_id=retrofit.stairwell_id)
            .exclude(pk__in=declined)
            .order_by("floor", "room_number")
        )


class RejoinForm(forms.Form):
    rejoined_on = forms.DateField(label=_("Joins again on"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class PlanForm(forms.ModelForm):
    class Meta:
        model = InstalmentPlan
        fields = ["down_payment", "months", "first_due_on", "interest_borne_by", "annual_rate"]
        widgets = {"first_due_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_widgets(self, "down_payment")
        self.fields["months"].widget.attrs.update(min=0, max=120)
        self.fields["annual_rate"].widget.attrs.update(min=0, max=24, step="0.01")


class PaymentForm(forms.ModelForm):
    household = HouseholdChoiceField(label=_("Dwelling"), queryset=Household.objects.none())

    class Meta:
        model = Payment
        fields = ["household", "amount", "paid_on", "method", "reference", "note"]
        widgets = {"paid_on": DATE}

    def __init__(self, *args, retrofit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(
            stairwell_id=retrofit.stairwell_id
        ).order_by("floor", "room_number")
        _money_widgets(self, "amount")


class _ReferenceForm(forms.ModelForm):
    """Policies and schemes are kept at a node the user manages (superusers: also for everywhere)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.scope_queryset(
            user, Region.objects.filter(level__lte=Region.Level.SUBDISTRICT), access.MANAGE
        )
        self.fields["region"].required = not user.is_superuser


class PolicyForm(_ReferenceForm):
    class Meta:
        model = SubsidyPolicy
        fields = ["name", "region", "kind", "amount", "percent", "cap", "note", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_widgets(self, "amount", "cap")


class SchemeForm(_ReferenceForm):
    coefficients = forms.CharField(
        label=_("Floor coefficients"),
        help_text=_(
            "One per floor from the 1st up, separated by commas, e.g. 0, 0, 0.7, 0.8, 0.9, 1.0, 1.1"
        ),
    )

    class Meta:
        model = SharingScheme
        fields = [
            "name",
            "region",
            "coefficients",
            "area_weighted",
            "require_no_objection",
            "compensation_per_dwelling",
            "compensation_funding",
            "note",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound and "coefficients" not in self.initial:
            self.initial["coefficients"] = ", ".join(
                f"{c.normalize():f}"
                for c in self.instance.floors.values_list("coefficient", flat=True)
            )
        _money_widgets(self, "compensation_per_dwelling")

    def coefficient_list(self) -> list[str]:
        text = self.cleaned_data.get("coefficients", "").replace("，", ",").replace("、", ",")
        return [part.strip() for part in text.split(",")] if text.strip() else []
