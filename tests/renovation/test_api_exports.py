"""`?format=csv` and `?format=xlsx` on every list and statistics endpoint: every row the
filters select (not one page), scoped like the JSON, formula-like cells neutralised, errors
still JSON, and a fixed number of queries however many rows there are."""

import csv
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.communities.factories import EstateFactory
from tests.renovation.api_world import build_world
from tests.renovation.test_scoping_coverage import _routes, _sample_url


def list_urls() -> list[str]:
    """Every routed API list (and aggregate) endpoint, found by walking the URL resolver."""
    urls = []
    for route, _name, pattern in _routes():
        actions = getattr(pattern.callback, "actions", None) or {}
        if route.startswith("api/v1/") and actions.get("get") in ("list", "figures", "weekly"):
            if "(?P<format>" not in route:
                urls.append(_sample_url(route))
    return urls


LISTS = [url for url in list_urls() if "/statistics/" not in url]
STATISTICS = [url for url in list_urls() if "/statistics/" in url]
# Aggregate endpoints: one object in JSON, its rows in a sheet.
AGGREGATES = {
    "/api/v1/inspection-statistics/": "estates",
    "/api/v1/elevator-statistics/": "per_region",
    "/api/v1/elevator-arrears/": "per_stairwell",
}


@pytest.fixture
def world(tree, alice, bob):
    return build_world(tree, alice, bob)


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200, response.content[:300]
    assert "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def json_count(client, url) -> int:
    data = client.get(url, {"limit": 1000}).json()
    if url in AGGREGATES:
        return len(data[AGGREGATES[url]])
    return data["count"] if isinstance(data, dict) else len(data)


def test_the_walk_finds_the_lists_and_statistics():
    assert "/api/v1/estates/" in LISTS and "/api/v1/inspection-points/" in LISTS
    assert "/api/v1/statistics/completion/" in STATISTICS
    assert "/api/v1/statistics/inspections/weekly/" in STATISTICS
    assert len(LISTS) >= 20 and len(STATISTICS) >= 15


@pytest.mark.parametrize("url", LISTS)
def test_every_list_exports_all_its_rows_as_csv_and_xlsx(world, alice, url):
    client = client_for(alice)
    expected = json_count(client, url)
    rows = csv_rows(client.get(url, {"format": "csv", "limit": 1}))
    assert len(rows) - 1 == expected  # the header, then every row (not one page)
    sheet = xlsx_rows(client.get(url, {"format": "xlsx"}))
    assert sheet[0] == rows[0] and len(sheet) == len(rows)


@pytest.mark.parametrize("url", STATISTICS)
def test_every_statistics_endpoint_exports_its_rows_and_totals(world, diana, url):
    client = client_for(diana)
    data = client.get(url).json()
    rows = csv_rows(client.get(url, {"format": "csv"}))
    if "weekly" in url:
        assert rows[0][:2] == ["week_start", "as_of"] and len(rows) == 1 + len(data["weeks"])
    else:
        assert rows[0][:2] == ["id", "name"]
        assert len(rows) == 1 + len(data["rows"]) + 1 and rows[-1][1] == "Total"
    assert xlsx_rows(client.get(url, {"format": "xlsx"}))[0] == rows[0]


def test_an_export_is_scoped_like_the_json(world, alice, charlie):
    names = {row[1] for row in csv_rows(client_for(alice).get("/api/v1/estates/?format=csv"))}
    assert names == {"name", "日晖六村", "日晖二村"}
    names = {row[1] for row in csv_rows(client_for(charlie).get("/api/v1/estates/?format=csv"))}
    assert names == {"name", "东安新村"}


def test_an_export_follows_the_filters(world, alice):
    rows = csv_rows(client_for(alice).get("/api/v1/estates/", {"format": "csv", "q": "六村"}))
    assert [row[1] for row in rows[1:]] == ["日晖六村"]


