"""REST API: points with nested history, transitions, patrols, statistics — scoped and bounded."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from inspections.models import Point, Status
from tests.inspections.factories import PatrolFactory, PointFactory, category, jpeg, not_an_image

S = Status
POINTS = "/api/v1/inspection-points/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def busy_tree(tree):
    """Points with several steps each in every estate, so an N+1 in the nested history shows."""
    from inspections import services

    for estate in (tree.estate_a, tree.estate_b, tree.estate_c):
        actor = PointFactory(estate=estate).found_by
        for i in range(8):
            point = PointFactory(estate=estate, location=f"{estate.name}{i}")
            services.point_transition(
                point=point, actor=actor, to_status=S.NOTICE_SERVED, photos=[jpeg()]
            )
            if i % 2:
                services.point_transition(point=point, actor=actor, to_status=S.DEMOLITION_AGREED)
    return tree


def test_the_point_list_is_scoped_and_nests_the_history(
    api, alice, busy_tree, django_assert_max_num_queries
):
    api.force_authenticate(alice)
    with django_assert_max_num_queries(12):
        response = api.get(POINTS)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 18
    assert {row["estate_name"] for row in data["results"]} == {"日晖六村", "日晖二村"}
    served = next(row for row in data["results"] if row["location"] == "日晖六村1")
    assert [s["to_status"] for s in served["history"]] == ["notice_served", "demolition_agreed"]
    assert (
        served["history"][0]["photos"][0]["url"].endswith("/")
        and "/inspections/photos/" in served["history"][0]["photos"][0]["url"]
    )


def test_the_next_street_gets_404_for_alices_point(api, charlie, tree):
    point = PointFactory(estate=tree.estate_a)
    api.force_authenticate(charlie)
    assert api.get(f"{POINTS}{point.pk}/").status_code == 404
    assert (
        api.post(f"{POINTS}{point.pk}/transition/", {"to_status": "notice_served"}).status_code
        == 404
    )
    assert api.get(POINTS).json()["count"] == 0


def test_the_bureau_reads_but_may_not_move_a_point(api, diana, tree):
    point = PointFactory(estate=tree.estate_a)
    api.force_authenticate(diana)
    assert api.get(f"{POINTS}{point.pk}/").status_code == 200
    assert (
        api.post(f"{POINTS}{point.pk}/transition/", {"to_status": "notice_served"}).status_code
        == 403
    )


def test_a_grid_worker_creates_a_point_with_photos_over_the_api(api, bob, tree):
    api.force_authenticate(bob)
    response = api.post(
        POINTS,
        {
            "estate": tree.estate_a.pk,
            "category": category("flying_lead_charging").pk,
            "location": "4号楼飞线",
            "priority": 3,
            "photos": [jpeg("a.jpg", gps=((31, 11, 30), (121, 27, 0)))],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "found" and data["latitude"] == "31.191667"
    assert data["history"][0]["photos"][0]["kind"] == "before"


def test_creating_in_another_estate_or_with_a_bad_photo_is_refused(api, bob, tree):
    api.force_authenticate(bob)
    response = api.post(
        POINTS, {"estate": tree.estate_b.pk, "category": category("gas").pk, "location": "x"}
    )
    assert response.status_code == 400 and "estate" in response.json()
    response = api.post(
        POINTS,
        {
            "estate": tree.estate_a.pk,
            "category": category("gas").pk,
            "location": "x",
            "photos": [not_an_image()],
        },
        format="multipart",
    )
    assert response.status_code == 400 and "photos" in response.json()
    assert not Point.objects.exists()


def test_transitions_over_the_api_follow_the_table(api, bob, tree):
    point = PointFactory(estate=tree.estate_a)
    api.force_authenticate(bob)
    url = f"{POINTS}{point.pk}/transition/"
    refused = api.post(url, {"to_status": "closed"})
    assert refused.status_code == 400 and "to_status" in refused.json()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert "deadline" in api.post(url, {"to_status": "notice_served", "deadline": past}).json()
    response = api.post(url, {"to_status": "notice_served", "note": "送达"})
    assert response.status_code == 200 and response.json()["status"] == "notice_served"
    assert api.get(f"{POINTS}{point.pk}/next_steps/").json()["next"] == [
        "rectified_by_party",
        "demolition_agreed",
        "overdue",
    ]


def test_verification_over_the_api_needs_an_after_photo(api, bob, tree):
    point = PointFactory(estate=tree.estate_a, status=S.RECTIFIED_BY_PARTY)
    api.force_authenticate(bob)
    url = f"{POINTS}{point.pk}/transition/"
    assert "photos" in api.post(url, {"to_status": "verified"}).json()
    response = api.post(
        url, {"to_status": "verified", "photos": [jpeg("after.jpg")]}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["history"][-1]["photos"][0]["kind"] == "after"


def test_nothing_can_be_deleted_or_edited_over_the_api(api, alice, tree):
    point = PointFactory(estate=tree.estate_a)
    api.force_authenticate(alice)
    assert api.delete(f"{POINTS}{point.pk}/").status_code == 405
    assert api.patch(f"{POINTS}{point.pk}/", {"status": "closed"}).status_code == 405
    assert Point.objects.get().status == S.FOUND


def test_patrols_over_the_api(api, bob, charlie, tree, django_assert_max_num_queries):
    point = PointFactory(estate=tree.estate_a)
    for _ in range(6):
        patrol = PatrolFactory(estate=tree.estate_a, worker=bob)
        patrol.visits.create(point=PointFactory(estate=tree.estate_a), finding="found")
    PatrolFactory(estate=tree.estate_c, worker=charlie)
    api.force_authenticate(bob)
    response = api.post(
        "/api/v1/inspection-patrols/",
        {"estate": tree.estate_a.pk, "points": [point.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["visits"] == [{"point": point.pk, "finding": "rechecked", "note": ""}]
    with django_assert_max_num_queries(8):
        listing = api.get("/api/v1/inspection-patrols/", {"worker": "bob"}).json()
    assert listing["count"] == 7


def test_statistics_over_the_api_are_scoped(
    api, alice, charlie, busy_tree, django_assert_max_num_queries
):
    api.force_authenticate(alice)
    with django_assert_max_num_queries(6):
        data = api.get("/api/v1/inspection-statistics/").json()
    assert data["totals"]["found"] == 18
    assert {row["estate"] for row in data["estates"]} == {"日晖六村", "日晖二村"}
    api.force_authenticate(charlie)
    assert api.get("/api/v1/inspection-statistics/").json()["totals"]["found"] == 9


def test_categories_are_listed(api, bob):
    category("gas")
    api.force_authenticate(bob)
    codes = [row["code"] for row in api.get("/api/v1/inspection-categories/").json()]
    assert len(codes) == 12 and "rooftop_addition" in codes and "disorder_post" in codes
