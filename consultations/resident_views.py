"""Resident pages: no account, a session for one dwelling opened by its printed link (or QR
code). They use their own large-type template (resident_base.html), plain forms and no
JavaScript. A session holds only a dwelling id and the id of the link that opened it; revoking
or re-issuing the link ends the session at the next request.

Guessing links is rate-limited per client address without ever refusing a valid link (a whole
estate's phones may reach the portal from one address, behind a proxy or carrier NAT)."""

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.models import Household
from consultations import ballots, links, selectors, services
from consultations.forms import BallotForm, ObjectionForm
from consultations.models import Ballot, Consultation
from consultations.tally import tally_compute
from renovation.views import add_service_errors

SESSION_HOUSEHOLD = "consultations_household"
SESSION_LINK = "consultations_link"
# Wrong tokens per client address before the link page refuses for a while.
BAD_TOKEN_LIMIT = 10
BAD_TOKEN_WINDOW = 600  # seconds


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _bad_token_key(request) -> str:
    return f"consultations:bad-token:{_client_ip(request)}"


def resident_household(request) -> Household | None:
    """The dwelling of this resident session, while the link that opened it is still active."""
    household_id = request.session.get(SESSION_HOUSEHOLD)
    link_id = request.session.get(SESSION_LINK)
    if not household_id or not link_id:
        return None
    link = links.access_link_for_session(link_id=link_id, household_id=household_id)
    if link is None:
        request.session.pop(SESSION_HOUSEHOLD, None)
        request.session.pop(SESSION_LINK, None)
        return None
    return link.household


def resident_enter(request, token):
    """Opening the printed link (or QR code) starts a session for that dwelling."""
    key = _bad_token_key(request)
    if (cache.get(key) or 0) >= BAD_TOKEN_LIMIT:
        return render(request, "consultations/resident_blocked.html", status=429)
    link = links.access_link_resolve(token=token)
    if link is None:
        # Count the failure for this client; the window starts at the first failure.
        cache.add(key, 0, BAD_TOKEN_WINDOW)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, BAD_TOKEN_WINDOW)
        return render(request, "consultations/resident_invalid.html", status=404)
    request.session.cycle_key()
    request.session[SESSION_HOUSEHOLD] = link.household_id
    request.session[SESSION_LINK] = link.pk
    # Redirect so the token leaves the address bar (and the browser history shows no token).
    # With exactly one vote open, straight to it: two taps to a recorded ballot. The resident
    # home (results, other votes, other apps' pages) is one link away at the foot of every page.
    open_now = selectors.consultations_open_for_household(
        household=link.household, now=timezone.now()
    )
    if len(open_now) == 1:
        return redirect("consultations:resident-consultation", pk=open_now[0].pk)
    return redirect("consultations:resident-home")


def _resident_or_none(request):
    household = resident_household(request)
    if household is None:
        return None, render(
            request, "consultations/resident_invalid.html", {"expired": True}, status=403
        )
    return household, None


def resident_home(request):
    household, refusal = _resident_or_none(request)
    if refusal:
        return refusal
    now = timezone.now()
    consultations = list(selectors.consultations_for_household(household=household))
    for c in consultations:
        c.counted_channel_label = (
            Ballot.Channel(c.counted_channel).label if c.counted_channel else ""
        )
    return render(
        request,
        "consultations/resident_home.html",
        {
            "household": household,
            "open_now": [c for c in consultations if c.is_open(now)],
            "finished": [c for c in consultations if c.results_visible],
            "more": _resident_links(household),
        },
    )


def _resident_links(household) -> list[tuple[str, str]]:
    """Other apps' pages for this dwelling: AppConfig.resident_links(household) -> [(label,
    url)], so consultations need not know them (e.g. the elevator share)."""
    found = []
    for config in apps.get_app_configs():
        provider = getattr(config, "resident_links", None)
        if callable(provider):
            found.extend(provider(household))
    return found


def resident_consultation(request, pk):
    household, refusal = _resident_or_none(request)
    if refusal:
        return refusal
    consultation = get_object_or_404(
        selectors.consultations_for_household(household=household), pk=pk
    )
    if consultation.results_visible:
        return _resident_result(request, household, consultation)
    if not consultation.is_open() or not consultation.in_electorate:
        frozen_at = None
        if not consultation.in_electorate:
            frozen_at = (
                consultation.freezes.order_by("-pk").values_list("frozen_at", flat=True).first()
            )
        return render(
            request,
            "consultations/resident_closed.html",
            {
                "consultation": consultation,
                "household": household,
                "not_in_electorate": not consultation.in_electorate,
                "frozen_at": frozen_at,
            },
        )
    questions = selectors.consultation_questions(consultation=consultation)
    current = selectors.household_ballot(consultation=consultation, household=household)
    if request.method == "POST":
        form = BallotForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                ballots.ballot_cast(
                    consultation=consultation,
                    household=household,
                    answers=form.answers(),
                    channel=Ballot.Channel.ONLINE,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you. Your ballot has been recorded."))
                return redirect("consultations:resident-consultation", pk=pk)
    else:
        form = BallotForm(initial=BallotForm.initial_from(current), questions=questions)
    chosen = []
    if current is not None and request.method == "GET":
        chosen = selectors.ballot_answers(ballot=current)
    return render(
        request,
        "consultations/resident_vote.html",
        {
            "consultation": consultation,
            "household": household,
            "form": form,
            "current": current,
            "chosen": chosen,
            "attachments": consultation.attachments.all(),
            "changing": request.GET.get("change") == "1" or request.method == "POST",
        },
    )


def _resident_result(request, household, consultation):
    form = ObjectionForm(request.POST or None)
    in_publicity = (
        consultation.status == Consultation.Status.PUBLICITY
        and consultation.publicity_ends_at
        and timezone.now() < consultation.publicity_ends_at
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_lodge(
                consultation=consultation, household=household, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your objection has been lodged; staff will answer it."))
            return redirect("consultations:resident-consultation", pk=consultation.pk)
    return render(
        request,
        "consultations/resident_result.html",
        {
            "consultation": consultation,
            "household": household,
            "tally": tally_compute(consultation=consultation),
            "ideas": selectors.ideas_approved(consultation=consultation),
            "form": form,
            "in_publicity": in_publicity,
            "my_objections": selectors.household_objections(
                consultation=consultation, household=household
            ),
        },
    )


@require_POST
def resident_leave(request):
    request.session.pop(SESSION_HOUSEHOLD, None)
    request.session.pop(SESSION_LINK, None)
    return render(request, "consultations/resident_invalid.html", {"left": True})
