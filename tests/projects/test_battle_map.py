"""The battle map (挂图作战) over the user's whole scope: the bureau sees the city grouped by
district and street with counts per group, a street office its own street; the markers carry
only what the user may see; the queries stay the same however many streets there are."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Region
from projects import battle_map
from projects.models import Project
from tests.communities.factories import EstateFactory, RegionFactory

from .factories import MilestoneFactory, ProgrammeFactory, ProjectFactory, WorksItemFactory

TODAY = timezone.localdate()
MAP = "projects:battle-map"
MARKERS = "projects:battle-map-markers"


def located(community, name, lat="31.190512", lng="121.462231"):
    return EstateFactory(
        community=community, name=name, latitude=Decimal(lat), longitude=Decimal(lng)
    )


@pytest.fixture
def city(tree):
    """Projects in two districts: alice's street (two estates, one overdue), charlie's street
    and a street of another district (锦江区 > 东湖街道)."""
    programme = ProgrammeFactory(region=tree.city)
    jinjiang = RegionFactory(name="锦江区", level=Region.Level.DISTRICT, parent=tree.city)
    donghu = RegionFactory(name="东湖街道", level=Region.Level.SUBDISTRICT, parent=jinjiang)
    dongguang = RegionFactory(name="东光社区", level=Region.Level.COMMUNITY, parent=donghu)
    for region in (jinjiang, donghu, dongguang):
        region.refresh_from_db()
    for estate, lat, lng in (
        (tree.estate_a, "31.190512", "121.462231"),
        (tree.estate_c, "31.195140", "121.455310"),
    ):
        estate.latitude, estate.longitude = Decimal(lat), Decimal(lng)
        estate.save()
    late = ProjectFactory(
        programme=programme, estate=tree.estate_a, status=Project.Status.UNDER_CONSTRUCTION
    )
    MilestoneFactory(project=late, planned_date=TODAY - datetime.timedelta(days=3))
    WorksItemFactory(project=late, budget=Decimal("1000"), progress=40)
    ProjectFactory(programme=programme, estate=tree.estate_b, status=Project.Status.DESIGNING)
    ProjectFactory(programme=programme, estate=tree.estate_c, status=Project.Status.ACCEPTING)
    ProjectFactory(
        programme=programme,
        estate=located(dongguang, "东兴苑", "30.625902", "104.104418"),
        status=Project.Status.PLANNED,
    )
    return {"programme": programme, "jinjiang": jinjiang, "donghu": donghu, "late": late}


def get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_the_bureau_sees_the_city_grouped_by_district_and_street_with_counts(
    client, diana, tree, city
):
    context = get(client, diana, MAP).context
    groups = {g["region"].name: g for g in context["groups"]}
    assert list(groups) == ["徐汇区", "锦江区"]
    xuhui = groups["徐汇区"]
    assert (xuhui["counts"]["total"], xuhui["counts"]["overdue"]) == (3, 1)
    streets = {s["region"].name: s for s in xuhui["subdistricts"]}
    assert {name: s["counts"]["total"] for name, s in streets.items()} == {
        "斜土街道": 2,
        "枫林街道": 1,
    }
    assert [p.estate.name for p in streets["斜土街道"]["projects"]] == ["日晖二村", "日晖六村"]
    assert [s["region"].name for s in groups["锦江区"]["subdistricts"]] == ["东湖街道"]
    assert len(context["projects"]) == 4 and context["totals"]["overdue"] == 1


def test_a_street_office_sees_its_own_street_and_nothing_beside_it(client, alice, tree, city):
    response = get(client, alice, MAP)
    [group] = response.context["groups"]
    [street] = group["subdistricts"]
    assert street["region"] == tree.xietu and street["open"]
    body = response.content.decode()
    assert "东安新村" not in body and "东兴苑" not in body and "枫林街道" not in body
    assert not response.context["can_narrow"]  # one street: nothing to narrow to


def test_the_bureau_can_narrow_the_map_to_one_district(client, diana, tree, city):
    response = get(client, diana, MAP, region=city["jinjiang"].pk)
    assert [g["region"].name for g in response.context["groups"]] == ["锦江区"]
    assert [p.estate.name for p in response.context["projects"]] == ["东兴苑"]
    assert f"?region={city['jinjiang'].pk}" in response.context["map_layers"][0]["url"]


def test_narrowing_to_another_street_is_a_404(client, alice, tree, city):
    assert get(client, alice, MAP, region=tree.fenglin.pk).status_code == 404
    assert get(client, alice, MARKERS, region=tree.fenglin.pk).status_code == 404


def test_past_the_card_limit_streets_show_counts_and_a_link_not_every_card(
    client, diana, tree, city, monkeypatch
):
    monkeypatch.setattr(battle_map, "CARD_LIMIT", 3)
    response = get(client, diana, MAP)
    assert response.context["projects"] == [] and not response.context["show_cards"]
    body = response.content.decode()
    assert "map-card" not in body and f"?region={tree.xietu.pk}&amp;sort=progress" in body
    # One street at a time, its cards are always shown.
    response = get(client, diana, MAP, region=tree.xietu.pk)
    assert len(response.context["projects"]) == 2


def streets_with_projects(district, programme, n):
    for i in range(n):
        street = RegionFactory(level=Region.Level.SUBDISTRICT, parent=district)
        community = RegionFactory(level=Region.Level.COMMUNITY, parent=street)
        community.refresh_from_db()
        project = ProjectFactory(programme=programme, estate=located(community, f"新村{i}"))
        MilestoneFactory(project=project, planned_date=TODAY - datetime.timedelta(days=1))


def count_queries(client, name, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(queries)


def test_the_queries_do_not_grow_with_the_number_of_streets(client, diana, tree, city):
    client.force_login(diana)
    few = (count_queries(client, MAP), count_queries(client, MARKERS))
    streets_with_projects(tree.district, city["programme"], 12)
    many = (count_queries(client, MAP), count_queries(client, MARKERS))
    assert many == few
    assert few[0] <= 10 and few[1] <= 6


def test_the_markers_are_the_users_projects_at_their_estates(client, alice, tree, city):
    data = get(client, alice, MARKERS).json()
    assert data["type"] == "FeatureCollection"
    by_title = {f["properties"]["title"]: f for f in data["features"]}
    assert set(by_title) == {"日晖六村"}  # charlie's and 锦江区's are never in alice's data
    assert data["without_location"] == 1  # 日晖二村 has no location yet
    marker = by_title["日晖六村"]
    assert marker["geometry"]["coordinates"] == [121.462231, 31.190512]
    props = marker["properties"]
    assert props["url"] == reverse("projects:detail", args=[city["late"].pk])
    assert props["status"] == "under_construction" and props["overdue"] is True


def test_the_bureau_gets_every_located_project_of_the_city(client, diana, tree, city):
    data = get(client, diana, MARKERS).json()
    assert {f["properties"]["title"] for f in data["features"]} == {
        "日晖六村",
        "东安新村",
        "东兴苑",
    }


def test_the_markers_need_a_login(client, city):
    assert client.get(reverse(MARKERS)).status_code == 302


def test_the_page_embeds_the_map_without_inline_script(client, alice, tree, city):
    body = get(client, alice, MAP).content.decode()
    assert 'id="map-battle-config" type="application/json"' in body
    scripts = [s for s in body.split("<script")[1:] if "application/json" not in s[:60]]
    assert all(s.lstrip().startswith("src=") for s in scripts)  # only files, never inline code
