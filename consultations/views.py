"""Staff pages: consultations and their questions, the lifecycle buttons, results and
turnout, objections and ideas. Paper ballots are entered in `consultations.ballot_views`,
resident links and their QR codes in `consultations.link_views`, the electorate re-frozen in
`consultations.electorate_views`, residents' own pages are `consultations.resident_views`, the
ballots export `consultations.exports`.

Class-based views for the pages; function views only for the POST-only actions and the
attachment download."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from consultations import confirmations, selectors, services
from consultations.filtersets import ConsultationFilterSet
from consultations.forms import (
    AttachmentForm,
    BallotForm,
    ConsultationForm,
    ObjectionAnswerForm,
    PublishForm,
    QuestionForm,
)
from consultations.models import Attachment, Consultation, Objection
from consultations.resident_views import resident_household
from consultations.tally import tally_compute, turnout_compute
from renovation import access, confirm
from renovation.views import ServiceFormMixin, StaffMixin, staff_view


class ConsultationMixin(StaffMixin):
    """A page about one consultation (`pk` in the URL): 404 outside the user's `perm` scope."""

    perm = access.VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.consultation = access.scoped_get_or_404(
            request.user,
            selectors.consultations_visible(user=request.user),
            self.perm,
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)

    def get_success_url(self):
        return reverse("consultations:detail", args=[self.consultation.pk])


def _consultation(request, pk, perm) -> Consultation:
    """The consultation of a POST-only action or a download, from the user's `perm` scope."""
    return access.scoped_get_or_404(
        request.user, selectors.consultations_visible(user=request.user), perm, pk=pk
    )


# ---------------------------------------------------------------------------------------------
# Staff: consultations
# ---------------------------------------------------------------------------------------------


class ConsultationListView(StaffMixin, ListView):
    template_name = "consultations/consultation_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = ConsultationFilterSet(
            self.request.GET,
            queryset=selectors.consultations_with_ballot_count(user=self.request.user),
            user=self.request.user,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            can_manage=access.has_any_perm(self.request.user, access.MANAGE),
            **kwargs,
        )


class ConsultationCreateView(StaffMixin, ServiceFormMixin, FormView):
    form_class = ConsultationForm
    template_name = "consultations/consultation_form.html"
    success_message = gettext_lazy("Consultation created as a draft. Add questions, then open it.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.has_any_perm(request.user, access.MANAGE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        self.consultation = services.consultation_create(
            created_by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("consultations:detail", args=[self.consultation.pk])


class ConsultationUpdateView(ConsultationMixin, ServiceFormMixin, FormView):
    perm = access.MANAGE
    form_class = ConsultationForm
    template_name = "consultations/consultation_form.html"
    success_message = gettext_lazy("Saved.")

    def get(self, request, *args, **kwargs):
        return self._unless_draft() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._unless_draft() or super().post(request, *args, **kwargs)

    def _unless_draft(self):
        if self.consultation.status != Consultation.Status.DRAFT:
            messages.error(self.request, _("Only a draft can be edited."))
            return redirect(self.get_success_url())
        return None

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "instance": self.consultation,
        }

    def save(self, form):
        services.consultation_update(consultation=self.consultation, data=form.cleaned_data)


class ConsultationDetailView(ConsultationMixin, TemplateView):
    template_name = "consultations/consultation_detail.html"

    def get_context_data(self, **kwargs):
        user, consultation = self.request.user, self.consultation
        context = super().get_context_data(
            questions=selectors.consultation_questions(consultation=consultation),
            attachments=list(consultation.attachments.all()),
            turnout=turnout_compute(consultation=consultation),
            can_manage=access.has_perm(user, access.MANAGE, consultation),
            can_ballot=access.has_perm(user, access.BALLOT, consultation),
            objections=list(selectors.consultation_objections(consultation=consultation)),
            objection_form=ObjectionAnswerForm(),
            freezes=selectors.electorate_freezes(consultation=consultation),
            **kwargs,
        )
        if consultation.results_visible:
            context["tally"] = tally_compute(consultation=consultation)
        return context


@staff_view
@require_POST
def consultation_transition(request, pk, action):
    consultation = _consultation(request, pk, access.MANAGE)
    service = {
        "open": partial(services.consultation_open, by=request.user),
        "close": services.consultation_close,
        "decide": services.consultation_decide,
    }.get(action)
    if service is None:
        raise Http404
    if (
        action == "close"
        and consultation.status == Consultation.Status.OPEN
        and not confirm.is_confirmed(request)
    ):
        return confirmations.close_early(request, consultation=consultation)
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


