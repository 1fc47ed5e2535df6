"""What the consultations app does: create and run consultations through their lifecycle
(draft → open → closed → publicity → decided), cast ballots (the latest per dwelling counts,
whatever the channel), issue resident access links, and tally the result under the
owner-decision rules of 民法典 第278条 in exact fractions.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Estate, Household, Stairwell
from consultations.models import (
    AccessLink,
    Answer,
    Ballot,
    Choice,
    Consultation,
    Objection,
    Question,
)
from consultations.selectors import consultation_households

Status = Consultation.Status
MAX_TEXT = 2000

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


def _locked(consultation: Consultation) -> Consultation:
    # Two staff pressing "close" and "publish" at once: the row lock orders them.
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def consultation_open(*, consultation: Consultation, now: datetime | None = None) -> Consultation:
    now = now or timezone.now()
    with transaction.atomic():
        c = _locked(consultation)
        if c.status != Status.DRAFT:
            raise ValidationError(
                _("Only a draft can be opened; this consultation is %(s)s.")
                % {"s": c.get_status_display()}
            )
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
        if not consultation_households(c).exists():
            raise ValidationError(_("There are no dwellings in this scope in the registry."))
        c.status = Status.OPEN
        c.save(update_fields=["status"])
    consultation.refresh_from_db()
    return consultation


def consultation_close(*, consultation: Consultation, now: datetime | None = None) -> Consultation:
    """Close voting (early, or when the period has ended). Results become visible."""
    now = now or timezone.now()
    with transaction.atomic():
        c = _locked(consultation)
        if c.status != Status.OPEN:
            raise ValidationError(
                _("Only an open consultation can be closed; this one is %(s)s.")
                % {"s": c.get_status_display()}
            )
        c.status = Status.CLOSED
        if c.closes_at > now:
            c.closes_at = max(now, c.opens_at + timedelta(seconds=1))
        c.save(update_fields=["status", "closes_at"])
    consultation.refresh_from_db()
    return consultation


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
    with transaction.atomic():
        c = _locked(consultation)
        if c.status != Status.CLOSED:
            raise ValidationError(
                _("Only a closed consultation can be published; this one is %(s)s.")
                % {"s": c.get_status_display()}
            )
        days = c.publicity_days if days is None else days
        if days < 1:
            raise ValidationError({"days": _("The publicity period is at least one day.")})
        c.result_notice = notice.strip()
        c.publicity_days = days
        c.publicity_starts_at = now
        c.publicity_ends_at = now + timedelta(days=days)
        c.status = Status.PUBLICITY
        c.save()
    consultation.refresh_from_db()
    return consultation


def consultation_decide(*, consultation: Consultation, now: datetime | None = None) -> Consultation:
    """After publicity, with every objection answered, the result takes effect."""
    now = now or timezone.now()
    with transaction.atomic():
        c = _locked(consultation)
        if c.status != Status.PUBLICITY:
            raise ValidationError(
                _("Only a published consultation can be decided; this one is %(s)s.")
                % {"s": c.get_status_display()}
            )
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
        c.passed = tally_compute(consultation=c).passed
        c.status = Status.DECIDED
        c.decided_at = now
        c.save(update_fields=["passed", "status", "decided_at"])
    consultation.refresh_from_db()
    return consultation


# ---------------------------------------------------------------------------------------------
# Ballots
# ---------------------------------------------------------------------------------------------


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _answer_rows(questions: list[Question], answers: dict) -> list[Answer]:
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
    if not consultation_households(consultation).filter(pk=household.pk).exists():
        raise ValidationError(_("This dwelling is not part of this consultation."))
    questions = list(consultation.questions.prefetch_related("choices"))
    rows = _answer_rows(questions, answers)
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


# ---------------------------------------------------------------------------------------------
# Resident access links
# ---------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_links_issue(
    *, households: QuerySet, issued_by=None, now: datetime | None = None
) -> list[tuple[Household, str]]:
    """Issue a fresh link for each dwelling, revoking its previous one. The plain tokens are
    returned once, for printing; only their sha256 is stored."""
    now = now or timezone.now()
    with transaction.atomic():
        # Re-issuing the same dwelling twice at once: the row locks order the two issues.
        locked = list(
            households.select_for_update(of=("self",))
            .select_related("stairwell__building")
            .order_by("stairwell__building__number", "stairwell__number", "floor", "room_number")
        )
        ids = [h.pk for h in locked]
        AccessLink.objects.filter(household_id__in=ids, revoked_at__isnull=True).update(
            revoked_at=now
        )
        issued = [(h, secrets.token_urlsafe(24)) for h in locked]
        AccessLink.objects.bulk_create(
            AccessLink(household=h, token_hash=token_hash(t), issued_at=now, issued_by=issued_by)
            for h, t in issued
        )
    return issued


def access_link_issue(
    *, household: Household, issued_by=None, now: datetime | None = None
) -> tuple[AccessLink, str]:
    """(Re-)issue one dwelling's link; the old one stops working at once."""
    [(household, token)] = access_links_issue(
        households=Household.objects.filter(pk=household.pk), issued_by=issued_by, now=now
    )
    return AccessLink.objects.get(token_hash=token_hash(token)), token


