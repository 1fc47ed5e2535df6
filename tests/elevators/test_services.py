"""Retrofits, their workflow and consent gate, cost and subsidy, and the schemes and policies
kept as data: every bad input refused with a message that names the problem, nothing saved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations.models import Consultation
from elevators import cost_services, scheme_services, services
from elevators.models import (
    CostLine,
    Retrofit,
    RetrofitStep,
    SchemeFloor,
    SharingScheme,
    SubsidyPolicy,
)
from tests.communities.factories import StairwellFactory
from tests.conftest import make_stairwell
from tests.consultations.factories import make_consultation
from tests.elevators.factories import make_retrofit, make_scheme, run_consent

D = Decimal
S = Retrofit.Status
pytestmark = pytest.mark.usefixtures("english")


# --- creating -------------------------------------------------------------------------------


def test_a_second_retrofit_for_a_stairwell_is_refused(alice, retrofit, stairwell, scheme7):
    with pytest.raises(ValidationError) as caught:
        services.retrofit_create(user=alice, stairwell=stairwell, scheme=scheme7)
    assert (
        "already has an elevator retrofit (Proposed)" in caught.value.message_dict["stairwell"][0]
    )
    assert Retrofit.objects.count() == 1


def test_the_database_refuses_a_second_retrofit_even_past_the_service(retrofit, scheme7):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Retrofit.objects.create(
            stairwell=retrofit.stairwell, scheme=scheme7, status_changed_on=timezone.localdate()
        )


def test_a_stairwell_that_has_an_elevator_is_refused(alice, tree, scheme7):
    stairwell = StairwellFactory(building__estate=tree.estate_a, has_elevator=True)
    with pytest.raises(ValidationError, match="already has an elevator"):
        services.retrofit_create(user=alice, stairwell=stairwell, scheme=scheme7)


def test_a_stairwell_outside_the_users_scope_is_refused(charlie, stairwell, scheme7):
    with pytest.raises(ValidationError, match="may not start a retrofit"):
        services.retrofit_create(user=charlie, stairwell=stairwell, scheme=scheme7)
    assert not Retrofit.objects.exists()


def test_a_new_retrofit_starts_proposed_with_a_dated_step(alice, retrofit):
    step = retrofit.steps.get()
    assert (step.from_status, step.to_status, step.actor) == ("", S.PROPOSED, alice)
    assert step.on == timezone.localdate()


# --- cost and subsidy -----------------------------------------------------------------------


def test_cost_lines_add_up_to_the_estimate_and_the_subsidy_follows(alice, retrofit):
    cost_services.cost_line_save(
        retrofit=retrofit, line=CostLine(kind="civil_works", amount=D("150000")), actor=alice
    )
    retrofit.refresh_from_db()
    assert retrofit.estimated_cost == D("750000.00")
    assert retrofit.subsidy == D("280000.00")  # 40% would be 300000: capped


def test_a_negative_cost_line_is_refused(alice, retrofit):
    with pytest.raises(ValidationError, match="cannot be negative"):
        cost_services.cost_line_save(
            retrofit=retrofit, line=CostLine(kind="other", amount=D("-1")), actor=alice
        )
    assert retrofit.cost_lines.count() == 1


def test_a_subsidy_granted_over_the_cost_is_refused_and_nothing_changes(alice, retrofit):
    with pytest.raises(ValidationError) as caught:
        services.retrofit_update(
            user=alice, retrofit=retrofit, data={"subsidy_granted": D("600000.01")}
        )
    assert caught.value.message_dict["subsidy_granted"] == [
        "The subsidy granted (¥600000.01) is more than the cost (¥600000.00)."
    ]
    retrofit.refresh_from_db()
    assert retrofit.subsidy_granted is None and retrofit.subsidy == D("240000.00")
    assert retrofit.versions.count() == 1


def test_a_final_cost_below_the_subsidy_granted_is_refused(alice, retrofit):
    services.retrofit_update(user=alice, retrofit=retrofit, data={"subsidy_granted": D("250000")})
    with pytest.raises(ValidationError) as caught:
        cost_services.final_cost_set(retrofit=retrofit, final_cost=D("200000"), actor=alice)
    assert "more than the cost (¥200000" in caught.value.message_dict["final_cost"][0]
    retrofit.refresh_from_db()
    assert retrofit.final_cost is None


def test_a_fixed_subsidy_never_exceeds_a_small_cost(alice, tree, scheme7):
    from tests.elevators.factories import make_policy

    stairwell = make_stairwell(tree.estate_a, floors=7, building_number="4")
    r = make_retrofit(
        alice, stairwell, scheme=scheme7, policy=make_policy(amount="200000"), costs=("150000",)
    )
    assert r.subsidy == D("150000.00") and r.residents_total == D("0.00")


# --- schemes and policies -------------------------------------------------------------------


@pytest.mark.parametrize(
    "coefficients, message",
    [
        (["0", "0", "", "1"], "Floor 3 has no coefficient."),
        (["0", "-0.5", "1"], "Floor 2: the coefficient -0.5 is negative."),
        (["0", "abc", "1"], "Floor 2: “abc” is not a number."),
        (["0", "0.12345"], "Floor 2: use at most 4 decimal places and less than 100."),
        (["0", "0", "0"], "Every floor's coefficient is 0: nobody would pay anything."),
        ([], "Give one coefficient per floor, from the 1st floor up."),
    ],
)
def test_bad_coefficients_are_refused_naming_the_floor(alice, tree, coefficients, message):
    scheme = SharingScheme(name="新方案", region=tree.xietu)
    with pytest.raises(ValidationError) as caught:
        scheme_services.scheme_save(user=alice, scheme=scheme, coefficients=coefficients)
    assert message in caught.value.message_dict["coefficients"]
    assert not SharingScheme.objects.filter(name="新方案").exists()
    assert not SchemeFloor.objects.filter(scheme__name="新方案").exists()


def test_a_scheme_is_kept_at_a_node_the_user_manages(alice, charlie, tree):
    scheme = scheme_services.scheme_save(
        user=alice,
        scheme=SharingScheme(name="斜土方案", region=tree.xietu),
        coefficients=["0", "0.5", "1"],
    )
    assert scheme.coefficient_list == ["0", "0.5", "1"]
    assert scheme in scheme_services.schemes_offered(user=alice)
    assert scheme not in scheme_services.schemes_offered(user=charlie)
    with pytest.raises(ValidationError, match="part of the city you manage"):
        scheme_services.scheme_save(
            user=charlie,
            scheme=SharingScheme(name="越界", region=tree.xietu),
            coefficients=["0", "1"],
        )


def test_shipped_schemes_and_policies_are_offered_everywhere_but_edited_by_superusers(
    charlie, catalogue
):
    shipped = SharingScheme.objects.get(name="七层 楼层系数（一、二层不分摊）")
    assert shipped.coefficient_list == ["0", "0", "0.7", "0.8", "0.9", "1", "1.1"]
    assert shipped in scheme_services.schemes_offered(user=charlie)
    policy = SubsidyPolicy.objects.get(name="按造价40%补贴 每台最高28万元")
    assert (policy.kind, policy.percent, policy.cap) == ("percent", D("40.00"), D("280000.00"))
    assert SubsidyPolicy.objects.filter(amount__in=[D("200000"), D("150000")]).count() == 2
    with pytest.raises(ValidationError, match="part of the city you manage"):
        scheme_services.scheme_save(user=charlie, scheme=shipped, coefficients=["0", "1"])


def test_a_scheme_in_use_keeps_its_coefficients(alice, retrofit, scheme7, tree):
    scheme7.region = tree.xietu
    scheme7.save()
    with pytest.raises(ValidationError, match="used by 1 retrofit"):
        scheme_services.scheme_save(user=alice, scheme=scheme7, coefficients=["0", "0", "1"])
    scheme7.name = "改名可以"
    scheme_services.scheme_save(user=alice, scheme=scheme7, coefficients=scheme7.coefficient_list)
    assert SharingScheme.objects.filter(name="改名可以").exists()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"kind": "fixed"}, "amount", "Give the amount"),
        ({"kind": "percent", "percent": D("0")}, "percent", "above 0 and at most 100"),
        ({"kind": "percent", "percent": D("40"), "cap": D("-5")}, "cap", "more than zero"),
    ],
)
def test_a_bad_policy_is_refused(alice, tree, fields, field, message):
    policy = SubsidyPolicy(name="新政策", region=tree.xietu, **fields)
    with pytest.raises(ValidationError) as caught:
        scheme_services.policy_save(user=alice, policy=policy)
    assert message in caught.value.message_dict[field][0]
    assert not SubsidyPolicy.objects.filter(name="新政策").exists()


# --- the workflow and the consent gate ------------------------------------------------------


def test_the_consent_vote_is_a_major_matter_of_the_stairwell(alice, retrofit):
    now = timezone.now()
    r = services.retrofit_consent_start(
        retrofit=retrofit, actor=alice, opens_at=now, closes_at=now + timedelta(days=7)
    )
    c = r.consultation
    assert r.status == S.CONSENT_VOTE
    assert (c.kind, c.decision_rule, c.stairwell_id) == ("decision", "major", r.stairwell_id)
    assert c.building_id == r.stairwell.building_id and c.status == "draft"
    assert not c.require_no_objection
    assert "¥360000.00" in c.description
    assert r.steps.last().consultation == c


def test_a_scheme_that_requires_no_objection_gets_a_vote_that_requires_it(alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=3, building_number="3")
    scheme = make_scheme(["0", "1", "1"], require_no_objection=True)
    r = make_retrofit(alice, stairwell, scheme=scheme)
    now = timezone.now()
    r = services.retrofit_consent_start(
        retrofit=r, actor=alice, opens_at=now, closes_at=now + timedelta(days=7)
    )
    assert r.consultation.require_no_objection


def test_a_prepared_consultation_must_fit_to_be_the_consent_vote(alice, retrofit, tree):
    ordinary = make_consultation(
        tree.estate_a, stairwell=retrofit.stairwell, rule=Consultation.Rule.ORDINARY
    )
    with pytest.raises(ValidationError) as caught:
        services.retrofit_consent_start(retrofit=retrofit, actor=alice, consultation=ordinary)
    assert "major-matter rule" in caught.value.message_dict["consultation"][0]
    retrofit.refresh_from_db()
    assert retrofit.status == S.PROPOSED and retrofit.consultation is None
    elsewhere = make_consultation(tree.estate_a, building=retrofit.stairwell.building)
    with pytest.raises(ValidationError, match="not held in this stairwell"):
        services.retrofit_consent_start(retrofit=retrofit, actor=alice, consultation=elsewhere)
    major = make_consultation(tree.estate_a, stairwell=retrofit.stairwell)
    r = services.retrofit_consent_start(retrofit=retrofit, actor=alice, consultation=major)
    assert r.consultation == major and r.status == S.CONSENT_VOTE


def test_the_retrofit_cannot_pass_consent_while_the_vote_is_open(alice, retrofit, stairwell):
    r = services.retrofit_consent_start(
        retrofit=retrofit,
        actor=alice,
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=7),
    )
    with pytest.raises(ValidationError) as caught:
        services.retrofit_transition(retrofit=r, to_status=S.CONSENT_REACHED, actor=alice)
    assert "moves on once its result has been decided" in caught.value.message_dict["to_status"][0]
    with pytest.raises(ValidationError, match="decided and did not pass"):
        services.retrofit_transition(retrofit=r, to_status=S.CONSENT_FAILED, actor=alice)
    r.refresh_from_db()
    assert r.status == S.CONSENT_VOTE and r.steps.count() == 2


def test_a_vote_that_passed_lets_the_retrofit_move_on(alice, retrofit, stairwell):
    households = list(stairwell.households.all())
    r = run_consent(retrofit, alice, yes=households[:12], no=households[12:])
    assert r.consultation.status == "decided" and r.consultation.passed  # 12/14 ≥ 3/4
    with pytest.raises(ValidationError, match="decided and did not pass"):
        services.retrofit_transition(retrofit=r, to_status=S.CONSENT_FAILED, actor=alice)
    r = services.retrofit_transition(retrofit=r, to_status=S.CONSENT_REACHED, actor=alice)
    assert r.status == S.CONSENT_REACHED


def test_a_vote_that_failed_stops_the_retrofit_until_a_new_vote(alice, retrofit, stairwell):
    households = list(stairwell.households.all())
    r = run_consent(retrofit, alice, yes=households[:10], no=households[10:])  # 10/14 < 3/4
    assert r.consultation.passed is False
    with pytest.raises(ValidationError, match="did not pass"):
        services.retrofit_transition(retrofit=r, to_status=S.CONSENT_REACHED, actor=alice)
    r = services.retrofit_transition(retrofit=r, to_status=S.CONSENT_FAILED, actor=alice)
    r = services.retrofit_transition(retrofit=r, to_status=S.PROPOSED, actor=alice)
    assert r.consultation is None
    assert RetrofitStep.objects.filter(retrofit=r, consultation__isnull=False).count() == 3


def test_a_passed_vote_carries_the_retrofit_through_to_service(alice, retrofit, stairwell):
    r = run_consent(retrofit, alice, yes=list(stairwell.households.all()))
    for status in (S.CONSENT_REACHED, S.DESIGN):
        r = services.retrofit_transition(retrofit=r, to_status=status, actor=alice)
    with pytest.raises(ValidationError) as caught:
        services.retrofit_transition(retrofit=r, to_status=S.APPROVED, actor=alice)
    assert caught.value.message_dict["permit_number"] == ["Give the permit number of the approval."]
    r = services.retrofit_transition(
        retrofit=r, to_status=S.APPROVED, actor=alice, permit_number="徐规〔2025〕12号"
    )
    for status in (S.CONSTRUCTION, S.INSPECTED, S.IN_SERVICE):
        r = services.retrofit_transition(retrofit=r, to_status=status, actor=alice, note=status)
    stairwell.refresh_from_db()
    assert r.status == S.IN_SERVICE and stairwell.has_elevator
    assert [s.to_status for s in r.steps.all()][-3:] == [S.CONSTRUCTION, S.INSPECTED, S.IN_SERVICE]


def test_the_transition_table_refuses_a_skipped_step(alice, retrofit):
    with pytest.raises(ValidationError) as caught:
        services.retrofit_transition(retrofit=retrofit, to_status=S.DESIGN, actor=alice)
    assert caught.value.message_dict["to_status"] == [
        "A retrofit at “Proposed” cannot move to “Design”. Allowed next: Consent vote."
    ]


def test_a_step_cannot_be_dated_in_the_future_or_before_the_previous_one(alice, retrofit):
    r = run_consent(retrofit, alice, yes=list(retrofit.stairwell.households.all()))
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        services.retrofit_transition(
            retrofit=r, to_status=S.CONSENT_REACHED, actor=alice, on=tomorrow
        )
    with pytest.raises(ValidationError, match="cannot be earlier"):
        services.retrofit_transition(
            retrofit=r, to_status=S.CONSENT_REACHED, actor=alice, on=tomorrow - timedelta(days=400)
        )


def test_an_overdue_retrofit_is_flagged(alice, retrofit):
    services.retrofit_update(
        user=alice, retrofit=retrofit, data={"due_on": timezone.localdate() - timedelta(days=1)}
    )
    retrofit.refresh_from_db()
    assert services.is_overdue(retrofit)


def test_the_statistics_selector_reads_the_whole_city_for_system_jobs(alice, charlie, retrofit):
    from elevators.selectors import retrofit_statistics

    assert retrofit_statistics(user=None)["totals"]["retrofits"] == 1
    assert retrofit_statistics(user=charlie)["totals"]["retrofits"] == 0
    by_district = retrofit_statistics(user=alice, by="district")["per_region"]
    assert [(r["name"], r["retrofits"]) for r in by_district] == [("徐汇区", 1)]
