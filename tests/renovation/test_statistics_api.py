"""The statistics API (`/api/v1/statistics/<topic>/`): every topic's figures on a known city,
broken down by the next level of the tree, filtered by programme and year, scoped to the
caller, without personal data, in a fixed number of queries however large the city."""

import re
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from communities.models import Membership
from tests.communities.factories import staff
from tests.renovation.api_world import build_world

API = "/api/v1/statistics"
TOPICS = [
    "programme-coverage",
    "project-status",
    "completion",
    "investment",
    "households-benefited",
    "overdue",
    "consultations",
    "inspections",
    "elevators",
]
WEEKLY = ["programme-coverage", "completion", "households-benefited", "overdue"]
WEEKLY += ["consultations", "inspections"]


@pytest.fixture
def world(tree, alice, bob):
    return build_world(tree, alice, bob)


def get(user, topic, **params):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client.get(f"{API}/{topic}/", params)


def figures(user, topic, **params) -> dict:
    response = get(user, topic, **params)
    assert response.status_code == 200, response.content
    return response.json()


def by_name(data) -> dict:
    return {row["name"]: row for row in data["rows"]}


# --- the figures -------------------------------------------------------------------------------


def test_the_bureau_sees_the_city_broken_down_by_district(world, diana):
    data = figures(diana, "programme-coverage")
    assert data["region"]["name"] == "焕新市" and data["breakdown"] == "district"
    assert data["totals"] == {"projects": 4, "estates": 3, "buildings": 8, "households": 160}
    assert [row["name"] for row in data["rows"]] == ["徐汇区"]
    assert data["rows"][0]["id"] == world.tree.district.pk


def test_projects_by_status_count_every_status(world, diana):
    totals = figures(diana, "project-status")["totals"]
    assert totals["total"] == 4
    assert (totals["completed"], totals["under_construction"], totals["planned"]) == (1, 1, 2)
    assert totals["suspended"] == 0


def test_completion_counts_targets_set_for_the_region_or_below(world, diana):
    data = figures(diana, "completion")
    totals = data["totals"]
    # The city's programme (6 estates, 300 households) and the district's (2, 500).
    assert (totals["target_estates"], totals["target_households"]) == (8, 800)
    assert (totals["projects"], totals["started"], totals["completed"]) == (4, 2, 1)
    assert totals["completed_pct"] == "25.0" and totals["target_estates_pct"] == "12.5"
    assert totals["households_benefited"] == 40 and totals["target_households_pct"] == "5.0"
    # A district's row counts only the programme set for the district.
    district = by_name(data)["徐汇区"]
    assert (district["target_estates"], district["target_estates_pct"]) == (2, "50.0")


def test_a_programme_set_above_the_region_has_no_target_there(world, alice):
    data = figures(alice, "completion", programme=world.programme.pk)
    assert data["totals"]["target_estates"] == 0
    assert data["totals"]["target_estates_pct"] is None
    assert data["totals"]["projects"] == 2


def test_investment_adds_up_each_funding_source(world, diana):
    totals = figures(diana, "investment")["totals"]
    assert totals["central"] == "800000.00" and totals["residents"] == "20000.00"
    assert totals["total"] == "820000.00" and totals["provincial"] == "0.00"


def test_households_benefited_are_those_of_completed_projects(world, diana):
    totals = figures(diana, "households-benefited")["totals"]
    assert totals == {
        "households_planned": 160,
        "households_under_way": 40,
        "households_benefited": 40,
        "estates_benefited": 1,
    }


def test_overdue_milestones_and_strikes(world, diana):
    # Each project: one milestone overdue, one finished late, one on time.
    totals = figures(diana, "overdue")["totals"]
    assert totals == {
        "overdue_milestones": 4,
        "projects_overdue": 4,
        "strikes": 8,
        "projects_with_strikes": 4,
    }


def test_consultations_where_they_stand_and_turnout(world, diana):
    totals = figures(diana, "consultations")["totals"]
    # Closed (5 of 6 voted), open (1 of 6), the retrofit's consent vote (6 of 6, passed);
    # the draft is not counted.
    assert (totals["consultations"], totals["open"], totals["closed"]) == (3, 1, 1)
    assert (totals["decided"], totals["passed"], totals["failed"]) == (1, 1, 0)
    assert (totals["electorate"], totals["voted"], totals["turnout_pct"]) == (18, 12, "66.7")


def test_inspection_figures(world, diana):
    totals = figures(diana, "inspections")["totals"]
    assert totals == {
        "found": 9,
        "rectified": 3,
        "demolished": 0,
        "demolished_area": "0.00",
        "hazards_found": 3,
        "hazards_cleared": 3,
        "overdue": 3,
        "closed": 3,
    }


