"""The REST API: scoped viewsets (out of scope is 404), domain actions as explicit POSTs calling
the services (their refusals as 400s naming the problem, in Chinese like the whole portal),
masking, and the bureau's aggregates."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.models import Owner
from elevators import payment_services, services, share_services
from elevators.models import Payment, Retrofit, SharingScheme
from tests.conftest import make_stairwell
from tests.elevators.conftest import room
from tests.elevators.factories import make_retrofit, run_consent

D = Decimal
API = "/api/v1/"


def test_retrofits_are_listed_in_scope_only(client, alice, charlie, retrofit):
    client.force_login(alice)
    data = client.get(f"{API}elevator-retrofits/").json()
    assert [r["id"] for r in data["results"]] == [retrofit.pk]
    row = data["results"][0]
    assert row["status"] == "proposed" and row["residents_total"] == "360000.00"
    assert row["estate_name"] == "日晖六村" and len(row["cost_lines"]) == 1
    client.force_login(charlie)
    assert client.get(f"{API}elevator-retrofits/").json()["results"] == []
    assert client.get(f"{API}elevator-retrofits/{retrofit.pk}/").status_code == 404
    response = client.post(
        f"{API}elevator-retrofits/{retrofit.pk}/transition/",
        {"to_status": "consent_vote"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_creating_through_the_api_and_a_second_one_refused(client, alice, stairwell, scheme7):
    client.force_login(alice)
    body = {"stairwell": stairwell.pk, "scheme": scheme7.pk, "payment_due_on": "2026-01-31"}
    response = client.post(f"{API}elevator-retrofits/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["payment_due_on"] == "2026-01-31"
    response = client.post(f"{API}elevator-retrofits/", body, content_type="application/json")
    assert response.status_code == 400
    assert "已有加梯项目" in response.json()["stairwell"][0]
    assert Retrofit.objects.count() == 1


def test_a_stairwell_outside_the_scope_reads_as_absent(client, charlie, stairwell, scheme7):
    client.force_login(charlie)
    response = client.post(
        f"{API}elevator-retrofits/",
        {"stairwell": stairwell.pk, "scheme": scheme7.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "对象不存在" in response.json()["stairwell"][0]


def test_the_bureau_reads_but_cannot_write(client, diana, retrofit):
    client.force_login(diana)
    assert client.get(f"{API}elevator-retrofits/{retrofit.pk}/").status_code == 200
    response = client.post(
        f"{API}elevator-retrofits/{retrofit.pk}/compute-shares/",
        {},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_consent_gate_answers_400_with_the_reason(client, alice, retrofit):
    client.force_login(alice)
    now = timezone.now()
    response = client.post(
        f"{API}elevator-retrofits/{retrofit.pk}/consent/",
        {"opens_at": now.isoformat(), "closes_at": (now + timedelta(days=7)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "consent_vote"
    response = client.post(
        f"{API}elevator-retrofits/{retrofit.pk}/transition/",
        {"to_status": "consent_reached"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "表决结果生效后项目才能继续" in response.json()["to_status"][0]


def test_shares_recompute_decline_and_versions(client, alice, retrofit, stairwell):
    client.force_login(alice)
    response = client.post(
        f"{API}elevator-retrofits/{retrofit.pk}/decline/",
        {"household": room(stairwell, "301").pk, "on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 200
    versions = client.get(f"{API}elevator-retrofits/{retrofit.pk}/versions/").json()
    assert [(v["number"], v["is_current"], v["reason_kind"]) for v in versions] == [
        (2, True, "declined"),
        (1, False, "initial"),
    ]
    shares = client.get(
        f"{API}elevator-shares/", {"retrofit_id": retrofit.pk, "current": "true"}
    ).json()["results"]
    assert len(shares) == 14
    assert sum(D(s["amount"]) for s in shares) == D("360000.00")
    assert {s["room_number"]: s["kind"] for s in shares}["301"] == "declined"


def test_a_household_outside_the_scope_reads_as_absent_in_an_action(client, charlie, alice, tree):
    other_stairwell = make_stairwell(tree.estate_c, floors=3, building_number="1")
    stairwell = make_stairwell(tree.estate_a, floors=3, building_number="2")
    from tests.elevators.factories import make_scheme

    r = make_retrofit(alice, stairwell, scheme=make_scheme(["0", "1", "1"]))
    client.force_login(alice)
    response = client.post(
        f"{API}elevator-retrofits/{r.pk}/decline/",
        {"household": other_stairwell.households.first().pk, "on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 400 and "对象不存在" in response.json()["household"][0]


def test_owners_are_masked_in_the_api_outside_the_owning_scope(
    client, alice, diana, retrofit, stairwell
):
    Owner.objects.filter(household=room(stairwell, "701")).update(name="张三丰")
    params = {"retrofit_id": retrofit.pk, "current": "true", "limit": 100}
    client.force_login(alice)
    owners = {
        s["room_number"]: s["owner"]
        for s in client.get(f"{API}elevator-shares/", params).json()["results"]
    }
    assert owners["701"] == "张三丰"
    client.force_login(diana)
    owners = {
        s["room_number"]: s["owner"]
        for s in client.get(f"{API}elevator-shares/", params).json()["results"]
    }
    assert owners["701"] == "张**"


def test_the_shares_list_costs_a_fixed_number_of_queries(
    client, alice, retrofit, tree, scheme7, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(12) as captured:
        assert len(client.get(f"{API}elevator-shares/").json()["results"]) == 14
    few = len(captured)
    big = make_retrofit(
        alice,
        make_stairwell(tree.estate_a, floors=7, per_floor=3, building_number="3"),
        scheme=scheme7,
    )
    share_services.share_table_compute(retrofit=big, reason_kind="initial")
    with django_assert_max_num_queries(few):
        assert len(client.get(f"{API}elevator-shares/").json()["results"]) == 35


@pytest.fixture
def paying(alice, retrofit, stairwell):
    r = run_consent(retrofit, alice, yes=list(stairwell.households.all()))
    return services.retrofit_transition(retrofit=r, to_status="consent_reached", actor=alice)


def test_payments_through_the_api(client, alice, paying, stairwell):
    client.force_login(alice)
    body = {
        "retrofit": paying.pk,
        "household": room(stairwell, "301").pk,
        "amount": "28000.01",
        "paid_on": str(timezone.localdate()),
        "method": "bank",
    }
    response = client.post(f"{API}elevator-payments/", body, content_type="application/json")
    assert response.status_code == 400
    assert "尚欠金额（¥28000.00）" in response.json()["amount"][0]
    assert not Payment.objects.exists()
    body["amount"] = "10000"
    response = client.post(f"{API}elevator-payments/", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["room_number"] == "301"


def test_the_bureaus_statistics(
    client, alice, diana, charlie, paying, tree, scheme7, stairwell, django_assert_max_num_queries
):
    make_retrofit(
        alice, make_stairwell(tree.estate_b, floors=7, building_number="5"), scheme=scheme7
    )
    payment_services.payment_record(
        retrofit=paying,
        household=room(stairwell, "701"),
        amount=D("44000"),
        paid_on=timezone.localdate(),
        method="bank",
    )
    client.force_login(diana)
    with django_assert_max_num_queries(10):
        data = client.get(f"{API}elevator-statistics/").json()
    counts = {s["status"]: s["count"] for s in data["by_status"]}
    assert counts["consent_reached"] == 1 and counts["proposed"] == 1
    assert data["totals"] == {
        "retrofits": 2,
        "consent_reached": 1,
        "in_service": 0,
        "subsidy_committed": "240000.00",  # the proposed one commits nothing yet
        "residents_share": "360000.00",
        "residents_paid": "44000.00",
    }
    assert [r["name"] for r in data["per_region"]] == ["斜土街道"]
    by_estate = client.get(f"{API}elevator-statistics/", {"by": "estate"}).json()["per_region"]
    assert sorted(r["name"] for r in by_estate) == ["日晖二村", "日晖六村"]
    assert "张" not in str(data) and "owner" not in str(data)
    assert client.get(f"{API}elevator-statistics/", {"by": "street"}).status_code == 400
    client.force_login(charlie)
    assert client.get(f"{API}elevator-statistics/").json()["totals"]["retrofits"] == 0
    assert client.get(f"{API}elevator-statistics/", {"region_id": tree.xietu.pk}).status_code == 404


def test_arrears_per_estate_and_stairwell(client, alice, paying, stairwell):
    household = room(stairwell, "701")
    payment_services.plan_save(
        retrofit=paying,
        household=household,
        down_payment=D("0"),
        months=2,
        first_due_on=timezone.localdate() - timedelta(days=20),
    )
    client.force_login(alice)
    data = client.get(f"{API}elevator-arrears/").json()
    # The others' single instalments fall due today (not late yet); 701's first fell 20 days ago.
    assert data["total"] == "22000.00"
    assert (
        data["per_stairwell"][0]["dwellings"] == 1 and data["per_estate"][0]["estate"] == "日晖六村"
    )


def test_schemes_through_the_api_name_a_bad_floor(client, alice, tree, catalogue):
    client.force_login(alice)
    response = client.post(
        f"{API}elevator-schemes/",
        {"name": "API方案", "region": tree.xietu.pk, "coefficients": ["0", "", "1"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["coefficients"] == ["2层没有系数。"]
    response = client.post(
        f"{API}elevator-schemes/",
        {"name": "API方案", "region": tree.xietu.pk, "coefficients": ["0", "0.6", "1"]},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["coefficients"] == ["0", "0.6", "1"]
    assert SharingScheme.objects.filter(name="API方案").exists()
    names = [
        s["name"] for s in client.get(f"{API}elevator-schemes/", {"limit": 100}).json()["results"]
    ]
    assert "API方案" in names and "七层 楼层系数（一、二层不分摊）" in names
