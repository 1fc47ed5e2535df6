"""Lifecycle, ballots (channels and precedence), access links and objections."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from communities.models import Household
from consultations import services
from consultations.ballots import ballot_cast
from consultations.links import (
    access_link_issue,
    access_link_resolve,
    access_link_revoke,
    access_links_issue,
)
from consultations.models import AccessLink, Ballot, Consultation, Question
from consultations.tally import tally_compute
from tests.conftest import make_stairwell
from tests.consultations.factories import decision_choice, make_consultation, vote

Status = Consultation.Status


@pytest.fixture(autouse=True)
def _english():
    # The refusals are matched by their English msgids.
    with translation.override("en"):
        yield


@pytest.fixture
def stairwell(tree):
    return make_stairwell(tree.estate_a, floors=3, per_floor=2)


@pytest.fixture
def household(stairwell):
    return Household.objects.filter(stairwell=stairwell).first()


# --- lifecycle --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_consultation_walks_from_draft_to_decided(tree, stairwell, household):
    c = make_consultation(tree.estate_a, stairwell=stairwell, open_it=False)
    assert c.status == Status.DRAFT
    services.consultation_open(consultation=c)
    vote(c, household, "yes")
    services.consultation_close(consultation=c)
    now = timezone.now()
    services.consultation_publish(consultation=c, notice="公示", days=7, now=now)
    assert c.status == Status.PUBLICITY and c.publicity_ends_at == now + timedelta(days=7)
    services.consultation_decide(consultation=c, now=now + timedelta(days=7))
    assert c.status == Status.DECIDED and c.passed is False  # 1 of 6 took part


@pytest.mark.django_db
@pytest.mark.parametrize(
    "service,status",
    [
        (services.consultation_close, Status.DRAFT),
        (services.consultation_open, Status.OPEN),
        (services.consultation_decide, Status.CLOSED),
    ],
)
def test_transitions_out_of_order_are_refused_with_a_reason(tree, stairwell, service, status):
    c = make_consultation(tree.estate_a, stairwell=stairwell, open_it=False)
    Consultation.objects.filter(pk=c.pk).update(status=status)
    c.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        service(consultation=c)
    assert c.get_status_display() in " ".join(excinfo.value.messages)


@pytest.mark.django_db
def test_publishing_is_refused_while_voting_is_open(tree, stairwell):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ValidationError):
        services.consultation_publish(consultation=c, notice="公示")


@pytest.mark.django_db
def test_a_consultation_without_choices_cannot_open(tree, stairwell):
    c = make_consultation(
        tree.estate_a, stairwell=stairwell, kind=Consultation.Kind.PLAN_CHOICE, open_it=False
    )
    Question.objects.filter(consultation=c).delete()
    with pytest.raises(ValidationError, match="at least one question"):
        services.consultation_open(consultation=c)


@pytest.mark.django_db
def test_the_decision_waits_for_the_end_of_publicity(tree, stairwell):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    services.consultation_close(consultation=c)
    now = timezone.now()
    services.consultation_publish(consultation=c, notice="公示", days=5, now=now)
    with pytest.raises(ValidationError, match="publicity period runs until"):
        services.consultation_decide(consultation=c, now=now + timedelta(days=4, hours=23))


@pytest.mark.django_db
def test_the_decision_waits_for_every_objection_to_be_answered(tree, stairwell, household, alice):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    services.consultation_close(consultation=c)
    now = timezone.now()
    services.consultation_publish(consultation=c, notice="公示", days=3, now=now)
    objection = services.objection_lodge(
        consultation=c, household=household, text="噪音太大", now=now + timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="unanswered"):
        services.consultation_decide(consultation=c, now=now + timedelta(days=3))
    services.objection_answer(objection=objection, response="施工时间已调整", responded_by=alice)
    services.consultation_decide(consultation=c, now=now + timedelta(days=3))
    assert c.status == Status.DECIDED


@pytest.mark.django_db
def test_objections_are_refused_outside_publicity(tree, stairwell, household):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ValidationError, match="publicity"):
        services.objection_lodge(consultation=c, household=household, text="反对")


@pytest.mark.django_db
def test_questions_cannot_change_once_voting_has_opened(tree, stairwell):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ValidationError, match="draft"):
        services.question_save(consultation=c, text="新问题", type=Question.Type.TEXT)


@pytest.mark.django_db
def test_a_multiple_choice_question_keeps_its_maximum(tree, stairwell, household):
    c = make_consultation(
        tree.estate_a, stairwell=stairwell, kind=Consultation.Kind.PLAN_CHOICE, open_it=False
    )
    q = services.question_save(
        consultation=c,
        text="您最需要哪些改造项目？",
        type=Question.Type.MULTIPLE,
        choices=["加装电梯", "屋面防水", "停车位", "绿化"],
        min_choices=1,
        max_choices=2,
    )
    services.consultation_open(consultation=c)
    ids = list(q.choices.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as excinfo:
        ballot_cast(
            consultation=c,
            household=household,
            channel="online",
            answers={q.pk: ids[:3], c.questions.first().pk: None},
        )
    assert f"q{q.pk}" in excinfo.value.message_dict
    ballot_cast(
        consultation=c,
        household=household,
        channel="online",
        answers={q.pk: ids[:2], c.questions.exclude(pk=q.pk).first().pk: 4},
    )


# --- ballots ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_ballot_for_the_same_dwelling_replaces_the_first(tree, stairwell, household):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    first = vote(c, household, "no")
    second = vote(c, household, "yes")
    first.refresh_from_db()
    assert not first.is_current and first.superseded_at is not None
    assert second.is_current
    assert Ballot.objects.filter(consultation=c, household=household).count() == 2


@pytest.mark.django_db
def test_a_paper_ballot_after_an_online_one_is_the_one_that_counts(tree, stairwell, household, bob):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    online = vote(c, household, "no")
    paper = vote(
        c,
        household,
        "yes",
        channel="paper",
        entered_by=bob,
        replaces=online.pk,
        replace_reason="业主到居委会改投纸质票",
    )
    counted = Ballot.objects.get(consultation=c, household=household, is_current=True)
    assert counted == paper and counted.entered_by == bob
    assert (counted.replaces, counted.replace_reason) == (online, "业主到居委会改投纸质票")
    assert tally_compute(consultation=c).yes_count == 1


@pytest.mark.django_db
def test_a_paper_ballot_over_an_online_one_needs_a_reason(tree, stairwell, household, bob):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    online = vote(c, household, "no")
    with pytest.raises(ValidationError, match="say why") as refused:
        vote(c, household, "yes", channel="paper", entered_by=bob, replaces=online.pk)
    assert "replace_reason" in refused.value.message_dict
    assert Ballot.objects.get(consultation=c, household=household, is_current=True) == online


@pytest.mark.django_db
def test_a_paper_ballot_entered_without_seeing_a_new_online_one_is_refused(
    tree, stairwell, household, bob
):
    # The clerk opened the dwelling before the resident voted online, then saved the paper.
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    online = vote(c, household, "no")
    with pytest.raises(ValidationError, match="voted online"):
        vote(c, household, "yes", channel="paper", entered_by=bob, replace_reason="纸质票")
    assert Ballot.objects.get(consultation=c, household=household, is_current=True) == online


@pytest.mark.django_db
def test_an_online_ballot_after_a_paper_one_is_the_one_that_counts(tree, stairwell, household, bob):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    vote(c, household, "yes", channel="door_to_door", entered_by=bob)
    online = vote(c, household, "no")
    assert Ballot.objects.get(consultation=c, household=household, is_current=True) == online
    assert tally_compute(consultation=c).no_count == 1


@pytest.mark.django_db
def test_a_paper_ballot_must_name_the_staff_member(tree, stairwell, household):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ValidationError, match="staff member"):
        vote(c, household, "yes", channel="paper")


@pytest.mark.django_db
def test_ballots_are_refused_before_opening_and_after_closing(tree, stairwell, household):
    draft = make_consultation(tree.estate_a, stairwell=stairwell, open_it=False)
    with pytest.raises(ValidationError, match="not open"):
        vote(draft, household, "yes")
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ValidationError, match="not open"):
        vote(c, household, "yes", now=c.closes_at)


@pytest.mark.django_db
def test_a_dwelling_outside_the_scope_cannot_vote(tree, stairwell):
    other = make_stairwell(tree.estate_a, building_number="2")
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    with pytest.raises(ValidationError, match="not part"):
        vote(c, other.households.first(), "yes")


@pytest.mark.django_db
def test_a_choice_of_another_question_is_refused(tree, stairwell, household):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    other = make_consultation(tree.estate_a, stairwell=stairwell)
    question, _ = decision_choice(c, "yes")
    _, foreign = decision_choice(other, "yes")
    with pytest.raises(ValidationError):
        ballot_cast(
            consultation=c, household=household, channel="online", answers={question.pk: foreign.pk}
        )


@pytest.mark.django_db(transaction=True)
def test_two_ballots_for_one_dwelling_at_the_same_moment_end_as_one_counted_ballot(tree, bob):
    stairwell = make_stairwell(tree.estate_a, floors=2, per_floor=1)
    household = Household.objects.filter(stairwell=stairwell).first()
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    question, yes = decision_choice(c, "yes")
    _, no = decision_choice(c, "no")
    barrier = threading.Barrier(2)
    errors = []

    def submit(choice, channel, entered_by):
        try:
            barrier.wait(timeout=10)
            ballot_cast(
                consultation=c,
                household=household,
                channel=channel,
                entered_by=entered_by,
                answers={question.pk: choice.pk},
            )
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    # A double tap on the phone. (Paper against online is not a race to win: a paper ballot
    # that meets an online one it was not shown is refused, see the test above.)
    threads = [
        threading.Thread(target=submit, args=(yes, "online", None)),
        threading.Thread(target=submit, args=(no, "online", None)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert Ballot.objects.filter(consultation=c, household=household).count() == 2
    assert Ballot.objects.filter(consultation=c, household=household, is_current=True).count() == 1
    assert tally_compute(consultation=c).participating_count == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_counted_ballot(tree, stairwell, household):
    from django.db import IntegrityError, transaction

    c = make_consultation(tree.estate_a, stairwell=stairwell)
    vote(c, household, "yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            consultation=c, household=household, channel="online", is_current=True
        )


# --- access links -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_token_is_stored_only_as_its_sha256(tree, household):
    import hashlib

    link, token = access_link_issue(household=household)
    assert len(token) >= 32
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not AccessLink.objects.filter(token_hash=token).exists()
    assert access_link_resolve(token=token) == link


@pytest.mark.django_db
def test_re_issuing_a_link_revokes_the_old_one(tree, household):
    _, old = access_link_issue(household=household)
    _, new = access_link_issue(household=household)
    assert access_link_resolve(token=old) is None
    assert access_link_resolve(token=new).household == household
    assert AccessLink.objects.filter(household=household, revoked_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_revoked_link_no_longer_opens(tree, household):
    _, token = access_link_issue(household=household)
    access_link_revoke(household=household)
    assert access_link_resolve(token=token) is None


@pytest.mark.django_db
def test_bulk_issue_gives_every_dwelling_its_own_token(tree, stairwell):
    issued = access_links_issue(households=Household.objects.filter(stairwell=stairwell))
    assert len(issued) == 6 and len({t for _, t in issued}) == 6
    assert AccessLink.objects.filter(revoked_at__isnull=True).count() == 6


@pytest.mark.django_db
def test_consultations_close_by_themselves_when_their_period_ends(tree, stairwell):
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    assert services.consultations_close_due(now=c.closes_at - timedelta(seconds=1)) == 0
    assert services.consultations_close_due(now=c.closes_at) == 1
    c.refresh_from_db()
    assert c.status == Status.CLOSED


@pytest.mark.django_db
def test_the_periodic_task_closes_due_consultations(tree, stairwell):
    from consultations.tasks import close_due

    c = make_consultation(tree.estate_a, stairwell=stairwell)
    Consultation.objects.filter(pk=c.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert close_due() == 1
    c.refresh_from_db()
    assert c.status == Status.CLOSED
