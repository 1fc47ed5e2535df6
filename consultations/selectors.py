"""What the consultations app reads: scoped querysets, the electorate of a consultation, a
dwelling's ballots and objections, ideas, and resident links per dwelling. Results and turnout
are in `consultations.tally`. Nothing here reads what a ballot chose before voting has closed,
except a dwelling's own ballot for that dwelling."""

from django.db.models import Count, Prefetch, Q, QuerySet

from communities.models import Household
from consultations.models import Answer, Ballot, Consultation, Objection, Question
from renovation import access


def consultations_visible(*, user, perm: str = access.VIEW) -> QuerySet:
    """The consultations `user` may `perm`, with what a list row and a detail page show."""
    return access.scope_queryset(
        user,
        Consultation.objects.select_related(
            "estate", "building", "stairwell__building", "stairwell__building__estate"
        ),
        perm,
    )


def consultations_with_ballot_count(*, user) -> QuerySet:
    """The list page: each visible consultation with its number of counted ballots."""
    return (
        consultations_visible(user=user)
        .annotate(ballots_counted=Count("ballots", filter=Q(ballots__is_current=True)))
        .order_by("-opens_at", "-pk")
    )


def consultation_households(*, consultation: Consultation) -> QuerySet:
    """The electorate: every dwelling of the registry inside the consultation's scope."""
    if consultation.stairwell_id:
        households = Household.objects.filter(stairwell_id=consultation.stairwell_id)
    elif consultation.building_id:
        households = Household.objects.filter(stairwell__building_id=consultation.building_id)
    else:
        households = Household.objects.filter(stairwell__building__estate_id=consultation.estate_id)
    return households


def consultation_questions(*, consultation: Consultation) -> list[Question]:
    """The questions in order, with their choices (two queries)."""
    return list(consultation.questions.prefetch_related("choices"))


def consultation_objections(*, consultation: Consultation) -> QuerySet:
    return consultation.objections.select_related("household__stairwell__building")


def consultation_ballots(*, user, consultation: Consultation) -> QuerySet:
    """Every ballot of the consultation (counted and replaced) the user may handle ballots for,
    with dwelling, staff member and answers, in building → stairwell → floor → room order."""
    return (
        access.scope_queryset(user, Ballot.objects.filter(consultation=consultation), access.BALLOT)
        .select_related("household__stairwell__building", "entered_by")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("choice")))
        .order_by(
            "household__stairwell__building__number",
            "household__stairwell__number",
            "household__floor",
            "household__room_number",
            "cast_at",
        )
    )


def consultations_for_household(*, household: Household) -> QuerySet:
    """Consultations a dwelling takes part in (never drafts)."""
    stairwell = household.stairwell
    return (
        Consultation.objects.filter(estate_id=stairwell.building.estate_id)
        .filter(Q(building__isnull=True) | Q(building_id=stairwell.building_id))
        .filter(Q(stairwell__isnull=True) | Q(stairwell_id=stairwell.pk))
        .exclude(status=Consultation.Status.DRAFT)
        .order_by("-opens_at", "-pk")
    )


def consultations_voted(*, household: Household, consultations: list[Consultation]) -> set[int]:
    """The ids of those `consultations` in which the dwelling has a counted ballot."""
    return set(
        Ballot.objects.filter(
            household=household, is_current=True, consultation__in=[c.pk for c in consultations]
        ).values_list("consultation_id", flat=True)
    )


def household_ballot(*, consultation: Consultation, household: Household) -> Ballot | None:
    """The dwelling's counted ballot, with its answers and the staff member who entered it."""
    return (
        Ballot.objects.filter(consultation=consultation, household=household, is_current=True)
        .select_related("entered_by")
        .prefetch_related("answers")
        .first()
    )


def household_ballot_count(*, consultation: Consultation, household: Household) -> int:
    """How many ballots the dwelling has cast, the replaced ones included."""
    return Ballot.objects.filter(consultation=consultation, household=household).count()


def household_objections(*, consultation: Consultation, household: Household) -> QuerySet:
    return Objection.objects.filter(consultation=consultation, household=household)


def ballot_answers(*, ballot: Ballot) -> list[Answer]:
    """A ballot's answers in question order, as the resident sees what they chose."""
    answers = Answer.objects.filter(ballot=ballot).select_related("choice", "question")
    return sorted(answers, key=lambda a: (a.question.position, a.question_id, a.pk))


def ideas_written(*, consultation: Consultation) -> QuerySet:
    """The written answers (ideas) of the counted ballots, pending ones first, to moderate."""
    return (
        Answer.objects.filter(
            ballot__consultation=consultation,
            ballot__is_current=True,
            question__type=Question.Type.TEXT,
        )
        .exclude(text="")
        .select_related("question")
        .order_by("moderation", "pk")
    )


def ideas_approved(*, consultation: Consultation, limit: int = 200) -> list[Answer]:
    """The ideas staff approved, shown with the results (the first `limit`)."""
    return list(
        Answer.objects.filter(
            ballot__consultation=consultation,
            ballot__is_current=True,
            moderation=Answer.Moderation.APPROVED,
        )
        .select_related("question")
        .order_by("question__position", "pk")[:limit]
    )


def households_with_links(*, households: QuerySet) -> QuerySet:
    """The dwellings with their number of active resident links, in notice-board order."""
    return (
        households.select_related("stairwell__building")
        .annotate(
            active_links=Count("access_links", filter=Q(access_links__revoked_at__isnull=True))
        )
        .order_by("stairwell__building__number", "stairwell__number", "floor", "room_number")
    )
