"""What the consultations app does: draft consultations and their questions, run them through
their lifecycle (draft → open → closed → publicity → decided, the table `TRANSITIONS`), and
take objections and ideas. Casting a ballot lives in `consultations.ballots`, counting the
result in `consultations.tally`, resident links in `consultations.links`, the frozen electorate
in `consultations.electorate`."""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Estate, Household, Stairwell
from consultations import electorate, tally
from consultations.models import MAX_TEXT, Answer, Choice, Consultation, Objection, Question
from consultations.selectors import consultation_households

Status = Consultation.Status

# ---------------------------------------------------------------------------------------------
# Consultations and questions (drafting)
# ---------------------------------------------------------------------------------------------


def _check_scope(estate: Estate, building: Building | None, stairwell: Stairwell | None):
    if stairwell is not None:
        if building is not None and stairwell.building_id != building.pk:
            raise ValidationError({"stairwell": _("This stairwell is not in the chosen building.")})
        building = stairwell.building
    if building is not None and building.estate_id != estate.pk:
        raise ValidationError({"building": _("This building is not in the chosen estate.")})
    return building


def _default_questions(consultation: Consultation) -> None:
    """Owner decisions and willingness surveys start with their one deciding question."""
    if consultation.kind == Consultation.Kind.DECISION:
        text, options = (
            gettext("Do you agree?"),
            [
                (gettext("Agree"), Choice.Meaning.YES),
                (gettext("Disagree"), Choice.Meaning.NO),
                (gettext("Abstain"), Choice.Meaning.ABSTAIN),
            ],
        )
    elif consultation.kind == Consultation.Kind.SURVEY:
        text, options = (
            gettext("Should the estate be renovated?"),
            [
                (gettext("Yes, renovate"), Choice.Meaning.YES),
                (gettext("No, do not renovate"), Choice.Meaning.NO),
                (gettext("Undecided"), Choice.Meaning.ABSTAIN),
            ],
        )
    else:
        return
    question = Question.objects.create(
        consultation=consultation,
        position=1,
        text=text,
        type=Question.Type.SINGLE,
        is_decision=True,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, text=label, meaning=meaning)
        for i, (label, meaning) in enumerate(options, start=1)
    )


def consultation_create(
    *,
    estate: Estate,
    title: str,
    kind: str,
    opens_at: datetime,
    closes_at: datetime,
    building: Building | None = None,
    stairwell: Stairwell | None = None,
    decision_rule: str | None = None,
    require_no_objection: bool = False,
    description: str = "",
    publicity_days: int = 7,
    created_by=None,
) -> Consultation:
    """A draft consultation. Owner decisions and surveys get their deciding question
    (agree / disagree / abstain) so they can be opened straight away."""
    building = _check_scope(estate, building, stairwell)
    if decision_rule is None:
        decision_rule = (
            Consultation.Rule.MAJOR
            if kind == Consultation.Kind.DECISION
            else Consultation.Rule.NONE
        )
    consultation = Consultation(
        estate=estate,
        building=building,
        stairwell=stairwell,
        title=title,
        kind=kind,
        opens_at=opens_at,
        closes_at=closes_at,
        decision_rule=decision_rule,
        require_no_objection=require_no_objection,
        description=description,
        publicity_days=publicity_days,
        created_by=created_by,
    )
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        _default_questions(consultation)
    return consultation


EDITABLE_FIELDS = (
    "title",
    "description",
    "estate",
    "building",
    "stairwell",
    "kind",
    "decision_rule",
    "require_no_objection",
    "opens_at",
    "closes_at",
    "publicity_days",
)


def consultation_update(*, consultation: Consultation, data: dict[str, Any]) -> Consultation:
    """Change a draft. Once voting has opened, what was asked can no longer change."""
    if consultation.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited; this consultation is already %(s)s.")
            % {"s": consultation.get_status_display()}
        )
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(name)
        setattr(consultation, name, value)
    consultation.building = _check_scope(
        consultation.estate, consultation.building, consultation.stairwell
    )
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        if not consultation.questions.filter(is_decision=True).exists():
            _default_questions(consultation)  # e.g. a plan choice turned into an owner decision
    return consultation


def _require_draft(consultation: Consultation) -> None:
    if consultation.status != Status.DRAFT:
        raise ValidationError(_("Questions can only be changed while the consultation is a draft."))


