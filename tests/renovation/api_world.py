"""A small city with something in every table the API reads, for the tests that walk the whole
API (schema validation, exports, query bounds). `build_world(tree, alice, bob, size=n)` puts
`n` projects, points, consultations... under each of the tree's three estates."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from consultations import services as consultation_services
from elevators import payment_services, share_services
from elevators import services as elevator_services
from elevators.models import ShareVersion
from inspections.models import PatrolVisit, Status, Step
from projects.models import (
    Complaint,
    FundingLine,
    Milestone,
    Programme,
    ProgressReport,
    Project,
)
from renovation import dates
from tests.communities.factories import EstateFactory
from tests.conftest import make_stairwell
from tests.consultations.factories import make_consultation, vote
from tests.elevators.factories import make_policy, make_retrofit, make_scheme, run_consent
from tests.inspections.factories import PatrolFactory, PointFactory, category
from tests.projects.factories import (
    ComplaintFactory,
    FundingLineFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProjectFactory,
    WorksItemFactory,
)


def _project(estate, programme, status, *, today, households=40):
    extra = {}
    if status == Project.Status.COMPLETED:
        extra = {
            "acceptance_result": Project.AcceptanceResult.PASSED,
            "acceptance_date": today - datetime.timedelta(days=20),
            "satisfaction_rate": Decimal("91.00"),
            "completed_on": today - datetime.timedelta(days=10),
        }
    project = ProjectFactory(
        estate=estate,
        programme=programme,
        status=status,
        households_covered=households,
        start_date=today - datetime.timedelta(days=200),
        planned_completion_date=today + datetime.timedelta(days=100),
        **extra,
    )
    WorksItemFactory(project=project, budget=Decimal("300000.00"), progress=50)
    FundingLineFactory(project=project, source=FundingLine.Source.CENTRAL, amount=Decimal("200000"))
    FundingLineFactory(project=project, source=FundingLine.Source.RESIDENTS, amount=Decimal("5000"))
    # One overdue, one finished late (a strike), one on time.
    MilestoneFactory(project=project, planned_date=today - datetime.timedelta(days=5))
    MilestoneFactory(
        project=project,
        planned_date=today - datetime.timedelta(days=40),
        actual_date=today - datetime.timedelta(days=30),
    )
    MilestoneFactory(
        project=project,
        planned_date=today - datetime.timedelta(days=60),
        actual_date=today - datetime.timedelta(days=61),
    )
    ComplaintFactory(project=project, received_on=today - datetime.timedelta(days=3))
    ProgressReport.objects.create(project=project, report_date=today, note="进度正常")
    return project


def _points(estate, worker, *, today):
    now = timezone.now()
    found = PointFactory(estate=estate, found_by=worker, found_at=now, updated_at=now)
    # The first step a point takes, recorded by the system: no actor, no previous status.
    Step.objects.create(point=found, from_status="", to_status=Status.FOUND, actor=None, at=now)
    served = PointFactory(
        estate=estate,
        found_by=worker,
        status=Status.NOTICE_SERVED,
        deadline=today - datetime.timedelta(days=2),
        area=Decimal("12.50"),
        found_at=now - datetime.timedelta(days=20),
        updated_at=now,
    )
    Step.objects.create(
        point=served,
        from_status=Status.FOUND,
        to_status=Status.NOTICE_SERVED,
        actor=worker,
        at=now - datetime.timedelta(days=15),
        deadline=served.deadline,
    )
    closed = PointFactory(
        estate=estate,
        found_by=worker,
        category=category("gas"),
        status=Status.CLOSED,
        found_at=now - datetime.timedelta(days=30),
        updated_at=now,
    )
    for from_status, to_status, days_ago in (
        (Status.FOUND, Status.RECTIFIED_BY_PARTY, 9),
        (Status.RECTIFIED_BY_PARTY, Status.VERIFIED, 8),
        (Status.VERIFIED, Status.CLOSED, 7),
    ):
        Step.objects.create(
            point=closed,
            from_status=from_status,
            to_status=to_status,
            actor=worker,
            at=now - datetime.timedelta(days=days_ago),
        )
    patrol = PatrolFactory(estate=estate, worker=worker, started_at=now)
    PatrolVisit.objects.create(patrol=patrol, point=found, finding=PatrolVisit.Finding.FOUND)
    return [found, served, closed]


def _retrofits(tree, alice, stairwells, *, today) -> dict:
    """One retrofit whose consent vote passed (shares computed, a payment taken), one proposed,
    and a scheme and a subsidy policy of alice's street."""
    scheme = make_scheme(["0", "1", "1"], name="三层方案（斜土）", region=tree.xietu)
    policy = make_policy("fixed", amount="60000", name="斜土补贴")
    policy.region = tree.xietu
    policy.save()
    paying = make_retrofit(alice, stairwells[tree.estate_a.pk], scheme=scheme, policy=policy)
    share_services.share_table_compute(
        retrofit=paying, reason_kind=ShareVersion.Reason.INITIAL, actor=alice
    )
    households = list(stairwells[tree.estate_a.pk].households.all())
    paying = run_consent(paying, alice, yes=households)
    paying = elevator_services.retrofit_transition(
        retrofit=paying, to_status="consent_reached", actor=alice
    )
    payment_services.payment_record(
        retrofit=paying,
        household=households[-1],
        amount=Decimal("1000"),
        paid_on=today,
        method="bank",
    )
    proposed = make_retrofit(alice, stairwells[tree.estate_b.pk], scheme=scheme)
    return {"scheme": scheme, "policy": policy, "paying": paying, "proposed": proposed}


