"""The dashboard: the caller's region with its figures, the tree of the next two levels, the
overdue list and trend charts, on the same selectors as the statistics API — scoped, filtered,
in a fixed number of queries."""

import pytest
from django.urls import reverse

from bulletins.views import DashboardView
from tests.renovation.api_world import build_world

URL = reverse("bulletins:dashboard")


@pytest.fixture
def world(tree, alice, bob):
    return build_world(tree, alice, bob)


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_the_dashboard_is_in_the_menu(client, world, diana):
    assert URL in page(client, diana).content.decode().split("</nav>")[0]


def test_the_bureau_sees_the_city_its_districts_and_their_streets(client, world, diana):
    response = page(client, diana)
    context = response.context
    assert context["region"] == world.tree.city
    tree = context["tree"]
    assert [node.row["name"] for node in tree] == ["徐汇区"]
    assert [child.row["name"] for child in tree[0].children] == ["斜土街道", "枫林街道"]
    xietu = tree[0].children[0]
    assert (xietu.row["projects"], xietu.row["completed"], xietu.overdue["projects_overdue"]) == (
        3,
        1,
        3,
    )
    body = response.content.decode()
    assert "斜土街道" in body and "东安新村" in body  # the overdue list names the estates
    assert body.count("<svg") == 4


def test_the_headline_figures_are_the_statistics_apis(client, world, diana):
    from rest_framework.test import APIClient

    context = page(client, diana).context
    api = APIClient()
    api.force_authenticate(diana)
    completion = api.get("/api/v1/statistics/completion/").json()["totals"]
    assert context["completion"]["totals"]["completed"] == completion["completed"]
    assert str(context["completion"]["totals"]["completed_pct"]) == completion["completed_pct"]
    points = api.get("/api/v1/statistics/inspections/").json()["totals"]
    assert context["inspections"]["totals"]["found"] == points["found"]


def test_a_street_office_sees_its_street_and_nothing_beside_it(client, world, alice, charlie):
    body = page(client, alice).content.decode()
    assert "日晖六村居委" in body and "东安新村" not in body and "枫林街道" not in body
    body = page(client, charlie).content.decode()
    assert "东安居委" in body and "日晖六村" not in body


def test_opening_a_region_out_of_scope_is_404(client, world, alice):
    client.force_login(alice)
    assert client.get(URL, {"region": world.tree.fenglin.pk}).status_code == 404
    assert client.get(URL, {"region": world.tree.city.pk}).status_code == 404


def test_drilling_down_to_a_community_lists_its_estates(client, world, diana):
    context = page(client, diana, region=world.tree.rihui6.pk).context
    assert context["breakdown"].child_kind == "estate" and not context["drill"]
    assert [node.row["name"] for node in context["tree"]] == ["日晖六村"]
    assert [a.name for a in context["trail"]] == ["焕新市", "徐汇区", "斜土街道", "日晖六村居委"]


def test_the_filters_narrow_every_figure(client, world, diana):
    context = page(client, diana, programme=world.district_programme.pk).context
    assert context["completion"]["totals"]["projects"] == 1
    context = page(client, diana, year=world.today.year - 1).context
    assert context["completion"]["totals"]["projects"] == 1


def test_a_programme_the_user_cannot_choose_is_said_so(client, world, charlie, tree):
    from tests.projects.factories import ProgrammeFactory

    hidden = ProgrammeFactory(region=tree.xietu, name="斜土专项")
    response = page(client, charlie, programme=hidden.pk)
    assert response.context["form"].errors["programme"]
    assert response.context["completion"]["totals"]["projects"] == 1  # unfiltered


def test_the_csv_links_carry_the_region_and_filters(client, world, diana):
    body = page(client, diana, region=world.tree.xietu.pk, year=world.today.year).content
    assert (
        f"/api/v1/statistics/completion/?region={world.tree.xietu.pk}&amp;year={world.today.year}"
        f"&amp;format=csv"
    ) in body.decode()


def test_the_map_shows_the_regions_projects_and_points(client, world, diana):
    assert DashboardView.map_template == "bulletins/_map.html"
    body = page(client, diana, region=world.tree.rihui6.pk).content.decode()
    assert "dashboard-map" in body and "leaflet" in body
    # The community's projects come from its street's battle map; its points by region.
    assert f"/projects/map/markers/?region={world.tree.xietu.pk}" in body
    assert f"/inspections/map/markers/?region_id={world.tree.rihui6.pk}" in body


def test_the_login_comes_first(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("size", [1, 3])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, tree, alice, bob, diana, size, django_assert_max_num_queries
):
    build_world(tree, alice, bob, size=size)
    client.force_login(diana)
    for region in (tree.city, tree.xietu):
        # session, user, memberships, programmes, region, trail, the map's streets, and one or
        # two queries per figure (the breakdown's children, the tree's second level, the weeks)
        with django_assert_max_num_queries(27):
            assert client.get(URL, {"region": region.pk}).status_code == 200