def question_save(
    *,
    consultation: Consultation,
    text: str,
    type: str,
    choices: list[str] | None = None,
    min_choices: int = 1,
    max_choices: int = 1,
    required: bool = True,
    help_text: str = "",
    question: Question | None = None,
) -> Question:
    """Add (or, given `question`, replace) a question with its choices, in order."""
    _require_draft(consultation)
    choices = [c.strip() for c in (choices or []) if c.strip()]
    if type in (Question.Type.SINGLE, Question.Type.MULTIPLE) and len(choices) < 2:
        raise ValidationError({"choices": _("Give at least two choices, one per line.")})
    if type != Question.Type.MULTIPLE:
        min_choices, max_choices = (1 if required else 0), 1
    else:
        if max_choices < 1 or max_choices > len(choices):
            raise ValidationError(
                {
                    "max_choices": _(
                        "'At most' must be between 1 and the number of choices (%(n)s)."
                    )
                    % {"n": len(choices)}
                }
            )
        if min_choices > max_choices:
            raise ValidationError({"min_choices": _("'At least' cannot be more than 'at most'.")})
    with transaction.atomic():
        if question is None:
            last = (
                consultation.questions.order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            question = Question(consultation=consultation, position=(last or 0) + 1)
        elif question.is_decision and type != Question.Type.SINGLE:
            raise ValidationError({"type": _("The deciding question must stay a single choice.")})
        question.text, question.type, question.help_text = text, type, help_text
        question.required, question.min_choices, question.max_choices = (
            required,
            min_choices,
            max_choices,
        )
        question.save()
        if type in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            existing = list(question.choices.order_by("position", "pk"))
            # Keep the yes/no/abstain meanings of a deciding question by position.
            meanings = [c.meaning for c in existing]
            question.choices.all().delete()
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    position=i,
                    text=label,
                    meaning=meanings[i - 1] if i <= len(meanings) else "",
                )
                for i, label in enumerate(choices, start=1)
            )
        else:
            question.choices.all().delete()
    return question


def question_delete(*, question: Question) -> None:
    _require_draft(question.consultation)
    if question.is_decision:
        raise ValidationError(_("The deciding question of an owner decision cannot be removed."))
    question.delete()


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------


# The lifecycle, draft → open → closed → publicity → decided: for each status, the one it is
# reached from and what a person reads when the consultation stands elsewhere. `_step()` moves a
# consultation (each step adds its own rules as a guard); the periodic close is the one other
# writer of the status, a claim-once UPDATE of the same open → closed step.
TRANSITIONS: dict[str, tuple[str, str]] = {
    Status.OPEN: (Status.DRAFT, _("Only a draft can be opened; this consultation is %(s)s.")),
    Status.CLOSED: (
        Status.OPEN,
        _("Only an open consultation can be closed; this one is %(s)s."),
    ),
    Status.PUBLICITY: (
        Status.CLOSED,
        _("Only a closed consultation can be published; this one is %(s)s."),
    ),
    Status.DECIDED: (
        Status.PUBLICITY,
        _("Only a published consultation can be decided; this one is %(s)s."),
    ),
}


def _step(
    consultation: Consultation, to_status: str, guard: Callable[[Consultation], Iterable[str]]
) -> Consultation:
    """Move `consultation` to `to_status`: under a row lock, the table's check, then the step's
    `guard(c)` (raises ValidationError, or sets what the step changes and names those fields)."""
    with transaction.atomic():
        # Two staff pressing "close" and "publish" at once: the row lock orders them.
        c = Consultation.objects.select_for_update().get(pk=consultation.pk)
        source, refusal = TRANSITIONS[to_status]
        if c.status != source:
            raise ValidationError(refusal % {"s": c.get_status_display()})
        changed = list(guard(c))
        c.status = to_status
        c.save(update_fields=["status", *changed])
    consultation.refresh_from_db()
    return consultation


def consultation_open(
    *, consultation: Consultation, now: datetime | None = None, by=None
) -> Consultation:
    """Open voting: the questions are complete, and the registry has dwellings in the scope.
    The electorate is frozen in the same transaction (`consultations.electorate`): from now on
    the result counts against those dwellings and areas, whatever the registry does."""
    now = now or timezone.now()

    def guard(c: Consultation) -> Iterable[str]:
        if c.closes_at <= now:
            raise ValidationError(_("The closing time has already passed; set a later one first."))
        questions = c.questions.annotate(n=Count("choices"))
        if not questions:
            raise ValidationError(_("Add at least one question before opening."))
        for q in questions:
            if q.type in (Question.Type.SINGLE, Question.Type.MULTIPLE) and q.n < 2:
                raise ValidationError(
                    _("The question “%(q)s” needs at least two choices.") % {"q": q.text}
                )
        if c.decision_rule != Consultation.Rule.NONE and not any(q.is_decision for q in questions):
            raise ValidationError(
                _("A decision rule needs a deciding question (agree / disagree).")
            )
        if not consultation_households(consultation=c).exists():
            raise ValidationError(_("There are no dwellings in this scope in the registry."))
        return ()

    with transaction.atomic():
        consultation = _step(consultation, Status.OPEN, guard)
        electorate.electorate_freeze(consultation=consultation, by=by, now=now)
    return consultation


