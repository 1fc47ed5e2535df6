from datetime import timedelta

from django.utils import timezone

from consultations import services
from consultations.ballots import ballot_cast
from consultations.models import Consultation, Question


def make_consultation(
    estate,
    *,
    stairwell=None,
    building=None,
    kind=Consultation.Kind.DECISION,
    rule=None,
    title="加装电梯表决",
    open_it=True,
    no_objection=False,
    **extra,
):
    """A consultation through the real service (decisions get their agree/disagree question),
    opened unless open_it=False; voting runs from an hour ago to a week ahead."""
    now = timezone.now()
    consultation = services.consultation_create(
        estate=estate,
        stairwell=stairwell,
        building=building,
        title=title,
        kind=kind,
        decision_rule=rule,
        require_no_objection=no_objection,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        **extra,
    )
    if kind not in (Consultation.Kind.DECISION, Consultation.Kind.SURVEY):
        services.question_save(
            consultation=consultation, text="总体满意度", type=Question.Type.RATING
        )
    if open_it:
        services.consultation_open(consultation=consultation)
    return consultation


def decision_choice(consultation, meaning):
    question = consultation.questions.get(is_decision=True)
    return question, question.choices.get(meaning=meaning)


def vote(
    consultation,
    household,
    meaning,
    *,
    channel="online",
    entered_by=None,
    now=None,
    replaces=None,
    replace_reason="",
):
    question, choice = decision_choice(consultation, meaning)
    return ballot_cast(
        consultation=consultation,
        household=household,
        answers={question.pk: choice.pk},
        channel=channel,
        entered_by=entered_by,
        now=now,
        replaces=replaces,
        replace_reason=replace_reason,
    )