def access_link_revoke(*, household: Household, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return AccessLink.objects.filter(household=household, revoked_at__isnull=True).update(
        revoked_at=now
    )


def access_link_resolve(
    *, token: str, now: datetime | None = None, touch: bool = True
) -> AccessLink | None:
    """The active link for `token`, or None (wrong, revoked or re-issued). `touch` records
    the use (a resident opening it; not staff printing its QR code)."""
    if not token or len(token) > 100:
        return None
    link = (
        AccessLink.objects.select_related("household__stairwell__building__estate")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if link is not None and touch:
        AccessLink.objects.filter(pk=link.pk).update(last_used_at=now or timezone.now())
    return link


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


# ---------------------------------------------------------------------------------------------
# Tally
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One of the numbers a rule compares: numerator / denominator against a threshold."""

    label: str
    numerator: Decimal | int
    denominator: Decimal | int
    threshold: Fraction
    strict: bool  # True: must exceed the threshold; False: reaching it is enough

    @property
    def value(self) -> Fraction | None:
        if not self.denominator:
            return None
        return Fraction(self.numerator) / Fraction(self.denominator)

    @property
    def passed(self) -> bool:
        value = self.value
        if value is None:
            return False
        return value > self.threshold if self.strict else value >= self.threshold

    @property
    def percent(self) -> str:
        value = self.value
        return "—" if value is None else f"{float(value * 100):.2f}%"

    @property
    def threshold_label(self) -> str:
        op = ">" if self.strict else "≥"
        return f"{op} {self.threshold.numerator}/{self.threshold.denominator}"


@dataclass
class Tally:
    consultation: Consultation
    electorate_count: int
    electorate_area: Decimal
    participating_count: int
    participating_area: Decimal
    yes_count: int = 0
    yes_area: Decimal = Decimal("0")
    no_count: int = 0
    no_area: Decimal = Decimal("0")
    abstain_count: int = 0
    abstain_area: Decimal = Decimal("0")
    checks: list[Check] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool | None:
        if not self.checks:
            return None
        return all(check.passed for check in self.checks)


TWO_THIRDS, THREE_QUARTERS, HALF = Fraction(2, 3), Fraction(3, 4), Fraction(1, 2)


def _rule_checks(c: Consultation, t: Tally) -> list[Check]:
    rule = c.decision_rule
    checks: list[Check] = []
    if rule in (Consultation.Rule.MAJOR, Consultation.Rule.ORDINARY):
        approve, strict = (
            (THREE_QUARTERS, False) if rule == Consultation.Rule.MAJOR else (HALF, True)
        )
        checks = [
            Check(
                gettext("Participating area of all area"),
                t.participating_area,
                t.electorate_area,
                TWO_THIRDS,
                False,
            ),
            Check(
                gettext("Participating dwellings of all dwellings"),
                t.participating_count,
                t.electorate_count,
                TWO_THIRDS,
                False,
            ),
            Check(
                gettext("Agreeing area of participating area"),
                t.yes_area,
                t.participating_area,
                approve,
                strict,
            ),
            Check(
                gettext("Agreeing dwellings of participating dwellings"),
                t.yes_count,
                t.participating_count,
                approve,
                strict,
            ),
        ]
    elif rule == Consultation.Rule.SIMPLE:
        checks = [
            Check(
                gettext("Agreeing ballots of ballots cast"),
                t.yes_count,
                t.participating_count,
                HALF,
                True,
            )
        ]
    if checks and c.require_no_objection:
        checks.append(
            Check(
                gettext("Dwellings disagreeing (none allowed)"),
                t.participating_count - t.no_count,
                t.participating_count,
                Fraction(1),
                False,
            )
        )
    return checks


def tally_compute(*, consultation: Consultation) -> Tally:
    """Count the counted (latest) ballots in SQL aggregates joined to the dwellings' areas, and
    compare them with the consultation's decision rule in exact fractions."""
    c = consultation
    electorate = consultation_households(c).aggregate(n=Count("id"), area=Sum("floor_area"))
    counted = Ballot.objects.filter(consultation=c, is_current=True)
    decision = c.questions.filter(is_decision=True).first()
    meaning = (
        Subquery(
            Answer.objects.filter(ballot=OuterRef("pk"), question=decision).values(
                "choice__meaning"
            )[:1]
        )
        if decision
        else None
    )
    aggregates = {"n": Count("id"), "area": Sum("household__floor_area")}
    if meaning is not None:
        counted = counted.annotate(meaning=meaning)
        for code in ("yes", "no", "abstain"):
            aggregates[f"{code}_n"] = Count("id", filter=Q(meaning=code))
            aggregates[f"{code}_area"] = Sum("household__floor_area", filter=Q(meaning=code))
    totals = counted.aggregate(**aggregates)
    zero = Decimal("0")
    tally = Tally(
        consultation=c,
        electorate_count=electorate["n"] or 0,
        electorate_area=electorate["area"] or zero,
        participating_count=totals["n"] or 0,
        participating_area=totals["area"] or zero,
        yes_count=totals.get("yes_n") or 0,
        yes_area=totals.get("yes_area") or zero,
        no_count=totals.get("no_n") or 0,
        no_area=totals.get("no_area") or zero,
        abstain_count=totals.get("abstain_n") or 0,
        abstain_area=totals.get("abstain_area") or zero,
    )
    tally.checks = _rule_checks(c, tally)
    tally.questions = _question_results(c, tally.participating_count)
    return tally


def _question_results(c: Consultation, ballots: int) -> list[dict]:
    """Per question: choice counts, rating average and satisfaction rate (ratings ≥ 4),
    the number of written answers — three grouped queries, whatever the number of ballots."""
    current = Q(answers__ballot__is_current=True, answers__ballot__consultation=c)
    questions = list(
        c.questions.prefetch_related(
            "choices",
        ).annotate(
            rated=Count("answers", filter=current & Q(answers__rating__isnull=False)),
            satisfied=Count("answers", filter=current & Q(answers__rating__gte=4)),
            rating_sum=Sum("answers__rating", filter=current),
            texts=Count("answers", filter=current & ~Q(answers__text="")),
        )
    )
    choice_counts = dict(
        Answer.objects.filter(ballot__consultation=c, ballot__is_current=True, choice__isnull=False)
        .values_list("choice")
        .annotate(n=Count("id"))
    )
    results = []
    for q in questions:
        entry = {"question": q, "type": q.type, "choices": []}
        if q.type in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            for choice in q.choices.all():
                n = choice_counts.get(choice.pk, 0)
                entry["choices"].append(
                    {
                        "choice": choice,
                        "count": n,
                        "percent": round(100 * n / ballots) if ballots else 0,
                    }
                )
        elif q.type == Question.Type.RATING:
            rate = Fraction(q.satisfied, q.rated) if q.rated else None
            entry.update(
                rated=q.rated,
                satisfied=q.satisfied,
                average=(
                    (Decimal(q.rating_sum) / q.rated).quantize(Decimal("0.01")) if q.rated else None
                ),
                satisfaction_rate=rate,
                satisfaction_percent=(f"{float(rate * 100):.1f}%" if rate is not None else "—"),
            )
        else:
            entry["texts"] = q.texts
        results.append(entry)
    return results