def build_world(tree, alice, bob, *, size: int = 1) -> SimpleNamespace:
    today = dates.today()
    programme = ProgrammeFactory(
        name="2026年老旧小区综合改造",
        region=tree.city,
        year=today.year,
        target_estates=6,
        target_households=300,
    )
    district_programme = ProgrammeFactory(
        name="徐汇区2025年改造", region=tree.district, year=today.year - 1, target_estates=2
    )
    stairwells, projects, points, consultations = {}, [], [], []
    estates = [tree.estate_a, tree.estate_b, tree.estate_c]
    for n in range(size - 1):
        for community in (tree.rihui6, tree.dongan):
            estates.append(EstateFactory(community=community, name=f"{community.name}新村{n}"))
    statuses = [Project.Status.COMPLETED, Project.Status.UNDER_CONSTRUCTION, Project.Status.PLANNED]
    for i, estate in enumerate(estates):
        stairwells[estate.pk] = make_stairwell(estate, floors=3, per_floor=2)
        projects.append(_project(estate, programme, statuses[i % 3], today=today))
        points += _points(
            estate, bob if estate.community_id == tree.rihui6.pk else alice, today=today
        )
    projects.append(
        _project(tree.estate_a, district_programme, Project.Status.PLANNED, today=today)
    )
    # A consultation that closed with ballots, one open, one draft, on estate_a's stairwell.
    stairwell = stairwells[tree.estate_a.pk]
    households = list(stairwell.households.order_by("floor", "room_number"))
    closed = make_consultation(tree.estate_a, stairwell=stairwell, building=stairwell.building)
    for household, meaning in zip(households[:5], ["yes", "yes", "yes", "no", "yes"], strict=True):
        vote(closed, household, meaning)
    consultation_services.consultation_close(consultation=closed)
    open_ = make_consultation(tree.estate_b, title="改造方案征询")
    vote(open_, stairwells[tree.estate_b.pk].households.first(), "yes")
    draft = make_consultation(tree.estate_a, title="加装电梯意愿", open_it=False)
    consultations += [closed, open_, draft]
    retrofits = _retrofits(tree, alice, stairwells, today=today)
    return SimpleNamespace(
        tree=tree,
        **retrofits,
        today=today,
        programme=programme,
        district_programme=district_programme,
        estates=estates,
        stairwells=stairwells,
        projects=projects,
        points=points,
        consultations=consultations,
        closed=closed,
        open=open_,
        draft=draft,
        complaint=Complaint.objects.filter(project=projects[0]).first(),
        milestone=Milestone.objects.filter(project=projects[0]).first(),
        report=ProgressReport.objects.filter(project=projects[0]).first(),
        programmes=Programme.objects.all(),
    )
