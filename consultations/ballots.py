"""Casting a ballot: a dwelling's answers, checked against the questions and recorded in one
transaction. The latest ballot per dwelling counts, whatever its channel (online, paper, door
to door); earlier ones stay as history. Only a dwelling of the electorate frozen when voting
opened may vote (`consultations.electorate`). How the counted ballots decide:
`consultations.tally`."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Household
from consultations.models import (
    MAX_TEXT,
    Answer,
    Ballot,
    Consultation,
    ElectorateEntry,
    Question,
)

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


def _refusal_outside(consultation: Consultation, household: Household, now: datetime):
    """Why the entry lock found nothing: voting closed a moment ago, or the dwelling is not in
    the frozen electorate (only on this failure path: one or two more queries)."""
    if ElectorateEntry.objects.filter(consultation=consultation, household=household).exists():
        return ValidationError(_("Voting closed a moment ago; this ballot was not recorded."))
    frozen_at = (
        consultation.freezes.order_by("-pk").values_list("frozen_at", flat=True).first() or now
    )
    return ValidationError(
        _(
            "This dwelling is not part of this consultation: it is not among the dwellings "
            "frozen as the electorate on %(date)s. If it should be, the street office can "
            "re-freeze the electorate from the registry, with a reason."
        )
        % {"date": timezone.localtime(frozen_at).strftime("%Y-%m-%d %H:%M")}
    )


def _replacement(replaced, *, replaces: int | None, reason: str) -> None:
    """A staff ballot that replaces a resident's online ballot names the ballot it replaces
    (the one shown to the staff member) and says why."""
    if replaced is None:
        if replaces is not None:
            raise ValidationError(
                _("The ballot you meant to replace no longer counts; look at the dwelling again.")
            )
        return
    replaced_pk, replaced_channel, replaced_at = replaced
    if replaced_channel != Ballot.Channel.ONLINE:
        return
    when = timezone.localtime(replaced_at).strftime("%Y-%m-%d %H:%M")
    if replaces != replaced_pk:
        raise ValidationError(
            _(
                "This dwelling's resident voted online on %(when)s. Look at that ballot, then "
                "say why this one replaces it."
            )
            % {"when": when}
        )
    if not reason:
        raise ValidationError(
            {
                "replace_reason": _(
                    "This ballot replaces the resident's online ballot of %(when)s: say why."
                )
                % {"when": when}
            }
        )


def ballot_cast(
    *,
    consultation: Consultation,
    household: Household,
    answers: dict,
    channel: str,
    entered_by=None,
    now: datetime | None = None,
    replaces: int | None = None,
    replace_reason: str = "",
) -> Ballot:
    """Record a dwelling's ballot. The latest ballot counts, whatever its channel (online,
    paper, door to door); earlier ones stay as history with `is_current=False`. Only a
    dwelling of the electorate frozen when voting opened may vote.

    `answers` maps question id → choice id (single), list of choice ids (multiple),
    1–5 (rating) or text. A paper or door-to-door ballot that replaces the resident's online
    ballot must name it (`replaces`, the id of the ballot the staff member was shown) and say
    why (`replace_reason`); both are kept on the new ballot."""
    now = now or timezone.now()
    replace_reason = (replace_reason or "").strip()
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
    questions = list(consultation.questions.prefetch_related("choices"))
    rows = answers_validate(questions=questions, answers=answers)
    try:
        with transaction.atomic():
            # One statement checks that the dwelling is in the frozen electorate and that voting
            # is still open, and locks the dwelling's entry: two ballots for one dwelling at the
            # same moment (phone + paper, or a double tap) wait here and the second replaces the
            # first; a re-freeze removing the dwelling waits too. The partial unique constraint
            # is the backstop that keeps one counted ballot.
            entry = (
                ElectorateEntry.objects.select_for_update(of=("self",))
                .filter(
                    consultation_id=consultation.pk,
                    household_id=household.pk,
                    consultation__status=Status.OPEN,
                    consultation__closes_at__gt=now,
                )
                .values_list("pk", flat=True)
                .first()
            )
            if entry is None:
                raise _refusal_outside(consultation, household, now)
            current = Ballot.objects.filter(
                consultation=consultation, household=household, is_current=True
            )
            replaced = None
            if channel != Ballot.Channel.ONLINE:
                replaced = current.values_list("pk", "channel", "cast_at").first()
                _replacement(replaced, replaces=replaces, reason=replace_reason)
            current.update(is_current=False, superseded_at=now)
            ballot = Ballot.objects.create(
                consultation=consultation,
                household=household,
                channel=channel,
                entered_by=entered_by,
                cast_at=now,
                is_current=True,
                replaces_id=replaced[0] if replaced else None,
                replace_reason=replace_reason if replaced else "",
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
