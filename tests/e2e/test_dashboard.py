"""The dashboard and the API tokens page in Chromium, at 1280×800 and 390×844: figures, the
tree with progress bars, charts drawn on the server, drilling down, no console errors, nothing
wider than the screen; a token created, shown once and revoked after a confirmation."""

from decimal import Decimal

import pytest

from communities.models import Estate
from tests.e2e.conftest import PHONE, login
from tests.e2e.test_maps import TILE_PATH, _png, wait_for_map
from tests.renovation.api_world import build_world

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(autouse=True)
def tiles(settings, live_server):
    """Map tiles from the live server's own origin, answered by the browser's routing."""
    settings.MAP_TILE_URL = live_server.url + TILE_PATH + "/{z}/{x}/{y}.png"
    settings.MAP_TILE_OVERLAY_URL = ""
    settings.MAP_TILE_SUBDOMAINS = ""
    settings.MAP_TILE_COORDINATES = "wgs84"


@pytest.fixture(params=SIZES)
def page(request, browser, live_server):
    size = SIZES[request.param]
    phone = request.param == "phone"
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.size = request.param
    page.route(
        f"{live_server.url}{TILE_PATH}/**",
        lambda route: route.fulfill(body=_png(), content_type="image/png"),
    )
    yield page
    context.close()


def fits(page) -> bool:
    width = SIZES[page.size]["width"]
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_dashboard_shows_the_city_and_opens_a_district(
    page, live_server, tree, alice, bob, diana
):
    build_world(tree, alice, bob)
    for estate, lat, lng in (
        (tree.estate_a, "31.190512", "121.462231"),
        (tree.estate_c, "31.19514", "121.45531"),
    ):
        Estate.objects.filter(pk=estate.pk).update(latitude=Decimal(lat), longitude=Decimal(lng))
    login(page, live_server, "diana")
    page.goto(f"{live_server.url}/bulletins/dashboard/")
    wait_for_map(page)
    # Two located estates: their projects (estate_a has two), and their points (three each).
    assert page.locator(".map-marker").count() == 3 + 6
    assert page.locator("h1").inner_text().endswith("焕新市")
    assert page.locator(".headline .stat").count() == 7
    assert page.locator("figure.chart-card svg").count() == 4
    widths = page.eval_on_selector_all(
        ".tree .progress > span", "bars => bars.map(b => b.getBoundingClientRect().width)"
    )
    assert widths and max(widths) > 0  # the completed share is drawn
    assert fits(page), "the dashboard is wider than the screen"
    page.screenshot(path=f"/tmp/e2e-dashboard-{page.size}.png", full_page=True)

    page.click(".tree a:text('徐汇区')")
    page.wait_for_url(lambda url: f"region={tree.district.pk}" in url)
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().endswith("徐汇区")
    assert page.locator(".breadcrumbs a").first.inner_text() == "焕新市"
    assert fits(page)
    assert not page.errors, page.errors


def test_a_token_is_created_shown_once_and_revoked(page, live_server, tree, alice):
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/")
    page.click("a.usermenu-link")
    page.fill("#id_name", "区县看板")
    page.click("button:text('创建令牌')")
    page.wait_for_selector("#new-token")
    page.wait_for_load_state("load")  # the stylesheet too, before measuring the width
    key = page.input_value("#new-token")
    assert key.startswith("hx_") and len(key) == 67
    assert fits(page)
    page.screenshot(path=f"/tmp/e2e-tokens-{page.size}.png", full_page=True)
    page.goto(f"{live_server.url}/accounts/api-tokens/")
    assert key not in page.content() and "区县看板" in page.content()

    page.click("button:text('撤销')")
    page.click("button[name=confirmed]")
    page.wait_for_url(lambda url: url.endswith("/accounts/api-tokens/"))
    page.wait_for_load_state("load")
    assert "您还没有接口令牌" in page.content()
    assert fits(page)
    assert not page.errors, page.errors
