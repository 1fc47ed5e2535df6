"""Staff page for re-freezing a consultation's electorate while voting is open: what the
registry now says against the frozen electorate, and a required reason the history keeps.
The freezes themselves are listed on the consultation's page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from consultations import electorate, selectors
from consultations.forms import RefreezeForm
from consultations.models import Consultation
from consultations.views import ConsultationMixin
from renovation import access
from renovation.views import ServiceFormMixin


class RefreezeView(ConsultationMixin, ServiceFormMixin, FormView):
    """Shows what a re-freeze would change (dwellings added, removed, areas corrected), then
    re-freezes with the reason given. Only while voting is open."""

    perm = access.MANAGE
    form_class = RefreezeForm
    template_name = "consultations/electorate_refreeze.html"

    def _unless_open(self):
        if self.consultation.status != Consultation.Status.OPEN:
            messages.error(
                self.request, _("The electorate can be re-frozen only while voting is open.")
            )
            return redirect(self.get_success_url())
        return None

    def get(self, request, *args, **kwargs):
        return self._unless_open() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._unless_open() or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        freezes = selectors.electorate_freezes(consultation=self.consultation)
        return super().get_context_data(
            diff=electorate.electorate_diff(consultation=self.consultation),
            freeze=freezes[0] if freezes else None,
            **kwargs,
        )

    def save(self, form):
        return electorate.electorate_refreeze(
            consultation=self.consultation, reason=form.cleaned_data["reason"], by=self.request.user
        )

    def get_success_message(self, freeze) -> str:
        return _("The electorate is re-frozen: %(n)s dwellings, %(area)s m².") % {
            "n": freeze.dwellings,
            "area": freeze.floor_area,
        }
