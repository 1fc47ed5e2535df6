"""The maps in Chromium at 1280×800 and 390×844: the battle map over the user's scope and the
inspection points' map draw their markers, a marker's popup links to its record, nothing
overflows sideways and the console stays clean; with the tile server unreachable (as on this
machine and many intranets) the markers still show on a plain background and the page says
so; the estate form's map writes WGS-84 into the fields, shifting back from GCJ-02 tiles."""

import struct
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from communities.models import Estate
from inspections.models import Status
from projects.models import Project
from tests.e2e.conftest import CHROMIUM_ARGS, PHONE, login  # noqa: F401
from tests.inspections.factories import PointFactory
from tests.projects.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory
from tests.renovation.test_maps import REFERENCE_PAIRS

pytestmark = pytest.mark.e2e

# Tiles come from the live server's own origin (answered or refused by the browser's routing,
# never by Django), so a Content-Security-Policy of 'self' lets them through in tests.
TILE_PATH = "/test-tiles"
DESKTOP = {"width": 1280, "height": 800}


def _png() -> bytes:
    """A plain 256×256 tile."""
    raw = b"".join(b"\x00" + bytes((214, 232, 206)) * 256 for _ in range(256))

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def test_tiles(settings, live_server):
    settings.MAP_TILE_URL = live_server.url + TILE_PATH + "/{z}/{x}/{y}.png"
    settings.MAP_TILE_OVERLAY_URL = ""
    settings.MAP_TILE_SUBDOMAINS = ""
    settings.MAP_TILE_ATTRIBUTION = "test tiles"
    settings.MAP_TILE_COORDINATES = "wgs84"


@pytest.fixture(params=["desktop", "phone"])
def page(request, browser, live_server):
    """A page at each size; it records console errors and uncaught exceptions."""
    if request.param == "phone":
        page = request.getfixturevalue("phone_page")  # carries the CSP check when there is one
    else:
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        request.addfinalizer(context.close)
    page.errors = []
    page.on("console", lambda m: page.errors.append(m) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(e))
    page.width = PHONE["width"] if request.param == "phone" else DESKTOP["width"]
    return page


def tile_host() -> str:
    return django_settings.MAP_TILE_URL.split("/{z}")[0]


def tiles_reachable(page):
    page.route(tile_host() + "/**", lambda r: r.fulfill(body=_png(), content_type="image/png"))


def tiles_unreachable(page):
    page.route(tile_host() + "/**", lambda r: r.abort("internetdisconnected"))


def errors_besides_tiles(page) -> list[str]:
    """Console errors, less the failed loads from the tile server (a network fact the page
    reports in its own words, not a fault of the page)."""
    return [
        str(getattr(e, "text", e))
        for e in page.errors
        if not (hasattr(e, "location") and e.location.get("url", "").startswith(tile_host()))
    ]


def wait_for_map(page, selector="[data-map]"):
    page.wait_for_selector(f"{selector}[data-ready=yes]")
    page.wait_for_function(
        f"document.querySelector('{selector}').dataset.tiles !== 'loading'", timeout=15_000
    )


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width + 1


@pytest.fixture
def city(tree):
    """Three located projects in two streets, one overdue; one estate without a location."""
    programme = ProgrammeFactory(region=tree.city)
    for estate, lat, lng in (
        (tree.estate_a, "31.190512", "121.462231"),
        (tree.estate_b, "31.189204", "121.458716"),
        (tree.estate_c, "31.195140", "121.455310"),
    ):
        Estate.objects.filter(pk=estate.pk).update(latitude=Decimal(lat), longitude=Decimal(lng))
    late = ProjectFactory(
        programme=programme, estate=tree.estate_a, status=Project.Status.UNDER_CONSTRUCTION
    )
    MilestoneFactory(project=late, planned_date=late.start_date)
    ProjectFactory(programme=programme, estate=tree.estate_b, status=Project.Status.DESIGNING)
    ProjectFactory(programme=programme, estate=tree.estate_c)
    return late


def test_the_bureaus_battle_map_draws_the_city_and_a_popup_opens_the_project(
    page, live_server, diana, tree, city
):
    tiles_reachable(page)
    login(page, live_server, "diana")
    page.goto(f"{live_server.url}/projects/map/")
    wait_for_map(page)
    assert page.locator("[data-map]").get_attribute("data-tiles") == "loaded"
    assert page.locator(".map-notice").is_hidden()
    assert page.locator(".map-marker").count() == 3  # both streets of the district
    assert page.locator(".bm-street").count() == 2
    no_sideways_scroll(page)
    # The overdue project's marker: its popup links to the project.
    page.locator(".map-marker[stroke='#b3261e']").click()
    link = page.locator(".leaflet-popup-content a")
    assert link.inner_text() == "日晖六村"
    link.click()
    page.wait_for_url(f"**/projects/{city.pk}/")
    assert errors_besides_tiles(page) == [] and page.errors == []


def test_with_the_tile_server_unreachable_the_markers_show_on_a_plain_background(
    page, live_server, alice, tree, city
):
    tiles_unreachable(page)
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/projects/map/")
    wait_for_map(page)
    box = page.locator("[data-map]")
    assert box.get_attribute("data-tiles") == "unavailable"
    notice = page.locator(".map-notice")
    assert notice.is_visible() and "瓦片" in notice.inner_text()
    markers = page.locator(".map-marker")
    assert markers.count() == 2  # alice's street only
    canvas = page.locator(".map-canvas").bounding_box()
    for i in range(2):
        assert markers.nth(i).is_visible()
        b = markers.nth(i).bounding_box()
        assert canvas["x"] <= b["x"] and b["x"] + b["width"] <= canvas["x"] + canvas["width"]
        assert canvas["y"] <= b["y"] and b["y"] + b["height"] <= canvas["y"] + canvas["height"]
    # One probe tile was tried, not a tile per square of every view.
    tile_failures = [e for e in page.errors if e not in errors_besides_tiles(page)]
    assert len(tile_failures) <= 1
    assert errors_besides_tiles(page) == []
    no_sideways_scroll(page)


