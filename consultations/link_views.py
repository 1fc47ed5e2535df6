"""Staff pages for resident links: choose an estate (or a stairwell), see which dwellings have
an active link, issue and print links with their QR codes, print a new slip for one dwelling
(a lost slip), revoke one. What stops a printed slip from working is confirmed first. A link's token exists
only in the response that prints it (it is stored hashed), so a QR code can be drawn only for
the dwelling's active token."""

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from communities.models import Household
from consultations import confirmations, links, selectors
from consultations.forms import LinksForm
from renovation import access, confirm
from renovation.views import StaffMixin, staff_view


class LinksView(StaffMixin, TemplateView):
    """Choose an estate (or stairwell); see which dwellings have an active link; issue and
    print. The tokens exist only in the printing response (they are stored hashed)."""

    template_name = "consultations/links.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.has_any_perm(request.user, access.BALLOT):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _households(self, form):
        return access.scope_queryset(self.request.user, form.households(), access.BALLOT)

    def get(self, request, *args, **kwargs):
        form = LinksForm(request.GET if "estate" in request.GET else None, user=request.user)
        rows = None
        if form.is_bound and form.is_valid():
            rows = selectors.households_with_links(households=self._households(form))
        return self.render_to_response(self.get_context_data(form=form, rows=rows))

    def post(self, request, *args, **kwargs):
        form = LinksForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, rows=None))
        households = self._households(form)
        if not confirm.is_confirmed(request):
            counts = selectors.households_link_counts(households=households)
            if counts["with_link"]:
                query = urlencode({k: v.pk for k, v in form.cleaned_data.items() if v})
                return confirmations.links_issue(
                    request,
                    count=counts["dwellings"],
                    replaced=counts["with_link"],
                    cancel_url=f"{reverse('consultations:links')}?{query}",
                )
        issued = links.access_links_issue(households=households, issued_by=request.user)
        return _print(request, issued, estate=form.cleaned_data["estate"])


def _print(request, issued, *, estate):
    """The slips to print, each with its QR code: the only time the tokens are shown."""
    rows = [
        {
            "household": household,
            "token": token,
            "url": request.build_absolute_uri(
                reverse("consultations:resident-enter", args=[token])
            ),
        }
        for household, token in issued
    ]
    return render(request, "consultations/links_print.html", {"rows": rows, "estate": estate})


def _back(request) -> str:
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("consultations:links")
    return next_url


def _household(request, household_pk):
    return access.scoped_get_or_404(
        request.user,
        Household.objects.select_related("stairwell__building__estate"),
        access.BALLOT,
        pk=household_pk,
    )


@staff_view
@require_POST
def link_revoke(request, household_pk):
    """Revoke a dwelling's link, once the page has said that its printed slip stops working."""
    household = _household(request, household_pk)
    link = selectors.household_active_link(household=household)
    if link is None:
        messages.info(request, _("%(h)s has no active link.") % {"h": household})
        return redirect(_back(request))
    if not confirm.is_confirmed(request):
        return confirmations.link_revoke(
            request, household=household, link=link, cancel_url=_back(request)
        )
    links.access_link_revoke(household=household)
    messages.success(request, _("The link for %(h)s no longer works.") % {"h": household})
    return redirect(_back(request))


@staff_view
@require_POST
def link_reissue(request, household_pk):
    """A lost slip: a new link for this one dwelling, printed on its own. Only its old slip
    stops working (the page says so first); the other dwellings' slips keep working."""
    household = _household(request, household_pk)
    link = selectors.household_active_link(household=household)
    if link is not None and not confirm.is_confirmed(request):
        return confirmations.link_reissue(
            request, household=household, link=link, cancel_url=_back(request)
        )
    _, token = links.access_link_issue(household=household, issued_by=request.user)
    return _print(request, [(household, token)], estate=household.stairwell.building.estate)


@staff_view
def link_qr(request, household_pk):
    """The QR code image for a dwelling's link, for staff who may hand out ballots there. The
    token must be the dwelling's active one: the server cannot rebuild it from its hash."""
    import qrcode
    import qrcode.image.svg

    household = access.scoped_get_or_404(
        request.user, Household.objects.all(), access.BALLOT, pk=household_pk
    )
    token = request.GET.get("t", "")
    link = links.access_link_resolve(token=token, touch=False)
    if link is None or link.household_id != household.pk:
        raise Http404
    url = request.build_absolute_uri(reverse("consultations:resident-enter", args=[token]))
    if request.GET.get("format") == "png":
        buffer = io.BytesIO()
        qrcode.make(url, box_size=8, border=2).save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type="image/png")
    else:
        image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
        response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response
