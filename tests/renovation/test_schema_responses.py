"""The schema is true: a real response of every operation in `/api/schema/` — successes,
and the 400/401/403/404/429 bodies — validates against what the schema says of it."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from elevators.models import Payment, Share
from inspections.models import Category
from renovation.api_tokens import api_token_create
from tests.conftest import make_stairwell
from tests.elevators.factories import make_policy, make_scheme
from tests.renovation.api_world import build_world
from tests.renovation.schema_check import SchemaCheck

API = "/api/v1"
# Actions on one object that create something (and answer 201).
CREATING = {"/elevator-retrofits/{id}/compute-shares/"}


@pytest.fixture
def world(tree, alice, bob, diana):
    return build_world(tree, alice, bob)


def client_for(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def success_cases(w, alice):
    """(method, path template, url parameters, query or body) — every operation once."""
    a, b = w.tree.estate_a, w.tree.estate_b
    stairwell = w.stairwells[a.pk]
    building = stairwell.building
    household = stairwell.households.first()
    project, planned = w.projects[0], w.projects[1]
    point = w.points[0]
    category = Category.objects.filter(is_active=True).first()
    today = w.today.isoformat()
    new_estate = {"name": "新建小区", "address": "斜土路1号", "community": w.tree.rihui6.pk}
    cases = [
        ("get", "/regions/", {}, {}),
        ("get", "/regions/{id}/", {"id": w.tree.xietu.pk}, {}),
        ("get", "/estates/", {}, {"q": "日晖"}),
        ("post", "/estates/", {}, new_estate),
        ("get", "/estates/{id}/", {"id": a.pk}, {}),
        ("put", "/estates/{id}/", {"id": a.pk}, {**new_estate, "name": a.name}),
        ("patch", "/estates/{id}/", {"id": a.pk}, {"address": "斜土路2号"}),
        ("get", "/buildings/", {}, {"estate_id": a.pk}),
        ("post", "/buildings/", {}, {"estate": a.pk, "number": "9", "floors": 6}),
        ("get", "/buildings/{id}/", {"id": building.pk}, {}),
        (
            "put",
            "/buildings/{id}/",
            {"id": building.pk},
            {"estate": a.pk, "number": "1", "floors": 4},
        ),
        ("patch", "/buildings/{id}/", {"id": building.pk}, {"year_built": 1990}),
        ("get", "/stairwells/", {}, {}),
        ("post", "/stairwells/", {}, {"building": building.pk, "number": "2", "floors": 3}),
        ("get", "/stairwells/{id}/", {"id": stairwell.pk}, {}),
        (
            "put",
            "/stairwells/{id}/",
            {"id": stairwell.pk},
            {"building": building.pk, "number": "1", "floors": 3},
        ),
        ("patch", "/stairwells/{id}/", {"id": stairwell.pk}, {"has_elevator": True}),
        ("get", "/households/", {}, {}),
        (
            "post",
            "/households/",
            {},
            {"stairwell": stairwell.pk, "floor": 2, "room_number": "209", "floor_area": "50.00"},
        ),
        ("get", "/households/{id}/", {"id": household.pk}, {}),
        (
            "put",
            "/households/{id}/",
            {"id": household.pk},
            {
                "stairwell": stairwell.pk,
                "floor": household.floor,
                "room_number": household.room_number,
                "floor_area": "61.00",
            },
        ),
        ("patch", "/households/{id}/", {"id": household.pk}, {"occupants": 3}),
        ("get", "/programmes/", {}, {"year": w.today.year}),
        ("get", "/programmes/{id}/", {"id": w.programme.pk}, {}),
        ("get", "/projects/", {}, {"overdue": "true"}),
        (
            "post",
            "/projects/",
            {},
            {
                "programme": w.district_programme.pk,
                "estate": b.pk,
                "official_name": "李明",
                "households_covered": 20,
            },
        ),
        ("get", "/projects/{id}/", {"id": project.pk}, {}),
        (
            "put",
            "/projects/{id}/",
            {"id": planned.pk},
            {
                "programme": planned.programme_id,
                "estate": planned.estate_id,
                "official_name": "王建国",
            },
        ),
        ("patch", "/projects/{id}/", {"id": planned.pk}, {"contractor": "城建集团"}),
        ("post", "/projects/{id}/transition/", {"id": planned.pk}, {"to_status": "accepting"}),
        (
            "post",
            "/projects/{id}/acceptance/",
            {"id": planned.pk},
            {"acceptance_date": today, "acceptance_result": "passed", "satisfaction_rate": "90"},
        ),
        ("get", "/progress-reports/", {}, {}),
        (
            "post",
            "/progress-reports/",
            {},
            {"project": planned.pk, "report_date": today, "note": "外墙完成"},
        ),
        ("get", "/progress-reports/{id}/", {"id": w.report.pk}, {}),
        ("get", "/complaints/", {}, {"is_open": "true"}),
        (
            "post",
            "/complaints/",
            {},
            {
                "project": project.pk,
                "received_on": today,
                "channel": "hotline",
                "category": "noise",
                "text": "夜间施工",
            },
        ),
        ("get", "/complaints/{id}/", {"id": w.complaint.pk}, {}),
        (
            "put",
            "/complaints/{id}/",
            {"id": w.complaint.pk},
            {
                "project": project.pk,
                "received_on": today,
                "channel": "online",
                "category": "noise",
                "text": "噪音",
            },
        ),
        ("patch", "/complaints/{id}/", {"id": w.complaint.pk}, {"text": "夜间噪音"}),
        (
            "post",
            "/complaints/{id}/resolve/",
            {"id": w.complaint.pk},
            {"resolved_on": today, "reply": "已协调施工时间"},
        ),
        ("get", "/consultations/", {}, {}),
        ("get", "/consultations/{id}/", {"id": w.closed.pk}, {}),
        ("get", "/consultations/{id}/results/", {"id": w.closed.pk}, {}),
        ("get", "/consultations/{id}/turnout/", {"id": w.closed.pk}, {}),
        ("post", "/consultations/{id}/open/", {"id": w.draft.pk}, {}),
        ("post", "/consultations/{id}/close/", {"id": w.open.pk}, {}),
        ("get", "/consultation-questions/", {}, {"consultation_id": w.closed.pk}),
        ("get", "/consultation-questions/{id}/", {"id": w.closed.questions.first().pk}, {}),
        ("get", "/inspection-categories/", {}, {}),
        ("get", "/inspection-categories/{id}/", {"id": category.pk}, {}),
        ("get", "/inspection-points/", {}, {"overdue": "true"}),
        (
            "post",
            "/inspection-points/",
            {},
            {"estate": a.pk, "category": category.pk, "location": "3号楼顶"},
        ),
        ("get", "/inspection-points/{id}/", {"id": point.pk}, {}),
        ("get", "/inspection-points/{id}/next_steps/", {"id": point.pk}, {}),
        (
            "post",
            "/inspection-points/{id}/transition/",
            {"id": point.pk},
            {
                "to_status": "notice_served",
                "deadline": (w.today + datetime.timedelta(days=15)).isoformat(),
            },
        ),
        ("get", "/inspection-patrols/", {}, {}),
        ("post", "/inspection-patrols/", {}, {"estate": a.pk, "points": [point.pk]}),
        ("get", "/inspection-patrols/{id}/", {"id": point.patrols.first().pk}, {}),
        ("get", "/inspection-statistics/", {}, {}),
    ]
    cases += elevator_cases(w)
    for topic in (
        "elevators",
        "programme-coverage",
        "project-status",
        "completion",
        "investment",
        "households-benefited",
        "overdue",
        "consultations",
        "inspections",
    ):
        cases.append(("get", f"/statistics/{topic}/", {}, {"region": w.tree.xietu.pk}))
        if topic not in ("project-status", "investment", "elevators"):  # no dates to count by
            cases.append(("get", f"/statistics/{topic}/weekly/", {}, {"weeks": 3}))
    return cases


def elevator_cases(w):
    paying, proposed = w.paying, w.proposed
    households = list(proposed.stairwell.households.order_by("floor", "room_number"))
    payer = paying.stairwell.households.order_by("floor", "room_number").last()
    today = w.today.isoformat()
    new_stairwell = make_stairwell(w.tree.estate_b, floors=3, building_number="8")
    scheme = {"name": "API方案", "region": w.tree.xietu.pk, "coefficients": ["0", "0.8", "1"]}
    policy = {"name": "API补贴", "region": w.tree.xietu.pk, "kind": "fixed", "amount": "50000"}
    # Schemes and policies no retrofit uses yet: their figures may still change.
    free_scheme = make_scheme(["0", "1"], name="两层方案（斜土）", region=w.tree.xietu)
    free_policy = make_policy("fixed", amount="1000", name="斜土试点补贴")
    free_policy.region = w.tree.xietu
    free_policy.save()
    now = timezone.now()
    period = {"opens_at": now.isoformat(), "closes_at": (now + timedelta(days=7)).isoformat()}
    share = Share.objects.filter(version__retrofit=paying).first()
    return [
        ("get", "/elevator-retrofits/", {}, {}),
        (
            "post",
            "/elevator-retrofits/",
            {},
            {"stairwell": new_stairwell.pk, "scheme": w.scheme.pk},
        ),
        ("get", "/elevator-retrofits/{id}/", {"id": paying.pk}, {}),
        (
            "put",
            "/elevator-retrofits/{id}/",
            {"id": proposed.pk},
            {"stairwell": proposed.stairwell_id, "scheme": w.scheme.pk, "builder": "奥的斯"},
        ),
        ("patch", "/elevator-retrofits/{id}/", {"id": proposed.pk}, {"payment_due_on": today}),
        (
            "post",
            "/elevator-retrofits/{id}/cost-lines/",
            {"id": proposed.pk},
            {"kind": "equipment", "amount": "1000.00"},
        ),
        (
            "post",
            "/elevator-retrofits/{id}/final-cost/",
            {"id": proposed.pk},
            {"final_cost": "310000.00"},
        ),
        ("post", "/elevator-retrofits/{id}/compute-shares/", {"id": proposed.pk}, {"reason": ""}),
        (
            "post",
            "/elevator-retrofits/{id}/decline/",
            {"id": proposed.pk},
            {"household": households[-1].pk, "on": today},
        ),
        (
            "post",
            "/elevator-retrofits/{id}/rejoin/",
            {"id": proposed.pk},
            {"household": households[-1].pk, "on": today},
        ),
        ("post", "/elevator-retrofits/{id}/consent/", {"id": proposed.pk}, period),
        (
            "post",
            "/elevator-retrofits/{id}/transition/",
            {"id": paying.pk},
            {"to_status": "design"},
        ),
        (
            "post",
            "/elevator-retrofits/{id}/plan/",
            {"id": paying.pk},
            {"household": payer.pk, "down_payment": "0", "months": 2, "first_due_on": today},
        ),
        ("get", "/elevator-retrofits/{id}/versions/", {"id": paying.pk}, {}),
        ("get", "/elevator-schemes/", {}, {}),
        ("post", "/elevator-schemes/", {}, scheme),
        ("get", "/elevator-schemes/{id}/", {"id": w.scheme.pk}, {}),
        ("put", "/elevator-schemes/{id}/", {"id": free_scheme.pk}, {**scheme, "name": "两层方案"}),
        ("patch", "/elevator-schemes/{id}/", {"id": free_scheme.pk}, {"note": "试点"}),
        ("get", "/elevator-subsidy-policies/", {}, {}),
        ("post", "/elevator-subsidy-policies/", {}, policy),
        ("get", "/elevator-subsidy-policies/{id}/", {"id": w.policy.pk}, {}),
        (
            "put",
            "/elevator-subsidy-policies/{id}/",
            {"id": free_policy.pk},
            {**policy, "name": "斜土试点补贴"},
        ),
        ("patch", "/elevator-subsidy-policies/{id}/", {"id": free_policy.pk}, {"note": "试点"}),
        ("get", "/elevator-shares/", {}, {"current": "true"}),
        ("get", "/elevator-shares/{id}/", {"id": share.pk}, {}),
        ("get", "/elevator-payments/", {}, {}),
        (
            "post",
            "/elevator-payments/",
            {},
            {
                "retrofit": paying.pk,
                "household": payer.pk,
                "amount": "100.00",
                "paid_on": today,
                "method": "bank",
            },
        ),
        ("get", "/elevator-payments/{id}/", {"id": Payment.objects.first().pk}, {}),
        ("get", "/elevator-statistics/", {}, {}),
        ("get", "/elevator-arrears/", {}, {}),
    ]


def bad_query(*, responses_of, path) -> dict:
    """A query string the operation must refuse: a word where it takes a number."""
    parameters = responses_of["paths"][path]["get"].get("parameters", [])
    numbers = [
        p["name"]
        for p in parameters
        if p["in"] == "query"
        and p["name"] not in ("limit", "offset")
        and p.get("schema", {}).get("type") in ("integer", "number")
    ]
    assert numbers, f"{path} documents 400 but takes no number to get wrong"
    return {numbers[0]: "x"}


def send(client, method, template, params, data):
    url = API + template.format(**params)
    if method == "get":
        return client.get(url, data)
    return getattr(client, method)(url, data, format="json")


def test_every_operation_answers_as_the_schema_says(world, alice, diana):
    schema = client_for(diana).get("/api/schema/", {"format": "json"}).json()
    check = SchemaCheck(schema)
    problems = []

    def expect(client, method, template, params, data, status):
        response = send(client, method, template, params, data)
        try:
            assert response.status_code == status, (
                f"{method.upper()} {template}: {response.status_code} (expected {status}) "
                f"{response.content[:300]!r}"
            )
            check(API + template, method, response)
        except AssertionError as error:
            problems.append(str(error))

    cases = success_cases(world, alice)
    for method, template, params, data in cases:
        status = 201 if method == "post" and ("{" not in template or template in CREATING) else 200
        expect(client_for(alice), method, template, params, data, status)

    # The error bodies, on every operation that documents them.
    _, key = api_token_create(user=alice, name="schema", days=1, requests_per_minute=1)
    token = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Token {key}")
    outsider = {"id": world.tree.estate_c.pk}
    for method, template, params, data in cases:
        responses = schema["paths"][API + template][method]["responses"]
        expect(client_for(), method, template, params, data, 401)
        if "404" in responses and "{" in template:
            expect(client_for(alice), method, template, {"id": 999_999}, data, 404)
        if "403" in responses:
            expect(token, method, template, params, data, 403)
        if "400" in responses and method == "get":
            expect(
                client_for(alice),
                method,
                template,
                params,
                bad_query(responses_of=schema, path=API + template),
                400,
            )
    expect(client_for(alice), "get", "/estates/{id}/", outsider, {}, 404)
    expect(client_for(alice), "get", "/statistics/completion/", {}, {"region": 999_999}, 404)
    expect(client_for(alice), "get", "/statistics/completion/", {}, {"year": "1999"}, 400)
    expect(client_for(alice), "post", "/estates/", {}, {"name": ""}, 400)
    expect(token, "get", "/statistics/completion/", {}, {}, 200)
    expect(token, "get", "/statistics/completion/", {}, {}, 429)
    # The draft was opened above: voting is under way, so no results yet.
    expect(
        client_for(alice), "get", "/consultations/{id}/results/", {"id": world.draft.pk}, {}, 409
    )

    assert not problems, "\n".join(problems)
    missing = check.operations() - {(path, method) for path, method, _status in check.seen}
    assert not missing, f"Operations never checked: {sorted(missing)}"
    statuses = {status for _p, _m, status in check.seen}
    assert {"200", "201", "400", "401", "403", "404", "409", "429"} <= statuses