def test_elevator_retrofits(world, diana):
    data = figures(diana, "elevators")
    assert data["totals"] == {
        "retrofits": 2,
        "consent_reached": 1,
        "in_service": 0,
        "subsidy_committed": "60000.00",
        "residents_share": "540000.00",
        "residents_paid": "1000.00",
    }
    counts = {row["status"]: row["count"] for row in data["by_status"]}
    assert counts["proposed"] == 1 and counts["consent_reached"] == 1


# --- breakdown, filters, scope -----------------------------------------------------------------


@pytest.mark.parametrize(
    "region, kind, names",
    [
        ("city", "district", ["徐汇区"]),
        ("district", "subdistrict", ["斜土街道", "枫林街道"]),
        ("xietu", "community", ["日晖六村居委", "日晖二村居委"]),
        ("rihui6", "estate", ["日晖六村"]),
    ],
)
@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_breaks_a_region_down_by_the_next_level(
    world, diana, topic, region, kind, names
):
    data = figures(diana, topic, region=getattr(world.tree, region).pk)
    assert data["breakdown"] == kind
    assert sorted(row["name"] for row in data["rows"]) == sorted(names)
    first = data["rows"][0]
    assert set(first) == {"id", "name", *data["totals"]}


@pytest.mark.parametrize("topic", TOPICS)
def test_the_rows_add_up_to_the_totals(world, diana, topic):
    data = figures(diana, topic, region=world.tree.district.pk)
    for name, total in data["totals"].items():
        if name.endswith("_pct"):
            continue
        summed = sum(Decimal(str(row[name])) for row in data["rows"])
        if name.startswith("target_"):
            # A target set for the region itself counts in its totals, in no child's row.
            assert summed <= Decimal(str(total)), name
        else:
            assert summed == Decimal(str(total)), name


def test_a_street_office_sees_its_street_only(world, alice, charlie):
    data = figures(alice, "programme-coverage")
    assert data["region"]["name"] == "斜土街道" and data["breakdown"] == "community"
    assert data["totals"]["projects"] == 3  # estate_a twice (two programmes), estate_b once
    charlie_data = figures(charlie, "programme-coverage")
    assert charlie_data["region"]["name"] == "枫林街道"
    assert charlie_data["totals"]["projects"] == 1
    assert [row["name"] for row in charlie_data["rows"]] == ["东安居委"]


@pytest.mark.parametrize("topic", TOPICS)
def test_a_region_outside_the_scope_is_404(world, alice, topic):
    assert get(alice, topic, region=world.tree.fenglin.pk).status_code == 404
    assert get(alice, topic, region=world.tree.district.pk).status_code == 404
    assert get(alice, topic, region=999_999).status_code == 404


def test_a_grid_worker_sees_the_estates_of_their_community(world, bob):
    data = figures(bob, "inspections")
    assert data["breakdown"] == "estate" and [r["name"] for r in data["rows"]] == ["日晖六村"]
    assert data["totals"]["found"] == 3


def test_a_user_of_two_streets_starts_from_the_district_and_sees_only_those(world, tree, alice):
    both = staff("erin", tree.xietu, Membership.Role.SUBDISTRICT)
    Membership.objects.create(user=both, region=tree.dongan, role=Membership.Role.COMMUNITY)
    data = figures(both, "programme-coverage")
    assert data["region"]["name"] == "徐汇区"
    assert {row["name"]: row["projects"] for row in data["rows"]} == {"斜土街道": 3, "枫林街道": 1}
    # The street between the district and one of erin's nodes may be opened: only her part.
    fenglin = figures(both, "programme-coverage", region=tree.fenglin.pk)
    assert fenglin["totals"]["projects"] == 1


def test_the_programme_filter(world, diana):
    data = figures(diana, "programme-coverage", programme=world.district_programme.pk)
    assert data["programme"] == world.district_programme.pk
    assert data["totals"]["projects"] == 1 and data["totals"]["estates"] == 1


def test_the_year_filter(world, diana):
    this_year = figures(diana, "programme-coverage", year=world.today.year)
    last_year = figures(diana, "programme-coverage", year=world.today.year - 1)
    assert (this_year["totals"]["projects"], last_year["totals"]["projects"]) == (3, 1)
    assert this_year["year"] == world.today.year
    # Points found this year are all of them; none the year before.
    assert figures(diana, "inspections", year=world.today.year - 1)["totals"]["found"] == 0


