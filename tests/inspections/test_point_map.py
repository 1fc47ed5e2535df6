"""Inspection points on the map: the list's filters select the markers, scoped like the list;
a point without its own location is drawn at its estate's, marked approximate; one with
neither is counted; a fixed number of queries however many points."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Estate
from inspections.models import Status
from tests.inspections.factories import PointFactory

MARKERS = reverse("inspections:point-markers")


@pytest.fixture
def points(tree):
    Estate.objects.filter(pk=tree.estate_a.pk).update(
        latitude=Decimal("31.190512"), longitude=Decimal("121.462231")
    )
    tree.estate_a.refresh_from_db()
    own = PointFactory(
        estate=tree.estate_a,
        location="1号楼顶",
        latitude=Decimal("31.190900"),
        longitude=Decimal("121.462500"),
        status=Status.NOTICE_SERVED,
        deadline=date(2020, 1, 1),  # long past: overdue
    )
    at_estate = PointFactory(estate=tree.estate_a, location="2号楼北侧", status=Status.CLOSED)
    nowhere = PointFactory(estate=tree.estate_b, location="3号楼门口")
    theirs = PointFactory(
        estate=tree.estate_c,
        location="东安新村门口",
        latitude=Decimal("31.195140"),
        longitude=Decimal("121.455310"),
    )
    return {"own": own, "at_estate": at_estate, "nowhere": nowhere, "theirs": theirs}


def markers(client, user, **params):
    client.force_login(user)
    response = client.get(MARKERS, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_alice_gets_her_streets_points_and_never_charlies(client, alice, points):
    data = markers(client, alice)
    ids = {f["properties"]["id"] for f in data["features"]}
    assert ids == {points["own"].pk, points["at_estate"].pk}
    assert data["without_location"] == 1  # 日晖二村 has no location and neither has its point


def test_a_point_without_its_own_location_is_drawn_at_its_estate_marked_approximate(
    client, alice, points
):
    features = {f["properties"]["id"]: f for f in markers(client, alice)["features"]}
    own, at_estate = features[points["own"].pk], features[points["at_estate"].pk]
    assert own["geometry"]["coordinates"] == [121.4625, 31.1909]
    assert own["properties"]["approximate"] is False and own["properties"]["overdue"] is True
    assert at_estate["geometry"]["coordinates"] == [121.462231, 31.190512]
    assert at_estate["properties"]["approximate"] is True
    assert own["properties"]["url"] == reverse("inspections:point-detail", args=[points["own"].pk])


def test_the_lists_filters_select_the_markers(client, alice, points):
    data = markers(client, alice, status=Status.CLOSED)
    assert [f["properties"]["id"] for f in data["features"]] == [points["at_estate"].pk]
    data = markers(client, alice, estate_id=points["nowhere"].estate_id)
    assert data["features"] == [] and data["without_location"] == 1


def test_filtering_by_another_streets_estate_is_refused_not_answered(client, alice, points):
    client.force_login(alice)
    response = client.get(MARKERS, {"estate_id": points["theirs"].estate_id})
    assert response.status_code == 400 and "estate_id" in response.json()["errors"]


def test_the_point_list_draws_the_map_of_its_filtered_points(client, alice, points):
    client.force_login(alice)
    body = client.get(reverse("inspections:point-list"), {"status": "closed", "page": "1"})
    body = body.content.decode()
    assert f'"url": "{MARKERS}?status=closed"' in body  # every page of the filter, not one


def test_the_markers_cost_the_same_queries_for_many_points(client, diana, tree, points):
    client.force_login(diana)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MARKERS).status_code == 200
        return len(queries)

    few = count()
    for n in range(40):
        PointFactory(
            estate=tree.estate_c,
            location=f"{n}号",
            latitude=Decimal("31.19"),
            longitude=Decimal("121.45"),
        )
    assert count() == few <= 6