class PublishView(ConsultationMixin, ServiceFormMixin, FormView):
    perm = access.MANAGE
    form_class = PublishForm
    template_name = "consultations/publish_form.html"
    success_message = gettext_lazy("The result is published; objections can now be lodged.")

    def get_initial(self):
        return {"days": self.consultation.publicity_days}

    def get_context_data(self, **kwargs):
        consultation = self.consultation
        tally = tally_compute(consultation=consultation) if consultation.results_visible else None
        return super().get_context_data(tally=tally, **kwargs)

    def save(self, form):
        services.consultation_publish(
            consultation=self.consultation,
            notice=form.cleaned_data["notice"],
            days=form.cleaned_data["days"],
        )


class ResultsView(ConsultationMixin, TemplateView):
    template_name = "consultations/results.html"

    def get(self, request, *args, **kwargs):
        if not self.consultation.results_visible:
            messages.info(request, _("Results are shown once voting has closed."))
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tally=tally_compute(consultation=self.consultation),
            ideas=selectors.ideas_approved(consultation=self.consultation),
            **kwargs,
        )


class TurnoutView(ConsultationMixin, TemplateView):
    template_name = "consultations/turnout.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            turnout=turnout_compute(consultation=self.consultation), **kwargs
        )


class PreviewView(ConsultationMixin, TemplateView):
    """The resident's voting page as staff see it before opening (nothing can be cast)."""

    template_name = "consultations/resident_vote.html"

    def get_context_data(self, **kwargs):
        questions = selectors.consultation_questions(consultation=self.consultation)
        return super().get_context_data(
            form=BallotForm(questions=questions),
            preview=True,
            attachments=self.consultation.attachments.all(),
            **kwargs,
        )


# --- questions and attachments ----------------------------------------------------------------


class QuestionFormView(ConsultationMixin, ServiceFormMixin, FormView):
    """Add a question, or (with `question_pk`) change one."""

    perm = access.MANAGE
    form_class = QuestionForm
    template_name = "consultations/question_form.html"
    success_message = gettext_lazy("Question saved.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.question_pk, self.question = kwargs.get("question_pk"), None

    def get_question(self):
        if self.question is None and self.question_pk:
            self.question = get_object_or_404(self.consultation.questions, pk=self.question_pk)
        return self.question

    def get_initial(self):
        question = self.get_question()
        if question is None:
            return {}
        return {
            "text": question.text,
            "help_text": question.help_text,
            "type": question.type,
            "choices": "\n".join(c.text for c in question.choices.all()),
            "min_choices": question.min_choices,
            "max_choices": question.max_choices,
            "required": question.required,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(question=self.get_question(), **kwargs)

    def save(self, form):
        data = form.cleaned_data
        services.question_save(
            consultation=self.consultation,
            question=self.get_question(),
            text=data["text"],
            type=data["type"],
            choices=form.choice_list(),
            min_choices=data["min_choices"],
            max_choices=data["max_choices"],
            required=data["required"],
            help_text=data["help_text"],
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


class AttachmentAddView(ConsultationMixin, ServiceFormMixin, FormView):
    perm = access.MANAGE
    form_class = AttachmentForm
    template_name = "consultations/attachment_form.html"
    success_message = gettext_lazy("Attachment added.")

    def save(self, form):
        form.instance.consultation = self.consultation
        form.save()


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


class IdeasView(ConsultationMixin, ListView):
    """Approve or reject the ideas residents wrote; they see only the approved ones."""

    perm = access.MANAGE
    template_name = "consultations/ideas.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.ideas_written(consultation=self.consultation)

    def _unless_closed(self):
        if not self.consultation.results_visible:
            messages.info(self.request, _("Ideas are moderated after voting has closed."))
            return redirect(self.get_success_url())
        return None

    def get(self, request, *args, **kwargs):
        return self._unless_closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if refusal := self._unless_closed():
            return refusal
        answer = get_object_or_404(self.get_queryset(), pk=request.POST.get("answer"))
        services.idea_moderate(answer=answer, approve=request.POST.get("decision") == "approve")
        messages.success(request, _("Moderation saved."))
        return redirect("consultations:ideas", pk=self.consultation.pk)
