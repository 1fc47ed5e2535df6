import io

import pytest

from elevators.models import Decline, Payment, Retrofit, Share, ShareVersion
from elevators.sharing import to_fen


@pytest.fixture
def demo_city(db):
    from communities import demo as registry
    from consultations import demo as consultations_demo

    registry.seed_demo(stdout=io.StringIO())
    consultations_demo.seed_demo(stdout=io.StringIO())


def test_the_demo_seeds_retrofits_at_several_stages_once(demo_city):
    from elevators import demo

    out = io.StringIO()
    demo.seed_demo(stdout=out)
    demo.seed_demo(stdout=io.StringIO())
    statuses = sorted(Retrofit.objects.values_list("status", flat=True))
    assert statuses == sorted(
        ["in_service", "construction", "consent_vote", "proposed", "design", "consent_failed"]
    ), out.getvalue()
    in_service = Retrofit.objects.get(status="in_service")
    assert in_service.stairwell.building.estate.name == "东怡街79号院"
    assert in_service.stairwell.has_elevator
    # the dwelling that declined and joined again left a version behind each time
    assert Decline.objects.filter(retrofit=in_service, rejoined_on__isnull=False).exists()
    assert ShareVersion.objects.filter(retrofit=in_service).count() >= 4
    assert Payment.objects.filter(retrofit=in_service).exists()
    voting = Retrofit.objects.get(status="consent_vote")
    assert voting.consultation.status == "open"
    assert voting.stairwell.building.estate.name == "日晖六村"


def test_the_consultations_demo_vote_states_the_subsidy_the_policy_gives(demo_city):
    """Both demos tell of a ¥600,000 elevator at 日晖六村 under the shipped 40% policy (capped at
    ¥280,000): the consultations demo's vote text must state what that policy gives."""
    from consultations.demo import ELEVATOR
    from consultations.models import Consultation
    from elevators import demo

    demo.seed_demo(stdout=io.StringIO())
    retrofit = Retrofit.objects.get(
        stairwell__building__estate__name="日晖六村", status="consent_vote"
    )
    assert (retrofit.cost, retrofit.subsidy) == (600000, 240000)
    text = Consultation.objects.get(title=ELEVATOR).description
    assert "造价约60万元" in text
    assert f"约{retrofit.subsidy / 10000:.0f}万元" in text


def test_every_demo_share_table_adds_up_to_the_amount_shared(demo_city):
    from elevators import demo

    demo.seed_demo(stdout=io.StringIO())
    for version in ShareVersion.objects.all():
        total = sum(to_fen(s.amount) for s in Share.objects.filter(version=version))
        assert total == to_fen(version.amount_shared)


def test_the_demo_skips_missing_estates(db):
    from elevators import demo

    out = io.StringIO()
    demo.seed_demo(stdout=out)
    assert "missing" in out.getvalue() and not Retrofit.objects.exists()
