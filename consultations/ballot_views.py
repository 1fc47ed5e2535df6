"""Staff page for entering a paper or door-to-door ballot for one dwelling of the frozen
electorate. The latest ballot counts, whatever its channel; replacing the resident's online
ballot is said before saving, shows the ballot it replaces and asks why."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from consultations import ballots, selectors
from consultations.forms import BallotForm, PaperBallotForm
from consultations.views import ConsultationMixin
from renovation import access
from renovation.views import add_service_errors


class BallotEnterView(ConsultationMixin, TemplateView):
    """Enter a paper or door-to-door ballot for one dwelling of the frozen electorate; the
    latest ballot counts. Replacing the resident's online ballot is said before saving, shows
    the ballot it replaces and asks why."""

    perm = access.BALLOT
    template_name = "consultations/ballot_enter.html"

    def _dwelling(self):
        self.households = selectors.electorate_households(
            consultation=self.consultation
        ).select_related("stairwell__building")
        household_id = self.request.POST.get("household") or self.request.GET.get("household")
        self.household = (
            get_object_or_404(self.households, pk=household_id) if household_id else None
        )
        self.current = (
            selectors.household_ballot(consultation=self.consultation, household=self.household)
            if self.household
            else None
        )

    def _forms(self, data):
        questions = selectors.consultation_questions(consultation=self.consultation)
        replacing_online = self.current is not None and self.current.channel == "online"
        return {
            "form": BallotForm(data, questions=questions),
            "channel_form": PaperBallotForm(data, replacing_online=replacing_online),
        }

    def get(self, request, *args, **kwargs):
        self._dwelling()
        return self.render_to_response(self.get_context_data(**self._forms(None)))

    def post(self, request, *args, **kwargs):
        self._dwelling()
        forms = self._forms(request.POST)
        form, channel_form, household = forms["form"], forms["channel_form"], self.household
        valid = [form.is_valid(), channel_form.is_valid()]  # both, so every message shows
        if household is not None and all(valid):
            try:
                ballots.ballot_cast(
                    consultation=self.consultation,
                    household=household,
                    answers=form.answers(),
                    channel=channel_form.cleaned_data["channel"],
                    entered_by=request.user,
                    # The counted ballot this page showed (the hidden field), not the one now.
                    replaces=_as_int(request.POST.get("replaces")),
                    replace_reason=channel_form.cleaned_data.get("replace_reason", ""),
                )
            except ValidationError as exc:
                # Show the dwelling's counted ballot as it is now (the resident may have voted
                # online meanwhile: then the reason field appears), keeping what was entered.
                self._dwelling()
                forms = self._forms(request.POST)
                forms["form"].is_valid()
                forms["channel_form"].is_valid()
                add_service_errors(forms["form"], exc)
            else:
                messages.success(
                    request,
                    _("Ballot recorded for %(h)s. It is now the one that counts.")
                    % {"h": household},
                )
                url = reverse("consultations:ballot-enter", args=[self.consultation.pk])
                return redirect(f"{url}?household={household.pk}")
        return self.render_to_response(self.get_context_data(**forms))

    def get_context_data(self, **kwargs):
        consultation, household = self.consultation, self.household
        return super().get_context_data(
            households=self.households,
            household=household,
            current=self.current,
            history_count=selectors.household_ballot_count(
                consultation=consultation, household=household
            )
            if household
            else 0,
            **kwargs,
        )


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
