"""The API tokens page (linked from the user menu): a staff member creates read-only tokens for
the dashboards and scripts that read the API on their behalf, sees each one once, lists them
with their last use and revokes them (after a confirmation)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from renovation import access, api_tokens, confirm
from renovation.views import PermRequiredMixin, add_service_errors, staff_view

LIFETIMES = [(30, 30), (90, 90), (180, 180), (365, 365)]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Who or what uses it, e.g. “District dashboard”."),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Expires after (days)"),
        choices=LIFETIMES,
        coerce=int,
        initial=90,
    )
    requests_per_minute = forms.IntegerField(
        label=gettext_lazy("Requests per minute"),
        min_value=1,
        max_value=6000,
        initial=settings.API_TOKEN_REQUESTS_PER_MINUTE,
        help_text=gettext_lazy("More are refused (429) until the minute has passed."),
    )


class ApiTokenListView(PermRequiredMixin, FormView):
    """The user's tokens and the form for a new one. A new token is shown on the answer to the
    POST that created it, and never again (only its digest is stored)."""

    perm = access.VIEW
    template_name = "renovation/api_tokens.html"
    form_class = ApiTokenForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = api_tokens.api_tokens_of(user=self.request.user)
        context["api_base"] = self.request.build_absolute_uri("/api/v1/")
        return context

    def form_valid(self, form):
        try:
            token, key = api_tokens.api_token_create(user=self.request.user, **form.cleaned_data)
        except forms.ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        response = self.render_to_response(
            self.get_context_data(form=self.form_class(), new_token=token, new_key=key)
        )
        # The token is in this page only: no cache may keep it.
        response["Cache-Control"] = "no-store"
        return response


@staff_view
def api_token_revoke(request):
    """Revoke one of the user's tokens (POST `token`: its digest), after a confirmation."""
    back = reverse("api-tokens")
    if request.method != "POST":
        return redirect(back)
    token = api_tokens.api_tokens_of(user=request.user).filter(digest=request.POST.get("token"))
    token = token.first()
    if token is None:
        messages.error(request, _("There is no such token of yours; it may be revoked already."))
        return redirect(back)
    if not confirm.is_confirmed(request):
        return confirm.confirmation(
            request,
            title=_("Revoke the token “%(name)s”?") % {"name": token.name},
            consequences=[
                _(
                    "Every dashboard or script using it gets 401 from its next request; "
                    "it cannot be turned back on."
                ),
                _("To read the API again they need a new token, created here."),
            ],
            confirm_label=_("Revoke the token"),
            cancel_url=back,
        )
    api_tokens.api_token_revoke(user=request.user, digest=token.digest)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(back)
