from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Household
from inspections.models import Patrol, Point, Status
from inspections.selectors import categories_active, estates_for_inspection
from renovation import access
from renovation.uploads import KeepsUploadsMixin


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one field (the phone's camera or gallery); validated by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={"accept": "image/*", "capture": "environment", "multiple": True}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PointForm(KeepsUploadsMixin, forms.Form):
    estate = forms.ModelChoiceField(queryset=None, label=_("Estate"))
    building = forms.ModelChoiceField(queryset=None, label=_("Building"), required=False)
    room_number = forms.CharField(
        label=_("Room number"),
        max_length=20,
        required=False,
        help_text=_("When the point belongs to one dwelling, e.g. 302 (needs the building)."),
    )
    category = forms.ModelChoiceField(queryset=None, label=_("Category"))
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        help_text=_("Where exactly, e.g. roof of building 3, north side."),
    )
    area = forms.DecimalField(
        label=_("Area (m²)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("For structures: the built area to be removed."),
    )
    responsible_party = forms.CharField(
        label=_("Responsible party"), max_length=100, required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Point.Priority.choices,
        coerce=int,
        initial=Point.Priority.NORMAL,
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photos = MultiplePhotoField(
        label=_("Photos"), help_text=_("Take photos with the camera; several allowed.")
    )
    patrol = forms.ModelChoiceField(queryset=None, label=_("Found on patrol"), required=False)
    latitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        estates = estates_for_inspection(user=user)
        self.fields["estate"].queryset = estates
        self.fields["building"].queryset = access.scope_queryset(
            user, Building.objects.select_related("estate"), access.INSPECT
        ).order_by("estate__name", "estate_id", "number")
        self.fields["category"].queryset = categories_active()
        # The worker's patrols of the last two days: a point is found on a round in progress.
        since = timezone.now() - timedelta(days=2)
        self.fields["patrol"].queryset = access.scope_queryset(
            user,
            Patrol.objects.filter(worker=user, started_at__gte=since).select_related(
                "estate", "worker"
            ),
            access.INSPECT,
        )

    def clean(self):
        data = super().clean()
        room = (data.get("room_number") or "").strip()
        building = data.get("building")
        data["household"] = None
        if room:
            if building is None:
                self.add_error(
                    "building", _("Choose the building of room %(room)s.") % {"room": room}
                )
            else:
                matches = list(
                    Household.objects.filter(
                        stairwell__building=building, room_number=room
                    ).select_related("stairwell__building")[:2]
                )
                if not matches:
                    self.add_error(
                        "room_number",
                        _("Building %(building)s has no room %(room)s.")
                        % {"building": building.number, "room": room},
                    )
                elif len(matches) > 1:
                    self.add_error(
                        "room_number",
                        _(
                            "Room %(room)s exists in several stairwells of this "
                            "building; leave it empty and name the stairwell in the "
                            "location."
                        )
                        % {"room": room},
                    )
                else:
                    data["household"] = matches[0]
        return data


# What each step asks for besides a note; everything else stays off its form. A deadline only
# where one is set, a case number only when filing a case.
STEP_FIELDS = {
    Status.NOTICE_SERVED: ("deadline", "photos"),
    Status.DEMOLITION_AGREED: ("deadline", "photos"),
    Status.CASE_FILED: ("case_number", "photos"),
    Status.OVERDUE: (),
    Status.CLOSED: (),
}
DEFAULT_STEP_FIELDS = ("photos",)


class TransitionForm(KeepsUploadsMixin, forms.Form):
    """The form of one next step of a point (`to_status`), with only the fields it needs.
    Photos of a failed try are kept (renovation.uploads)."""

    to_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=50,
        required=False,
        help_text=_("Required when filing a case."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    photos = MultiplePhotoField(label=_("Photos"), help_text=_("Optional; several allowed."))

    def __init__(self, *args, user, to_status=None, point=None, **kwargs):
        data = args[0] if args else kwargs.get("data")
        if to_status is None and data is not None:
            to_status = data.get("to_status")
        # Several step forms share one page: each gets its own element ids.
        kwargs.setdefault("auto_id", f"id_{to_status}_%s" if to_status else "id_%s")
        kwargs["initial"] = {**kwargs.get("initial", {}), "to_status": to_status}
        super().__init__(*args, user=user, **kwargs)
        self.to_status = to_status
        wanted = {"to_status", "note", *STEP_FIELDS.get(to_status, DEFAULT_STEP_FIELDS)}
        for name in list(self.fields):
            if name.removeprefix("kept_") not in wanted:
                del self.fields[name]
        if "deadline" in self.fields and point is not None:
            self.fields["deadline"].help_text = self._deadline_help(point)
        if to_status == Status.VERIFIED:
            self.fields["photos"].label = _("Photos after the rectification")
            self.fields["photos"].help_text = _(
                "At least one photo, taken after the rectification."
            )
        if to_status == Status.CASE_FILED:
            self.fields["case_number"].required = True
            self.fields["case_number"].error_messages["required"] = _(
                "Filing a case needs its case number."
            )

    def _deadline_help(self, point):
        from inspections.services import default_deadline

        if self.to_status == Status.NOTICE_SERVED:
            return _("Empty: the category's %(days)s days, until %(day)s.") % {
                "days": point.category.default_deadline_days,
                "day": default_deadline(category=point.category).isoformat(),
            }
        if point.deadline:
            return _("Empty: the notice's deadline stays (%(day)s).") % {
                "day": point.deadline.isoformat()
            }
        return ""


class PatrolForm(forms.Form):
    estate = forms.ModelChoiceField(queryset=None, label=_("Estate"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    points = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Points re-checked"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Open points of the estate you looked at again on this round."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates_for_inspection(user=user)
        self.fields["points"].queryset = (
            access.scope_queryset(
                user, Point.objects.select_related("estate", "category"), access.INSPECT
            )
            .exclude(status=Status.CLOSED)
            .order_by("estate__name", "-found_at")
        )

    def clean(self):
        data = super().clean()
        estate, points = data.get("estate"), data.get("points")
        if estate and points:
            strangers = [p for p in points if p.estate_id != estate.pk]
            if strangers:
                raise ValidationError(_("Re-checked points must be in the patrolled estate."))
        return data
