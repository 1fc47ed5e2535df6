"""Casting a ballot: a dwelling's answers, checked against the questions and recorded in one
transaction. The latest ballot per dwelling counts, whatever its channel (online, paper, door
to door); earlier ones stay as history. How the counted ballots decide: `consultations.tally`."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Household
from consultations.models import MAX_TEXT, Answer, Ballot, Consultation, Question
from consultations.selectors import consultation_households

Status = Consultation.Status


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def answers_validate(*, questions: list[Question], answers: dict) -> list[Answer]:
    """Check every answer against its question; return unsaved Answer rows."""
    rows, errors = [], {}
    for q in questions:
        value = answers.get(q.pk, answers.get(str(q.pk)))
        key = f"q{q.pk}"
        choice_ids = {c.pk: c for c in q.choices.all()}
        if q.type == Question.Type.SINGLE:
            cid = _as_int(value)
            if value in (None, "", []):
                if q.required:
                    errors[key] = _("Please choose one answer.")
                continue
            if cid not in choice_ids:
                errors[key] = _("That answer is not one of the choices.")
                continue
            rows.append(Answer(question=q, choice=choice_ids[cid]))
        elif q.type == Question.Type.MULTIPLE:
            values = (
                value
                if isinstance(value, list | tuple | set)
                else ([] if value in (None, "") else [value])
            )
            ids = {_as_int(v) for v in values}
            if not ids <= set(choice_ids):
                errors[key] = _("One of the answers is not among the choices.")
                continue
            if not ids and not q.required:
                continue
            if len(ids) < q.min_choices or len(ids) > q.max_choices:
                errors[key] = _("Choose between %(min)s and %(max)s.") % {
                    "min": q.min_choices,
                    "max": q.max_choices,
                }
                continue
            rows.extend(Answer(question=q, choice=choice_ids[i]) for i in sorted(ids))
        elif q.type == Question.Type.RATING:
            if value in (None, ""):
                if q.required:
                    errors[key] = _("Please give a rating from 1 to 5.")
                continue
            rating = _as_int(value)
            if rating is None or not 1 <= rating <= 5:
                errors[key] = _("A rating is from 1 to 5.")
                continue
            rows.append(Answer(question=q, rating=rating))
        else:
            text = (value or "").strip() if isinstance(value, str) else ""
            if not text:
                if q.required:
                    errors[key] = _("Please write an answer.")
                continue
            if len(text) > MAX_TEXT:
                errors[key] = _("Please keep it under %(n)s characters.") % {"n": MAX_TEXT}
                continue
            rows.append(Answer(question=q, text=text, moderation=Answer.Moderation.PENDING))
    if errors:
        raise ValidationError(errors)
    return rows


def ballot_cast(
    *,
    consultation: Consultation,
    household: Household,
    answers: dict,
    channel: str,
    entered_by=None,
    now: datetime | None = None,
) -> Ballot:
    """Record a dwelling's ballot. The latest ballot counts, whatever its channel (online,
    paper, door to door); earlier ones stay as history with `is_current=False`.

    `answers` maps question id → choice id (single), list of choice ids (multiple),
    1–5 (rating) or text."""
    now = now or timezone.now()
    if channel not in Ballot.Channel.values:
        raise ValidationError(_("Unknown ballot channel."))
    if channel == Ballot.Channel.ONLINE and entered_by is not None:
        raise ValidationError(_("An online ballot is cast by the resident, not by staff."))
    if channel != Ballot.Channel.ONLINE and entered_by is None:
        raise ValidationError(
            _("A paper or door-to-door ballot records the staff member entering it.")
        )
    if not consultation.is_open(now):
        raise ValidationError(
            _("Voting is not open: it runs from %(start)s to %(end)s.")
            % {
                "start": timezone.localtime(consultation.opens_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if not consultation_households(consultation=consultation).filter(pk=household.pk).exists():
        raise ValidationError(_("This dwelling is not part of this consultation."))
    questions = list(consultation.questions.prefetch_related("choices"))
    rows = answers_validate(questions=questions, answers=answers)
    try:
        with transaction.atomic():
            # Two ballots for one dwelling at the same moment (phone + paper, or a double tap):
            # the household row lock makes the second wait and then replace the first; the
            # partial unique constraint is the backstop that keeps one counted ballot.
            Household.objects.select_for_update().filter(pk=household.pk).values_list("pk").get()
            still_open = Consultation.objects.filter(
                pk=consultation.pk, status=Status.OPEN, closes_at__gt=now
            ).exists()
            if not still_open:
                raise ValidationError(
                    _("Voting closed a moment ago; this ballot was not recorded.")
                )
            Ballot.objects.filter(
                consultation=consultation, household=household, is_current=True
            ).update(is_current=False, superseded_at=now)
            ballot = Ballot.objects.create(
                consultation=consultation,
                household=household,
                channel=channel,
                entered_by=entered_by,
                cast_at=now,
                is_current=True,
            )
            for row in rows:
                row.ballot = ballot
            Answer.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "Another ballot for this dwelling was being recorded at the same moment; please try again."
            )
        ) from exc
    return ballot
