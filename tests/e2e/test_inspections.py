"""A grid worker on a phone records an inspection point with a photo and finds it in the list."""

import io

import pytest
from PIL import Image

from communities.models import Membership
from inspections.models import Point
from tests.communities.factories import staff
from tests.e2e.conftest import login
from tests.inspections.factories import category

pytestmark = pytest.mark.e2e


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_grid_worker_records_a_point_with_a_photo_on_a_phone(
    phone_page, live_server, tree, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    roof = category("rooftop_addition")  # re-seeded if a transactional test emptied the table
    staff("gridworker", tree.rihui6, Membership.Role.GRID_WORKER)
    page = phone_page
    login(page, live_server, "gridworker")
    # The phone shares its location: the page's script fills the hidden fields.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 31.1925, "longitude": 121.4513})
    page.goto(f"{live_server.url}/inspections/points/new/")
    page.wait_for_function("document.querySelector('input[name=latitude]').value !== ''")
    assert page.viewport_size == {"width": 390, "height": 844}

    page.select_option("#id_estate", label=tree.estate_a.name)
    page.select_option("#id_category", value=str(roof.pk))
    page.fill("#id_location", "3号楼楼顶东侧")
    page.fill("#id_area", "12.5")
    page.set_input_files(
        "#id_photos", files=[{"name": "roof.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}]
    )
    # Nothing may stick out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#point-form button[type=submit]")
    page.wait_for_url("**/inspections/points/*/")

    point = Point.objects.get()
    assert (str(point.latitude), str(point.longitude)) == ("31.192500", "121.451300")
    assert point.photos.count() == 1 and point.found_by.username == "gridworker"
    assert page.locator(".photos img").count() == 1
    # The photo loads lazily: bring it into view and wait for it before measuring it.
    page.locator(".photos img").scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.photos img').complete")
    assert page.evaluate("document.querySelector('.photos img').naturalWidth") == 64

    page.goto(f"{live_server.url}/inspections/")
    row = page.locator("#point-list tbody tr", has_text="3号楼楼顶东侧")
    assert row.count() == 1
    assert "发现" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