def consultation_close(*, consultation: Consultation, now: datetime | None = None) -> Consultation:
    """Close voting (early, or when the period has ended). Results become visible."""
    now = now or timezone.now()

    def guard(c: Consultation) -> Iterable[str]:
        if c.closes_at > now:
            c.closes_at = max(now, c.opens_at + timedelta(seconds=1))
        return ("closes_at",)

    return _step(consultation, Status.CLOSED, guard)


def consultations_close_due(*, now: datetime | None = None) -> int:
    """Close every open consultation whose voting period has ended (periodic job)."""
    now = now or timezone.now()
    # Conditional update: a consultation is closed once even if two beats overlap.
    return Consultation.objects.filter(status=Status.OPEN, closes_at__lte=now).update(
        status=Status.CLOSED
    )


def consultation_publish(
    *,
    consultation: Consultation,
    notice: str,
    days: int | None = None,
    now: datetime | None = None,
) -> Consultation:
    """Publish the result with a notice; objections may be lodged for `days` days."""
    now = now or timezone.now()
    if not notice.strip():
        raise ValidationError({"notice": _("Write the publicity notice residents will read.")})

    def guard(c: Consultation) -> Iterable[str]:
        period = c.publicity_days if days is None else days
        if period < 1:
            raise ValidationError({"days": _("The publicity period is at least one day.")})
        c.result_notice = notice.strip()
        c.publicity_days = period
        c.publicity_starts_at = now
        c.publicity_ends_at = now + timedelta(days=period)
        return ("result_notice", "publicity_days", "publicity_starts_at", "publicity_ends_at")

    return _step(consultation, Status.PUBLICITY, guard)


def consultation_decide(*, consultation: Consultation, now: datetime | None = None) -> Consultation:
    """After publicity, with every objection answered, the result takes effect."""
    now = now or timezone.now()

    def guard(c: Consultation) -> Iterable[str]:
        if now < c.publicity_ends_at:
            raise ValidationError(
                _("The publicity period runs until %(end)s; the result takes effect after it.")
                % {"end": timezone.localtime(c.publicity_ends_at).strftime("%Y-%m-%d %H:%M")}
            )
        open_objections = c.objections.filter(responded_at__isnull=True).count()
        if open_objections:
            raise ValidationError(
                _("%(n)s objection(s) are still unanswered; answer them first.")
                % {"n": open_objections}
            )
        c.passed = tally.tally_compute(consultation=c).passed
        c.decided_at = now
        return ("passed", "decided_at")

    return _step(consultation, Status.DECIDED, guard)


# ---------------------------------------------------------------------------------------------
# Publicity: objections; idea moderation
# ---------------------------------------------------------------------------------------------


def objection_lodge(
    *,
    consultation: Consultation,
    text: str,
    household: Household | None = None,
    now: datetime | None = None,
) -> Objection:
    now = now or timezone.now()
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write what you object to.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("Please keep it under %(n)s characters.") % {"n": MAX_TEXT}}
        )
    if consultation.status != Status.PUBLICITY or not (
        consultation.publicity_starts_at <= now < consultation.publicity_ends_at
    ):
        raise ValidationError(_("Objections can be lodged only during the publicity period."))
    with transaction.atomic():
        return Objection.objects.create(
            consultation=consultation, household=household, text=text, lodged_at=now
        )


def objection_answer(
    *, objection: Objection, response: str, responded_by, now: datetime | None = None
) -> Objection:
    if not response.strip():
        raise ValidationError({"response": _("Write the answer to the objection.")})
    if objection.consultation.status == Status.DECIDED:
        raise ValidationError(_("The consultation is already decided."))
    objection.response = response.strip()
    objection.responded_by = responded_by
    objection.responded_at = now or timezone.now()
    with transaction.atomic():
        objection.save(update_fields=["response", "responded_by", "responded_at"])
    return objection


def idea_moderate(*, answer: Answer, approve: bool) -> Answer:
    """Ideas (free text) are seen by residents only once staff approve them, after close."""
    if not answer.ballot.consultation.results_visible:
        raise ValidationError(_("Ideas are moderated after voting has closed."))
    answer.moderation = Answer.Moderation.APPROVED if approve else Answer.Moderation.REJECTED
    with transaction.atomic():
        answer.save(update_fields=["moderation"])
    return answer