def test_the_programme_filter_reaches_points_and_consultations_on_its_estates(world, diana):
    points = figures(diana, "inspections", programme=world.district_programme.pk)
    assert points["totals"]["found"] == 3  # estate_a's only
    votes = figures(diana, "consultations", programme=world.district_programme.pk)
    assert votes["totals"]["consultations"] == 2  # estate_a's closed vote and consent vote


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"year": "1999"}, "year", "greater than or equal to 2000"),
        ({"year": "twenty"}, "year", "valid integer"),
        ({"region": "x"}, "region", "valid integer"),
        ({"programme": "0"}, "programme", "greater than or equal to 1"),
        ({"regoin": "1"}, "regoin", "Unknown parameter"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(world, diana, params, field, message):
    response = get(diana, "completion", **params)
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_a_programme_the_caller_cannot_see_is_a_400(world, charlie, tree):
    from tests.projects.factories import ProgrammeFactory

    xietu_only = ProgrammeFactory(region=tree.xietu, name="斜土街道专项")
    response = get(charlie, "completion", programme=xietu_only.pk)
    assert response.status_code == 400
    assert response.json()["programme"] == [
        f"There is no programme {xietu_only.pk} among those you can see."
    ]


def test_weekly_parameters_are_checked(world, diana):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(diana)
    assert client.get(f"{API}/completion/weekly/", {"weeks": 53}).status_code == 400
    assert client.get(f"{API}/completion/weekly/", {"until": "yesterday"}).status_code == 400
    assert client.get(f"{API}/investment/weekly/").status_code == 404  # no dates to go by


# --- no personal data --------------------------------------------------------------------------


@pytest.mark.parametrize("topic", TOPICS)
def test_no_statistics_response_names_a_person(world, diana, topic):
    for path in (f"{API}/{topic}/", f"{API}/{topic}/weekly/"):
        client = APIClient()
        client.force_authenticate(diana)
        response = client.get(path, {"region": world.tree.rihui6.pk})
        if response.status_code == 404:
            continue
        text = response.content.decode()
        # Officials, owners (业主0, 13800000001…) and the staff who recorded anything.
        for personal in (r"王建国", r"1390000\d{4}", r"业主\d", r"138\d{8}", "alice", "bob"):
            assert not re.search(personal, text), (topic, personal)


# --- the weekly series -------------------------------------------------------------------------


@pytest.mark.parametrize("topic", WEEKLY)
def test_the_weekly_series_ends_with_today_and_goes_back_week_by_week(world, diana, topic):
    client = APIClient()
    client.force_authenticate(diana)
    data = client.get(f"{API}/{topic}/weekly/", {"weeks": 5}).json()
    weeks = data["weeks"]
    assert len(weeks) == 5 and weeks[-1]["as_of"] == world.today.isoformat()
    starts = [w["week_start"] for w in weeks]
    assert starts == sorted(starts) and len(set(starts)) == 5


def test_weekly_figures_follow_the_records_dates(world, diana):
    client = APIClient()
    client.force_authenticate(diana)
    weeks = client.get(f"{API}/completion/weekly/", {"weeks": 3}).json()["weeks"]
    # The completed project was completed ten days ago: in the last two weeks' figures at most.
    assert weeks[-1]["completed"] == 1 and weeks[0]["completed"] == 0
    points = client.get(f"{API}/inspections/weekly/", {"weeks": 6}).json()["weeks"]
    assert points[-1]["found"] == 9 and points[0]["found"] == 0
    assert points[-1]["rectified"] == 3


# --- query counts ------------------------------------------------------------------------------


def _urls():
    return [f"{API}/{t}/" for t in TOPICS] + [f"{API}/{t}/weekly/" for t in WEEKLY]


@pytest.mark.parametrize("size", [1, 3])
def test_every_statistics_endpoint_takes_a_fixed_number_of_queries(
    tree, alice, bob, diana, size, django_assert_max_num_queries
):
    build_world(tree, alice, bob, size=size)
    client = APIClient()
    client.force_authenticate(diana)
    for url in _urls():
        for region in (tree.city, tree.rihui6):  # the largest breakdown and the smallest
            # grants, region, children, then one grouped query (two: the completion's targets;
            # elevators: its selector's four)
            with django_assert_max_num_queries(8 if "elevators" in url else 5):
                assert client.get(url, {"region": region.pk}).status_code == 200, url


@pytest.mark.parametrize(
    "topic, names",
    [
        ("overdue", ["overdue_milestones", "projects_overdue", "strikes", "projects_with_strikes"]),
        ("households-benefited", ["households_benefited", "estates_benefited"]),
        ("inspections", ["found", "rectified", "hazards_found", "hazards_cleared", "closed"]),
        ("consultations", ["decided", "passed", "failed"]),
    ],
)
def test_this_weeks_figures_are_todays(world, diana, topic, names):
    client = APIClient()
    client.force_authenticate(diana)
    today = client.get(f"{API}/{topic}/").json()["totals"]
    week = client.get(f"{API}/{topic}/weekly/", {"weeks": 1}).json()["weeks"][0]
    assert {n: week[n] for n in names} == {n: today[n] for n in names}
