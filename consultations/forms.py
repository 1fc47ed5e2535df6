from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Estate, Household, Stairwell
from consultations.models import MAX_TEXT, Attachment, Ballot, Consultation, Question
from renovation import access

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
RATING_LABELS = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("Neutral")),
    (2, _("Dissatisfied")),
    (1, _("Very dissatisfied")),
]
ATTACHMENT_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".xlsx", ".docx"}


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "title",
            "description",
            "kind",
            "decision_rule",
            "require_no_objection",
            "estate",
            "building",
            "stairwell",
            "opens_at",
            "closes_at",
            "publicity_days",
        ]
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = access.scope_queryset(
            user, Estate.objects.all(), access.MANAGE
        )
        self.fields["building"].queryset = access.scope_queryset(
            user, Building.objects.select_related("estate"), access.MANAGE
        )
        self.fields["stairwell"].queryset = access.scope_queryset(
            user, Stairwell.objects.select_related("building__estate"), access.MANAGE
        )
        self.fields["building"].help_text = _("Leave empty to ask the whole estate.")
        self.fields["stairwell"].help_text = _("Leave empty to ask the whole building.")
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        estate, building, stairwell = (
            data.get("estate"),
            data.get("building"),
            data.get("stairwell"),
        )
        if stairwell and building and stairwell.building_id != building.pk:
            self.add_error("stairwell", _("This stairwell is not in the chosen building."))
        if stairwell and not building:
            data["building"] = building = stairwell.building
        if building and estate and building.estate_id != estate.pk:
            self.add_error("building", _("This building is not in the chosen estate."))
        if (
            data.get("kind") == Consultation.Kind.DECISION
            and data.get("decision_rule") == Consultation.Rule.NONE
        ):
            self.add_error("decision_rule", _("An owner decision needs a decision rule."))
        return data

    def _post_clean(self):
        # The services validate and save; the model's own checks run there.
        pass


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(label=_("Explanation"), max_length=300, required=False)
    type = forms.ChoiceField(label=_("Question type"), choices=Question.Type.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One choice per line (for single and multiple choice)."),
    )
    min_choices = forms.IntegerField(label=_("At least (choices)"), min_value=0, initial=1)
    max_choices = forms.IntegerField(label=_("At most (choices)"), min_value=1, initial=1)
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)

    def choice_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ATTACHMENT_TYPES:
            raise forms.ValidationError(_("Attach a PDF, an image, or an Excel or Word file."))
        if upload.size > settings.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class PublishForm(forms.Form):
    notice = forms.CharField(label=_("Publicity notice"), widget=forms.Textarea(attrs={"rows": 6}))
    days = forms.IntegerField(label=_("Publicity period (days)"), min_value=1, max_value=90)


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your objection"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class RefreezeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the electorate re-frozen?"),
        help_text=_(
            "For example: room 304 was missing from the registry. The consultation's history "
            "keeps it."
        ),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the electorate is re-frozen; the history keeps it.")
        },
    )


class ObjectionAnswerForm(forms.Form):
    response = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class BallotForm(forms.Form):
    """The questions of a consultation as form fields `q<id>` (plain HTML, no JavaScript)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            name = f"q{q.pk}"
            common = {"label": q.text, "help_text": q.help_text, "required": False}
            if q.type == Question.Type.SINGLE:
                self.fields[name] = forms.ChoiceField(
                    choices=[(c.pk, c.text) for c in q.choices.all()],
                    widget=forms.RadioSelect,
                    **common,
                )
            elif q.type == Question.Type.MULTIPLE:
                hint = _("Choose %(min)s to %(max)s.") % {
                    "min": q.min_choices,
                    "max": q.max_choices,
                }
                common["help_text"] = f"{q.help_text} {hint}".strip()
                self.fields[name] = forms.MultipleChoiceField(
                    choices=[(c.pk, c.text) for c in q.choices.all()],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            elif q.type == Question.Type.RATING:
                self.fields[name] = forms.ChoiceField(
                    choices=[(i, f"{i} ★ {label}") for i, label in RATING_LABELS],
                    widget=forms.RadioSelect,
                    **common,
                )
            else:
                self.fields[name] = forms.CharField(
                    max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}), **common
                )
            self.fields[name].question = q

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    @staticmethod
    def initial_from(ballot) -> dict:
        initial: dict = {}
        if ballot is None:
            return initial
        for answer in ballot.answers.all():
            key = f"q{answer.question_id}"
            if answer.choice_id:
                initial.setdefault(key, []).append(str(answer.choice_id))
            elif answer.rating:
                initial[key] = str(answer.rating)
            else:
                initial[key] = answer.text
        return initial


class PaperBallotForm(forms.Form):
    """How a staff-entered ballot was collected, and — when it replaces the resident's online
    ballot (`replacing_online`) — why (required then, kept on the ballot)."""

    channel = forms.ChoiceField(
        label=_("How was this ballot collected?"),
        choices=[
            (Ballot.Channel.PAPER, Ballot.Channel.PAPER.label),
            (Ballot.Channel.DOOR_TO_DOOR, Ballot.Channel.DOOR_TO_DOOR.label),
        ],
        widget=forms.RadioSelect,
        initial=Ballot.Channel.PAPER,
    )
    replace_reason = forms.CharField(
        label=_("Why does this ballot replace the online one?"),
        help_text=_(
            "For example: the owner came to the community office and asked for a paper ballot. "
            "Kept with the ballot."
        ),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why this ballot replaces the resident's online ballot.")
        },
    )

    def __init__(self, *args, replacing_online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing_online:
            self.fields["replace_reason"].required = True
        else:
            del self.fields["replace_reason"]


class LinksForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    stairwell = forms.ModelChoiceField(
        label=_("Stairwell"),
        queryset=Stairwell.objects.none(),
        required=False,
        help_text=_("Leave empty for the whole estate."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = access.scope_queryset(
            user, Estate.objects.all(), access.BALLOT
        )
        self.fields["stairwell"].queryset = access.scope_queryset(
            user, Stairwell.objects.select_related("building__estate"), access.BALLOT
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("stairwell")
            and data.get("estate")
            and data["stairwell"].building.estate_id != data["estate"].pk
        ):
            self.add_error("stairwell", _("This stairwell is not in the chosen estate."))
        return data

    def households(self):
        data = self.cleaned_data
        qs = Household.objects.filter(stairwell__building__estate=data["estate"])
        if data.get("stairwell"):
            qs = qs.filter(stairwell=data["stairwell"])
        return qs
