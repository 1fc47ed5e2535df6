"""A staff member on a phone logs in and opens an estate from the list."""

import pytest

from tests.conftest import make_stairwell
from tests.e2e.conftest import PHONE, login

pytestmark = pytest.mark.e2e

OVERFLOW = "document.documentElement.scrollWidth"


def test_a_phone_user_opens_an_estate_and_sees_its_buildings_without_sideways_scrolling(
    phone_page, live_server, alice, tree
):
    for number in ("1", "2"):
        make_stairwell(tree.estate_a, floors=6, per_floor=2, building_number=number)
    page = phone_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/communities/estates/")
    assert page.locator("table.estate-table").is_visible()
    assert page.evaluate(OVERFLOW) <= PHONE["width"]

    page.get_by_role("link", name="日晖六村").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("h1").inner_text() == "日晖六村"
    assert page.locator("table.buildings-table tbody tr").count() == 2
    assert page.locator("section.building").count() == 2
    assert page.locator(".dwelling").count() == 24
    assert page.evaluate(OVERFLOW) <= PHONE["width"]
    # Wide tables scroll inside their wrapper, never the page.
    wraps = page.locator(".table-wrap")
    for i in range(wraps.count()):
        box = wraps.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_typing_in_the_search_narrows_the_list_in_place(phone_page, live_server, alice, tree):
    page = phone_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/communities/estates/")
    assert page.locator("table.estate-table tbody tr").count() == 2
    page.fill("input[name=q]", "二村")
    page.wait_for_function("document.querySelectorAll('table.estate-table tbody tr').length === 1")
    assert "日晖二村" in page.locator("table.estate-table").inner_text()
    assert page.evaluate(OVERFLOW) <= PHONE["width"]