def test_the_inspection_points_map_colours_points_and_links_to_them(
    page, live_server, alice, tree, city
):
    tiles_unreachable(page)
    tree.estate_a.refresh_from_db()
    point = PointFactory(
        estate=tree.estate_a,
        location="1号楼顶",
        latitude=Decimal("31.190900"),
        longitude=Decimal("121.462500"),
        status=Status.NOTICE_SERVED,
        deadline=date(2099, 1, 1),
    )
    PointFactory(estate=tree.estate_b, location="2号楼门口", status=Status.CLOSED)
    PointFactory(estate=tree.estate_c, location="东安新村门口")  # charlie's street
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/inspections/")
    wait_for_map(page)
    assert page.locator(".map-marker").count() == 2
    assert page.locator(".map-legend li").count() == 7  # six stages and the overdue ring
    page.locator(".map-marker[fill='#e0a100']").click()  # notice served: rectification under way
    link = page.locator(".leaflet-popup-content a")
    assert link.inner_text().endswith(" · 1号楼顶")
    link.click()
    page.wait_for_url(f"**/inspections/points/{point.pk}/")
    assert errors_besides_tiles(page) == []
    no_sideways_scroll(page)


def test_the_estate_page_and_form_show_the_location_at_both_sizes(
    page, live_server, alice, tree, city
):
    tiles_unreachable(page)
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/communities/estates/{tree.estate_a.pk}/")
    wait_for_map(page)
    assert page.locator(".map-marker").count() == 1
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/communities/estates/{tree.estate_a.pk}/edit/")
    wait_for_map(page)
    assert page.locator(".leaflet-marker-icon").is_visible()
    no_sideways_scroll(page)
    assert errors_besides_tiles(page) == []


def test_a_click_on_the_estate_forms_map_fills_latitude_and_longitude(
    browser, live_server, alice, tree
):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    tiles_unreachable(page)
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/communities/estates/{tree.estate_b.pk}/edit/")
    wait_for_map(page)
    assert page.locator(".leaflet-marker-icon").count() == 0  # no location yet
    page.locator(".map-canvas").click(position={"x": 200, "y": 150})
    lat, lng = page.input_value("#id_latitude"), page.input_value("#id_longitude")
    assert len(lat.split(".")[1]) == 6 and -90 <= float(lat) <= 90 and -180 <= float(lng) <= 180
    assert page.locator(".leaflet-marker-icon").count() == 1
    # Typing moves the marker; clearing both removes it.
    page.fill("#id_latitude", "")
    page.fill("#id_longitude", "")
    page.locator("#id_longitude").dispatch_event("change")
    assert page.locator(".leaflet-marker-icon").count() == 0
    context.close()


@pytest.mark.parametrize("coordinates", ["wgs84", "gcj02"])
def test_a_click_where_the_marker_stands_writes_back_the_stored_wgs84_location(
    browser, live_server, alice, tree, settings, coordinates
):
    """On GCJ-02 tiles the marker is drawn shifted by some hundreds of metres; a point picked
    there is written back as WGS-84 (were the shift not undone, the latitude would move by
    about 0.002°)."""
    settings.MAP_TILE_COORDINATES = coordinates
    Estate.objects.filter(pk=tree.estate_a.pk).update(
        latitude=Decimal("31.190512"), longitude=Decimal("121.462231")
    )
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    tiles_unreachable(page)
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/communities/estates/{tree.estate_a.pk}/edit/")
    wait_for_map(page)
    page.locator(".leaflet-marker-icon").scroll_into_view_if_needed()
    # Click the map at the marker's tip (Leaflet's default icon stands on its bottom centre,
    # 12 px from its left edge); the icon lets the click through to the map.
    page.add_style_tag(content=".leaflet-marker-icon { pointer-events: none; }")
    icon = page.locator(".leaflet-marker-icon").bounding_box()
    page.mouse.click(icon["x"] + 12, icon["y"] + icon["height"] - 0.5)
    lat, lng = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    # Within a pixel or two at zoom 16 (a pixel is about 2 m), far inside the GCJ-02 offset
    # (about 500 m: 0.002° of latitude and 0.004° of longitude here).
    assert abs(lat - 31.190512) < 4e-5 and abs(lng - 121.462231) < 4e-5
    context.close()


def test_the_browsers_gcj02_conversion_matches_the_reference_pairs(browser):
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(path=str(Path(django_settings.BASE_DIR) / "static/maps/gcj02.js"))
    for wgs_lat, wgs_lng, gcj_lat, gcj_lng in REFERENCE_PAIRS:
        lat, lng = page.evaluate(f"HuanxinGcj02.wgs84ToGcj02({wgs_lat}, {wgs_lng})")
        assert lat == pytest.approx(gcj_lat, abs=1e-9) and lng == pytest.approx(gcj_lng, abs=1e-9)
        lat, lng = page.evaluate(f"HuanxinGcj02.gcj02ToWgs84({gcj_lat}, {gcj_lng})")
        assert lat == pytest.approx(wgs_lat, abs=1e-8) and lng == pytest.approx(wgs_lng, abs=1e-8)
    assert page.evaluate("HuanxinGcj02.wgs84ToGcj02(35.6895, 139.6917)") == [35.6895, 139.6917]
    page.close()
