"""Staff pages: consultations and their questions, the lifecycle buttons, results and
turnout, paper ballots, objections and ideas, resident links with QR codes. Residents' pages
are in `consultations.resident_views`, the ballots export in `consultations.exports`."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.models import Household
from consultations import ballots, links, selectors, services
from consultations.filtersets import ConsultationFilterSet
from consultations.forms import (
    AttachmentForm,
    BallotForm,
    ConsultationForm,
    LinksForm,
    ObjectionAnswerForm,
    PaperBallotForm,
    PublishForm,
    QuestionForm,
)
from consultations.models import Attachment, Consultation, Objection
from consultations.resident_views import resident_household
from consultations.tally import tally_compute, turnout_compute
from renovation import access
from renovation.views import add_service_errors, staff_view


def _consultation(request, pk, perm=access.VIEW) -> Consultation:
    return access.scoped_get_or_404(
        request.user, selectors.consultations_visible(user=request.user), perm, pk=pk
    )


def _questions(consultation):
    return selectors.consultation_questions(consultation=consultation)


# ---------------------------------------------------------------------------------------------
# Staff: consultations
# ---------------------------------------------------------------------------------------------


@staff_view
def consultation_list(request):
    queryset = selectors.consultations_with_ballot_count(user=request.user)
    filterset = ConsultationFilterSet(request.GET, queryset=queryset, user=request.user)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "can_manage": access.has_any_perm(request.user, access.MANAGE),
        },
    )


@staff_view
def consultation_create(request):
    if not access.has_any_perm(request.user, access.MANAGE):
        raise Http404
    form = ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            consultation = services.consultation_create(created_by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Consultation created as a draft. Add questions, then open it.")
            )
            return redirect("consultations:detail", pk=consultation.pk)
    return render(request, "consultations/consultation_form.html", {"form": form})


@staff_view
def consultation_edit(request, pk):
    consultation = _consultation(request, pk, access.MANAGE)
    form = ConsultationForm(request.POST or None, instance=consultation, user=request.user)
    if consultation.status != Consultation.Status.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("consultations:detail", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(consultation=consultation, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("consultations:detail", pk=pk)
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "consultation": consultation},
    )


@staff_view
def consultation_detail(request, pk):
    consultation = _consultation(request, pk)
    context = {
        "consultation": consultation,
        "questions": _questions(consultation),
        "attachments": list(consultation.attachments.all()),
        "turnout": turnout_compute(consultation=consultation),
        "can_manage": access.has_perm(request.user, access.MANAGE, consultation),
        "can_ballot": access.has_perm(request.user, access.BALLOT, consultation),
        "objections": list(selectors.consultation_objections(consultation=consultation)),
        "objection_form": ObjectionAnswerForm(),
    }
    if consultation.results_visible:
        context["tally"] = tally_compute(consultation=consultation)
    return render(request, "consultations/consultation_detail.html", context)


@staff_view
@require_POST
def consultation_transition(request, pk, action):
    consultation = _consultation(request, pk, access.MANAGE)
    service = {
        "open": services.consultation_open,
        "close": services.consultation_close,
        "decide": services.consultation_decide,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(consultation=consultation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Status changed to: %(s)s.") % {"s": consultation.get_status_display()}
        )
    return redirect("consultations:detail", pk=pk)


@staff_view
def consultation_publish(request, pk):
    consultation = _consultation(request, pk, access.MANAGE)
    form = PublishForm(request.POST or None, initial={"days": consultation.publicity_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_publish(
                consultation=consultation,
                notice=form.cleaned_data["notice"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The result is published; objections can now be lodged."))
            return redirect("consultations:detail", pk=pk)
    tally = tally_compute(consultation=consultation) if consultation.results_visible else None
    return render(
        request,
        "consultations/publish_form.html",
        {"form": form, "consultation": consultation, "tally": tally},
    )


@staff_view
def consultation_results(request, pk):
    consultation = _consultation(request, pk)
    if not consultation.results_visible:
        messages.info(request, _("Results are shown once voting has closed."))
        return redirect("consultations:detail", pk=pk)
    return render(
        request,
        "consultations/results.html",
        {
            "consultation": consultation,
            "tally": tally_compute(consultation=consultation),
            "ideas": selectors.ideas_approved(consultation=consultation),
        },
    )


@staff_view
def consultation_turnout(request, pk):
    consultation = _consultation(request, pk)
    return render(
        request,
        "consultations/turnout.html",
        {
            "consultation": consultation,
            "turnout": turnout_compute(consultation=consultation),
        },
    )


@staff_view
def consultation_preview(request, pk):
    consultation = _consultation(request, pk)
    form = BallotForm(questions=_questions(consultation))
    return render(
        request,
        "consultations/resident_vote.html",
        {
            "consultation": consultation,
            "form": form,
            "preview": True,
            "attachments": consultation.attachments.all(),
        },
    )


# --- questions and attachments ----------------------------------------------------------------


@staff_view
def question_edit(request, pk, question_pk=None):
    consultation = _consultation(request, pk, access.MANAGE)
    question = get_object_or_404(consultation.questions, pk=question_pk) if question_pk else None
    initial = {}
    if question:
        initial = {
            "text": question.text,
            "help_text": question.help_text,
            "type": question.type,
            "choices": "\n".join(c.text for c in question.choices.all()),
            "min_choices": question.min_choices,
            "max_choices": question.max_choices,
            "required": question.required,
        }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_save(
                consultation=consultation,
                question=question,
                text=data["text"],
                type=data["type"],
                choices=form.choice_list(),
                min_choices=data["min_choices"],
                max_choices=data["max_choices"],
                required=data["required"],
                help_text=data["help_text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("consultations:detail", pk=pk)
    return render(
        request,
        "consultations/question_form.html",
        {"form": form, "consultation": consultation, "question": question},
    )


@staff_view
@require_POST
def question_delete(request, pk, question_pk):
    consultation = _consultation(request, pk, access.MANAGE)
    question = get_object_or_404(consultation.questions, pk=question_pk)
    try:
        services.question_delete(question=question)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Question removed."))
    return redirect("consultations:detail", pk=pk)


@staff_view
def attachment_add(request, pk):
    consultation = _consultation(request, pk, access.MANAGE)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.instance.consultation = consultation
        form.save()
        messages.success(request, _("Attachment added."))
        return redirect("consultations:detail", pk=pk)
    return render(
        request, "consultations/attachment_form.html", {"form": form, "consultation": consultation}
    )


def attachment_download(request, pk):
    """Staff in scope, or a resident whose dwelling takes part in the consultation."""
    attachment = get_object_or_404(Attachment.objects.select_related("consultation"), pk=pk)
    consultation = attachment.consultation
    household = resident_household(request)
    allowed = (
        request.user.is_authenticated and access.has_perm(request.user, access.VIEW, consultation)
    ) or (
        household is not None
        and selectors.consultations_for_household(household=household)
        .filter(pk=consultation.pk)
        .exists()
    )
    if not allowed:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), filename=attachment.file.name.rsplit("/", 1)[-1]
    )


# --- ballots entered by staff, export ---------------------------------------------------------


@staff_view
def ballot_enter(request, pk):
    """Enter a paper or door-to-door ballot for one dwelling; the latest ballot counts."""
    consultation = _consultation(request, pk, access.BALLOT)
    households = selectors.consultation_households(consultation=consultation).select_related(
        "stairwell__building"
    )
    household = None
    household_id = request.POST.get("household") or request.GET.get("household")
    if household_id:
        household = get_object_or_404(households, pk=household_id)
    current = None
    if household is not None:
        current = selectors.household_ballot(consultation=consultation, household=household)
    questions = _questions(consultation)
    form = BallotForm(request.POST or None, questions=questions)
    channel_form = PaperBallotForm(request.POST or None)
    if (
        request.method == "POST"
        and household is not None
        and form.is_valid()
        and channel_form.is_valid()
    ):
        try:
            ballots.ballot_cast(
                consultation=consultation,
                household=household,
                answers=form.answers(),
                channel=channel_form.cleaned_data["channel"],
                entered_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ballot recorded for %(h)s. It is now the one that counts.") % {"h": household},
            )
            return redirect(
                f"{reverse('consultations:ballot-enter', args=[pk])}?household={household.pk}"
            )
    return render(
        request,
        "consultations/ballot_enter.html",
        {
            "consultation": consultation,
            "households": households,
            "household": household,
            "current": current,
            "form": form,
            "channel_form": channel_form,
            "history_count": selectors.household_ballot_count(
                consultation=consultation, household=household
            )
            if household
            else 0,
        },
    )


# --- publicity and ideas ----------------------------------------------------------------------


@staff_view
@require_POST
def objection_answer(request, pk, objection_pk):
    consultation = _consultation(request, pk, access.MANAGE)
    objection = get_object_or_404(
        Objection.objects.select_related("consultation"), pk=objection_pk, consultation=consultation
    )
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(
                objection=objection,
                response=form.cleaned_data["response"],
                responded_by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Answer saved."))
    else:
        messages.error(request, _("Write the answer to the objection."))
    return redirect("consultations:detail", pk=pk)


@staff_view
def ideas_moderate(request, pk):
    consultation = _consultation(request, pk, access.MANAGE)
    if not consultation.results_visible:
        messages.info(request, _("Ideas are moderated after voting has closed."))
        return redirect("consultations:detail", pk=pk)
    answers = selectors.ideas_written(consultation=consultation)
    if request.method == "POST":
        answer = get_object_or_404(answers, pk=request.POST.get("answer"))
        services.idea_moderate(answer=answer, approve=request.POST.get("decision") == "approve")
        messages.success(request, _("Moderation saved."))
        return redirect("consultations:ideas", pk=pk)
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    return render(
        request, "consultations/ideas.html", {"consultation": consultation, "page_obj": page}
    )


# ---------------------------------------------------------------------------------------------
# Staff: resident links and QR codes
# ---------------------------------------------------------------------------------------------


@staff_view
def links_page(request):
    """Choose an estate (or stairwell); see which dwellings have an active link; issue and print."""
    if not access.has_any_perm(request.user, access.BALLOT):
        raise Http404
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "estate" in request.GET else None)
    )
    form = LinksForm(data, user=request.user)
    rows = None
    if form.is_bound and form.is_valid():
        households = access.scope_queryset(request.user, form.households(), access.BALLOT)
        if request.method == "POST":
            issued = links.access_links_issue(households=households, issued_by=request.user)
            # The tokens exist only in this response (they are stored hashed): print now.
            return render(
                request,
                "consultations/links_print.html",
                {
                    "rows": [
                        {
                            "household": h,
                            "token": token,
                            "url": request.build_absolute_uri(
                                reverse("consultations:resident-enter", args=[token])
                            ),
                        }
                        for h, token in issued
                    ],
                    "estate": form.cleaned_data["estate"],
                },
            )
        rows = selectors.households_with_links(households=households)
    return render(request, "consultations/links.html", {"form": form, "rows": rows})


@staff_view
@require_POST
def link_revoke(request, household_pk):
    household = access.scoped_get_or_404(
        request.user,
        Household.objects.select_related("stairwell__building"),
        access.BALLOT,
        pk=household_pk,
    )
    links.access_link_revoke(household=household)
    messages.success(request, _("The link for %(h)s no longer works.") % {"h": household})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("consultations:links")
    return redirect(next_url)


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