def test_formula_like_text_is_neutralised_in_every_cell(world, tree, alice):
    EstateFactory(community=tree.rihui6, name='=HYPERLINK("http://x","点我")', address="+1 楼")
    rows = csv_rows(client_for(alice).get("/api/v1/estates/?format=csv"))
    cells = {cell for row in rows for cell in row}
    assert '\'=HYPERLINK("http://x","点我")' in cells and "'+1 楼" in cells
    sheet = xlsx_rows(client_for(alice).get("/api/v1/estates/?format=xlsx"))
    assert '\'=HYPERLINK("http://x","点我")' in {c for row in sheet for c in row}


def test_a_region_named_like_a_formula_is_neutralised_in_statistics(world, tree, diana):
    tree.district.name = "@SUM(A1)"
    tree.district.save()
    rows = csv_rows(client_for(diana).get("/api/v1/statistics/completion/?format=csv"))
    assert rows[1][1] == "'@SUM(A1)"


def test_money_and_counts_are_numbers_in_a_sheet(world, diana):
    sheet = xlsx_rows(client_for(diana).get("/api/v1/statistics/investment/?format=xlsx"))
    total = dict(zip(sheet[0], sheet[-1], strict=True))
    assert total["total"] == 820000 and isinstance(total["total"], int | float)


def test_a_bad_filter_asked_as_csv_answers_a_json_400(world, alice):
    response = client_for(alice).get("/api/v1/statistics/completion/", {"format": "csv", "year": 1})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    response = client_for(alice).get("/api/v1/estates/", {"format": "csv", "community_id": "x"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


def test_a_single_object_is_not_offered_as_csv(world, alice, tree):
    response = client_for(alice).get(f"/api/v1/estates/{tree.estate_a.pk}/", {"format": "csv"})
    assert response.status_code == 404


def test_an_anonymous_export_is_refused(world):
    assert APIClient().get("/api/v1/estates/?format=csv").status_code == 401


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url, params, captured) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.content[:200])
    captured[url] = len(queries)
    return len(queries)


# The most any list page or export may take, whatever the page size or the number of rows: the
# caller's memberships, the count, the rows and the prefetches of the widest lists (a project
# with its works, funding and milestones; a point with its history and photos), once per page
# (per chunk of 2,000 rows in an export), never per row.
LIST_BOUND = 6


@pytest.mark.parametrize("size", [1, 3])
def test_every_list_and_its_exports_take_a_fixed_number_of_queries(tree, alice, bob, size):
    build_world(tree, alice, bob, size=size)
    client = client_for(alice)
    captured = {}
    for url in LISTS:
        for params in ({"limit": 1}, {"limit": 500}, {"format": "csv"}, {"format": "xlsx"}):
            used = _queries(client, url, params, captured)
            assert used <= LIST_BOUND, (url, params, used)


def test_a_larger_city_costs_no_more_queries_than_a_smaller_one(tree, alice, bob):
    client = client_for(alice)
    build_world(tree, alice, bob, size=1)
    small = {}
    for url in LISTS:
        _queries(client, url, {"limit": 500}, small)
        _queries(client, f"{url}?format=csv", {}, small)
    build_world_more(tree, alice, bob)
    large = {}
    for url in LISTS:
        _queries(client, url, {"limit": 500}, large)
        _queries(client, f"{url}?format=csv", {}, large)
    grown = {url: (small[url], large[url]) for url in small if large[url] > small[url]}
    assert not grown, f"Queries grew with the rows: {grown}"


def build_world_more(tree, alice, bob):
    """More of everything on top of a world: a second programme's worth of estates."""
    from tests.projects.factories import ProgrammeFactory
    from tests.renovation.api_world import _points, _project

    programme = ProgrammeFactory(region=tree.city, name="追加批次")
    for n in range(4):
        estate = EstateFactory(community=tree.rihui2, name=f"追加小区{n}")
        _project(estate, programme, "planned", today=programme.created_at.date())
        _points(estate, alice, today=programme.created_at.date())
