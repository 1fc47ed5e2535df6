"""Share tables in the database: hand-computed shares for several schemes, versions kept when a
dwelling declines and joins again, schedules that add up, payments against them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from elevators import cost_services, payment_services, selectors, services, share_services
from elevators.models import Decline, Instalment, InstalmentPlan, Payment, Share, ShareVersion
from elevators.sharing import to_fen
from tests.communities.factories import HouseholdFactory
from tests.conftest import make_stairwell
from tests.elevators.conftest import room, shares_by_room
from tests.elevators.factories import make_policy, make_retrofit, make_scheme, run_consent

D = Decimal
Reason = ShareVersion.Reason
pytestmark = pytest.mark.usefixtures("english")


def test_the_first_table_shares_cost_less_subsidy_by_floor_coefficient(retrofit):
    assert retrofit.estimated_cost == D("600000") and retrofit.subsidy == D("240000.00")
    # 360000 over weights 2×(0.7+0.8+0.9+1.0+1.1) = 9: exactly 28000, 32000, … per dwelling.
    assert shares_by_room(retrofit) == {
        "101": D("0.00"),
        "102": D("0.00"),
        "201": D("0.00"),
        "202": D("0.00"),
        "301": D("28000.00"),
        "302": D("28000.00"),
        "401": D("32000.00"),
        "402": D("32000.00"),
        "501": D("36000.00"),
        "502": D("36000.00"),
        "601": D("40000.00"),
        "602": D("40000.00"),
        "701": D("44000.00"),
        "702": D("44000.00"),
    }
    version = retrofit.versions.get()
    assert version.is_current and version.number == 1 and version.reason_kind == Reason.INITIAL
    assert version.residents_total == D("360000.00") == version.amount_shared


def test_an_area_weighted_scheme_with_ground_floor_compensation(alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=2, building_number="9")
    for number, area in (("101", "55.00"), ("102", "65.00"), ("201", "50.00"), ("202", "70.00")):
        stairwell.households.filter(room_number=number).update(floor_area=D(area))
    stairwell.households.filter(room_number="301").update(floor_area=D("60.00"))
    stairwell.households.filter(room_number="302").update(floor_area=D("40.00"))
    scheme = make_scheme(["0", "1", "2"], area_weighted=True, compensation="500")
    policy = make_policy("fixed", amount="150000")
    r = make_retrofit(alice, stairwell, scheme=scheme, policy=policy, costs=("250000",))
    version = share_services.share_table_compute(retrofit=r, reason_kind=Reason.INITIAL)
    # Residents 100000 plus 2 × 500 compensation = 101000.00 over weights 50, 70, 120, 80
    # (sum 320): 15781.25, 22093.75, 37875.00, 25250.00 — exact, nothing left over.
    assert version.amount_shared == D("101000.00") and version.compensation_total == D("1000.00")
    assert shares_by_room(r) == {
        "101": D("0.00"),
        "102": D("0.00"),
        "201": D("15781.25"),
        "202": D("22093.75"),
        "301": D("37875.00"),
        "302": D("25250.00"),
    }
    compensation = dict(
        Share.objects.filter(version=version).values_list("household__room_number", "compensation")
    )
    assert compensation["101"] == compensation["102"] == D("500.00")
    assert compensation["201"] == D("0.00")


def test_compensation_by_the_schemes_own_rule_is_recorded_but_not_shared(alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=1, building_number="8")
    scheme = make_scheme(
        ["0", "1", "1"], compensation="800", compensation_funding="own_rule", name="自定"
    )
    r = make_retrofit(alice, stairwell, scheme=scheme, costs=("1000.01",))
    version = share_services.share_table_compute(retrofit=r, reason_kind=Reason.INITIAL)
    assert version.amount_shared == D("1000.01") and version.compensation_total == D("800.00")
    # 100001 fen over two equal weights: the odd fen goes to the higher floor.
    assert shares_by_room(r) == {"101": D("0.00"), "201": D("500.00"), "301": D("500.01")}


def test_a_decline_recomputes_the_others_and_keeps_the_earlier_version(alice, retrofit, stairwell):
    today = timezone.localdate()
    share_services.decline_record(
        retrofit=retrofit, household=room(stairwell, "301"), on=today, reason="采光", actor=alice
    )
    # 36000000 fen over 8.3: remainders .578 (302), .518 (401, 402), .458 (501, 502), …; the
    # four fen left go to 302, then the tie 402 before 401 (higher room), then 502.
    assert shares_by_room(retrofit) == {
        "101": D("0.00"),
        "102": D("0.00"),
        "201": D("0.00"),
        "202": D("0.00"),
        "301": D("0.00"),
        "302": D("30361.45"),
        "401": D("34698.80"),
        "402": D("34698.80"),
        "501": D("39036.14"),
        "502": D("39036.15"),
        "601": D("43373.49"),
        "602": D("43373.49"),
        "701": D("47710.84"),
        "702": D("47710.84"),
    }
    versions = list(retrofit.versions.order_by("number"))
    assert [(v.number, v.is_current, v.reason_kind) for v in versions] == [
        (1, False, Reason.INITIAL),
        (2, True, Reason.DECLINED),
    ]
    assert versions[1].effective_on == today and "301" in versions[1].reason
    assert shares_by_room(retrofit, number=1)["301"] == D("28000.00")  # the old table is intact
    declined = Share.objects.get(version=versions[1], household__room_number="301")
    assert declined.kind == Share.Kind.DECLINED


def test_a_dwelling_that_joins_again_pays_its_share_from_then_on(alice, retrofit, stairwell):
    today = timezone.localdate()
    household = room(stairwell, "301")
    share_services.decline_record(
        retrofit=retrofit, household=household, on=today - timedelta(days=30), actor=alice
    )
    share_services.rejoin_record(
        retrofit=retrofit, household=household, on=today, note="同意了", actor=alice
    )
    assert shares_by_room(retrofit)["301"] == D("28000.00")
    assert [v.reason_kind for v in retrofit.versions.order_by("number")] == [
        Reason.INITIAL,
        Reason.DECLINED,
        Reason.JOINED,
    ]
    assert retrofit.versions.filter(is_current=True).count() == 1
    plan = InstalmentPlan.objects.get(retrofit=retrofit, household=household)
    assert plan.first_due_on == today
    schedule = Instalment.objects.filter(
        share__version__is_current=True, share__household=household
    )
    assert [(i.due_on, i.principal) for i in schedule] == [(today, D("28000.00"))]
    decline = Decline.objects.get(household=household)
    assert decline.rejoined_on == today and decline.rejoin_note == "同意了"


def test_joining_again_without_having_declined_is_refused(retrofit, stairwell):
    with pytest.raises(ValidationError, match="has not declined"):
        share_services.rejoin_record(
            retrofit=retrofit, household=room(stairwell, "301"), on=timezone.localdate()
        )


def test_the_final_cost_replaces_the_estimate_and_the_shares_follow(alice, retrofit):
    cost_services.final_cost_set(retrofit=retrofit, final_cost=D("630000"), actor=alice)
    retrofit.refresh_from_db()
    assert retrofit.cost == D("630000.00") and retrofit.subsidy == D("252000.00")
    current = retrofit.versions.get(is_current=True)
    assert current.reason_kind == Reason.COST and current.residents_total == D("378000.00")
    assert sum(shares_by_room(retrofit).values()) == D("378000.00")


def test_a_change_that_moves_no_share_makes_no_new_version(alice, retrofit):
    services.retrofit_update(
        user=alice, retrofit=retrofit, data={"builder": "某电梯公司", "note": "北侧"}
    )
    assert retrofit.versions.count() == 1


def test_a_plan_reshapes_the_schedule_and_it_adds_up_to_the_share(alice, retrofit, stairwell):
    household = room(stairwell, "701")
    first = timezone.localdate()
    payment_services.plan_save(
        retrofit=retrofit,
        household=household,
        down_payment=D("4000.01"),
        months=7,
        first_due_on=first,
        interest_borne_by="resident",
        annual_rate=D("4.35"),
    )
    statement = selectors.dwelling_statement(retrofit=retrofit, household=household)
    rows = statement.schedule
    assert len(rows) == 8 and rows[0].number == 0 and rows[0].principal == D("4000.01")
    assert sum(r.principal for r in rows) == D("44000.00")
    assert all(r.interest > 0 for r in rows[1:])
    assert statement.scheduled == D("44000.00") + sum(r.interest for r in rows)


def test_a_plan_survives_a_recompute_and_its_schedule_follows_the_new_share(
    alice, retrofit, stairwell
):
    household = room(stairwell, "701")
    payment_services.plan_save(
        retrofit=retrofit,
        household=household,
        down_payment=D("0"),
        months=24,
        first_due_on=timezone.localdate(),
    )
    share_services.decline_record(
        retrofit=retrofit, household=room(stairwell, "301"), on=timezone.localdate(), actor=alice
    )
    share = Share.objects.get(version__is_current=True, household=household)
    assert share.amount == D("47710.84")
    assert share.schedule.count() == 24
    assert sum(to_fen(i.principal) for i in share.schedule.all()) == to_fen(share.amount)


@pytest.mark.parametrize(
    "terms, field, message",
    [
        ({"down_payment": D("-1")}, "down_payment", "cannot be negative"),
        ({"down_payment": D("44000.01")}, "down_payment", "more than the share"),
        ({"months": 121}, "months", "between 0 and 120"),
        ({"months": 0, "down_payment": D("100")}, "months", "whole share is due at once"),
        ({"annual_rate": D("30")}, "annual_rate", "between 0 and 24"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_changes(retrofit, stairwell, terms, field, message):
    household = room(stairwell, "701")
    arguments = {
        "down_payment": D("0"),
        "months": 12,
        "first_due_on": timezone.localdate(),
        **terms,
    }
    with pytest.raises(ValidationError) as caught:
        payment_services.plan_save(retrofit=retrofit, household=household, **arguments)
    assert message in " ".join(caught.value.message_dict[field])
    assert not InstalmentPlan.objects.exists()
    assert Instalment.objects.filter(share__household=household).count() == 1


def test_a_plan_for_a_dwelling_that_pays_nothing_is_refused(retrofit, stairwell):
    with pytest.raises(ValidationError, match="pays nothing"):
        payment_services.plan_save(
            retrofit=retrofit,
            household=room(stairwell, "101"),
            down_payment=D("0"),
            months=12,
            first_due_on=timezone.localdate(),
        )


@pytest.fixture
def consented(alice, retrofit, stairwell):
    households = list(stairwell.households.all())
    r = run_consent(retrofit, alice, yes=households)
    return services.retrofit_transition(retrofit=r, to_status="consent_reached", actor=alice)


def test_payments_are_applied_to_the_schedule_in_order(alice, consented, stairwell):
    household = room(stairwell, "701")
    start = timezone.localdate() - timedelta(days=75)
    payment_services.plan_save(
        retrofit=consented, household=household, down_payment=D("0"), months=4, first_due_on=start
    )
    payment_services.payment_record(
        retrofit=consented,
        household=household,
        amount=D("15000"),
        paid_on=start,
        method="bank",
        actor=alice,
    )
    statement = selectors.dwelling_statement(retrofit=consented, household=household)
    assert [r.state for r in statement.schedule] == ["paid", "overdue", "overdue", "due"]
    assert [r.received for r in statement.schedule] == [
        D("11000.00"),
        D("4000.00"),
        D("0.00"),
        D("0.00"),
    ]
    # Due before today: three instalments of 11000; paid 15000.
    assert statement.arrears == D("18000.00") and statement.owed == D("29000.00")


def test_a_payment_over_what_is_owed_is_refused_and_not_recorded(alice, consented, stairwell):
    household = room(stairwell, "301")
    with pytest.raises(ValidationError) as caught:
        payment_services.payment_record(
            retrofit=consented,
            household=household,
            amount=D("28000.01"),
            paid_on=timezone.localdate(),
            method="cash",
            actor=alice,
        )
    assert (
        "more than room 301 (floor 3) still owes (¥28000.00)"
        in caught.value.message_dict["amount"][0]
    )
    assert not Payment.objects.exists()


def test_a_payment_before_consent_is_refused(alice, retrofit, stairwell):
    with pytest.raises(ValidationError, match="once consent is reached"):
        payment_services.payment_record(
            retrofit=retrofit,
            household=room(stairwell, "301"),
            amount=D("100"),
            paid_on=timezone.localdate(),
            method="cash",
        )
    assert not Payment.objects.exists()


def test_a_dwelling_outside_the_stairwell_is_refused_everywhere(alice, consented, tree):
    other = HouseholdFactory(stairwell__building__estate=tree.estate_a, room_number="999")
    calls = [
        lambda: payment_services.payment_record(
            retrofit=consented,
            household=other,
            amount=D("1"),
            paid_on=timezone.localdate(),
            method="cash",
        ),
        lambda: share_services.decline_record(
            retrofit=consented, household=other, on=timezone.localdate()
        ),
        lambda: payment_services.plan_save(
            retrofit=consented,
            household=other,
            down_payment=D("0"),
            months=1,
            first_due_on=timezone.localdate(),
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as caught:
            call()
        assert "not in this retrofit's stairwell" in caught.value.message_dict["household"][0]
    assert not Payment.objects.exists() and not Decline.objects.exists()
    assert not InstalmentPlan.objects.exists()


def test_when_every_paying_dwelling_declines_the_last_decline_is_refused_whole(
    alice, tree, scheme7
):
    stairwell = make_stairwell(tree.estate_a, floors=7, per_floor=1, building_number="7")
    r = make_retrofit(alice, stairwell, scheme=scheme7, costs=("100000",))
    share_services.share_table_compute(retrofit=r, reason_kind=Reason.INITIAL)
    payers = list(stairwell.households.filter(floor__gte=3).order_by("floor"))
    for household in payers[:-1]:
        share_services.decline_record(retrofit=r, household=household, on=timezone.localdate())
    with pytest.raises(ValidationError, match="nobody would pay the ¥100000.00"):
        share_services.decline_record(retrofit=r, household=payers[-1], on=timezone.localdate())
    assert not Decline.objects.filter(household=payers[-1]).exists()
    assert r.versions.filter(is_current=True).get().number == len(payers)


def test_a_stairwell_floor_without_a_coefficient_is_named(alice, tree):
    stairwell = make_stairwell(tree.estate_a, floors=7, per_floor=1, building_number="6")
    scheme = make_scheme(["0", "0", "1", "1", "1", "1"], name="六层")
    r = make_retrofit(alice, stairwell, scheme=scheme, costs=("100000",))
    with pytest.raises(ValidationError) as caught:
        share_services.share_table_compute(retrofit=r, reason_kind=Reason.INITIAL)
    assert "no coefficient for floor 7" in caught.value.message_dict["scheme"][0]
    assert not ShareVersion.objects.exists()


def test_the_share_table_reads_in_a_fixed_number_of_queries(
    alice, retrofit, tree, scheme7, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6) as captured:
        table = selectors.share_table(retrofit=retrofit, personal=True)
    assert len(table.rows) == 14 and table.totals["amount"] == D("360000.00")
    few = len(captured)
    bigger = make_stairwell(tree.estate_a, floors=7, per_floor=4, building_number="5")
    big = make_retrofit(alice, bigger, scheme=scheme7, costs=("600000",))
    share_services.share_table_compute(retrofit=big, reason_kind=Reason.INITIAL)
    with django_assert_max_num_queries(few):
        table = selectors.share_table(retrofit=big, personal=True)
    assert len(table.rows) == 28


def test_moving_the_due_date_moves_the_rows_of_dwellings_without_a_plan(alice, retrofit, stairwell):
    planned = room(stairwell, "701")
    payment_services.plan_save(
        retrofit=retrofit,
        household=planned,
        down_payment=D("0"),
        months=2,
        first_due_on=timezone.localdate(),
    )
    later = timezone.localdate() + timedelta(days=60)
    services.retrofit_update(user=alice, retrofit=retrofit, data={"payment_due_on": later})
    rows = Instalment.objects.filter(share__version__is_current=True)
    assert set(rows.exclude(share__household=planned).values_list("due_on", flat=True)) == {later}
    assert rows.filter(share__household=planned).count() == 2
    assert retrofit.versions.count() == 1
