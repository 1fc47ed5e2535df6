"""What the consultations app reads: scoped querysets, the electorate of a consultation, a
dwelling's ballots and objections, ideas, and resident links per dwelling. Results and turnout
are in `consultations.tally`. Nothing here reads what a ballot chose before voting has closed,
except a dwelling's own ballot for that dwelling."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from communities.models import Household
from consultations.models import (
    AccessLink,
    Answer,
    Ballot,
    Consultation,
    ElectorateEntry,
    Objection,
    Question,
)
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
    """Every dwelling of the registry inside the consultation's scope, as the registry is now
    (what voting freezes when it opens; see `electorate_households` for what counts)."""
    if consultation.stairwell_id:
        households = Household.objects.filter(stairwell_id=consultation.stairwell_id)
    elif consultation.building_id:
        households = Household.objects.filter(stairwell__building_id=consultation.building_id)
    else:
        households = Household.objects.filter(stairwell__building__estate_id=consultation.estate_id)
    return households


def electorate_households(*, consultation: Consultation) -> QuerySet:
    """The dwellings that count: the electorate frozen when voting opened (a draft has none
    frozen yet, so the registry's dwellings of the scope stand in)."""
    if consultation.status == Consultation.Status.DRAFT:
        return consultation_households(consultation=consultation)
    return Household.objects.filter(electorate_entries__consultation=consultation)


def electorate_turnout(*, consultation: Consultation) -> dict:
    """{"total", "voted"}: the dwellings of the frozen electorate, and how many of them have a
    counted ballot (one query)."""
    counted = Ballot.objects.filter(
        consultation=consultation, household=OuterRef("household"), is_current=True
    )
    return ElectorateEntry.objects.filter(consultation=consultation).aggregate(
        total=Count("id"), voted=Count("id", filter=Exists(counted))
    )


def electorate_freezes(*, consultation: Consultation) -> list:
    """The freezes of the electorate, latest first, with who made them."""
    return list(consultation.freezes.select_related("frozen_by").order_by("-pk"))


def consultation_questions(*, consultation: Consultation) -> list[Question]:
    """The questions in order, with their choices (two queries)."""
    return list(consultation.questions.prefetch_related("choices"))


def consultation_objections(*, consultation: Consultation) -> QuerySet:
    return consultation.objections.select_related("household__stairwell__building")


def consultation_ballots(*, user, consultation: Consultation) -> QuerySet:
    """Every ballot of the consultation (counted and replaced) the user may handle ballots for,
    with dwelling, staff member, answers and the dwelling's area in the frozen electorate
    (`frozen_area`, None outside it), in building → stairwell → floor → room order."""
    frozen_area = ElectorateEntry.objects.filter(
        consultation=consultation, household=OuterRef("household")
    ).values("floor_area")[:1]
    return (
        access.scope_queryset(user, Ballot.objects.filter(consultation=consultation), access.BALLOT)
        .annotate(frozen_area=Subquery(frozen_area))
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
    """Consultations a dwelling takes part in (never drafts), each with `in_electorate` (the
    dwelling is in its frozen electorate) and `counted_channel` (the channel of the dwelling's
    counted ballot, None before it votes) — in the same query."""
    stairwell = household.stairwell
    counted = Ballot.objects.filter(
        consultation=OuterRef("pk"), household=household, is_current=True
    )
    return (
        Consultation.objects.filter(estate_id=stairwell.building.estate_id)
        .filter(Q(building__isnull=True) | Q(building_id=stairwell.building_id))
        .filter(Q(stairwell__isnull=True) | Q(stairwell_id=stairwell.pk))
        .exclude(status=Consultation.Status.DRAFT)
        .annotate(
            in_electorate=Exists(
                ElectorateEntry.objects.filter(consultation=OuterRef("pk"), household=household)
            ),
            counted_channel=Subquery(counted.values("channel")[:1]),
        )
        .order_by("-opens_at", "-pk")
    )


def consultations_open_for_household(*, household: Household, now) -> list[Consultation]:
    """The dwelling's consultations open for voting at `now` (at most two: enough to know
    whether there is exactly one)."""
    return list(
        consultations_for_household(household=household).filter(
            status=Consultation.Status.OPEN, opens_at__lte=now, closes_at__gt=now
        )[:2]
    )


def household_ballot(*, consultation: Consultation, household: Household) -> Ballot | None:
    """The dwelling's counted ballot, with its answers, the staff member who entered it and the
    ballot it replaced."""
    return (
        Ballot.objects.filter(consultation=consultation, household=household, is_current=True)
        .select_related("entered_by", "replaces")
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


def households_link_counts(*, households: QuerySet) -> dict:
    """{"dwellings", "with_link"}: how many dwellings, and how many of them have an active link
    (whose printed slip a new issue would void) — one query."""
    active = AccessLink.objects.filter(household=OuterRef("pk"), revoked_at__isnull=True)
    return households.aggregate(dwellings=Count("id"), with_link=Count("id", filter=Exists(active)))


def household_active_link(*, household: Household) -> AccessLink | None:
    """The dwelling's active link (its printed slip), if any."""
    return AccessLink.objects.filter(household=household, revoked_at__isnull=True).first()
