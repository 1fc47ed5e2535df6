"""A grid worker moves a point along on a phone: each step asks only for what it needs, a
photo survives a form error, and closing (销号) is confirmed by a colleague, without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Membership
from inspections import services
from inspections.models import Status
from tests.communities.factories import staff
from tests.e2e.conftest import PHONE, login
from tests.e2e.test_inspections import small_jpeg
from tests.inspections.factories import PointFactory

pytestmark = pytest.mark.e2e
S = Status


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_self_rectification_asks_for_no_deadline(phone_page, live_server, tree, media):
    worker = staff("gridworker", tree.rihui6, Membership.Role.GRID_WORKER)
    point = PointFactory(
        estate=tree.estate_a,
        status=S.NOTICE_SERVED,
        deadline=timezone.localdate() + timedelta(days=5),
        found_by=worker,
    )
    page = phone_page
    login(page, live_server, "gridworker")
    page.goto(f"{live_server.url}/inspections/points/{point.pk}/")
    page.click("#step-rectified_by_party summary")
    form = page.locator("#step-rectified_by_party form")
    assert form.locator("input[name=deadline]").count() == 0
    assert form.locator("input[name=photos]").is_visible()
    page.click("#step-demolition_agreed summary")
    assert page.locator("#step-demolition_agreed input[name=deadline]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_photo_survives_a_form_error_on_a_phone(phone_page, live_server, tree, media):
    worker = staff("gridworker", tree.rihui6, Membership.Role.GRID_WORKER)
    point = PointFactory(estate=tree.estate_a, status=S.INTERVIEWED, found_by=worker)
    page = phone_page
    login(page, live_server, "gridworker")
    page.goto(f"{live_server.url}/inspections/points/{point.pk}/")
    page.click("#step-case_filed summary")
    form = page.locator("#step-case_filed form")
    form.locator("textarea[name=note]").fill("移交城管执法")
    form.locator("input[name=photos]").set_input_files(
        files=[{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}]
    )
    form.locator("button[type=submit]").click()  # no case number: refused
    page.wait_for_selector("#step-case_filed .error")
    kept = page.locator("#step-case_filed .kept-uploads li")
    assert kept.count() == 1 and "site.jpg" in kept.inner_text()
    thumbnail = "document.querySelector('#step-case_filed .kept-uploads img')"
    page.wait_for_function(f"{thumbnail}.complete")
    assert page.evaluate(f"{thumbnail}.naturalWidth") == 64
    assert page.locator("#step-case_filed textarea[name=note]").input_value() == "移交城管执法"
    page.screenshot(path="/tmp/e2e-kept-photo.png", full_page=True)

    page.fill("#step-case_filed input[name=case_number]", "徐城管立字〔2026〕第7号")
    page.click("#step-case_filed button[type=submit]")
    page.wait_for_selector(".msg-success")
    point.refresh_from_db()
    assert point.status == S.CASE_FILED
    assert point.steps.get(to_status=S.CASE_FILED).photos.count() == 1
    assert page.locator(".photos img").count() == 1


def test_a_colleague_closes_the_point_after_a_confirmation_without_javascript(
    browser, live_server, tree, media
):
    grid = staff("gridworker", tree.rihui6, Membership.Role.GRID_WORKER)
    staff("colleague", tree.rihui6, Membership.Role.COMMUNITY)
    point = PointFactory(
        estate=tree.estate_a,
        status=S.NOTICE_SERVED,
        deadline=timezone.localdate() + timedelta(days=5),
        found_by=grid,
    )
    from tests.inspections.factories import jpeg

    services.point_transition(point=point, actor=grid, to_status=S.RECTIFIED_BY_PARTY)
    services.point_transition(point=point, actor=grid, to_status=S.VERIFIED, photos=[jpeg()])
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        # The grid worker who recorded the rectification is not offered the close.
        login(page, live_server, "gridworker")
        page.goto(f"{live_server.url}/inspections/points/{point.pk}/")
        assert page.locator("#step-closed").count() == 0
        assert "另一位同事" in page.locator("#close-refusal").inner_text()
        page.context.clear_cookies()

        login(page, live_server, "colleague")
        page.goto(f"{live_server.url}/inspections/points/{point.pk}/")
        # The only next step comes open.
        assert page.locator("#step-closed").get_attribute("open") is not None
        page.fill("#step-closed textarea[name=note]", "复查无误，销号")
        page.click("#step-closed button[type=submit]")
        page.wait_for_selector(".confirm")
        text = page.locator(".confirm").inner_text()
        assert "不能撤销" in text and "gridworker" in text
        point.refresh_from_db()
        assert point.status == S.VERIFIED
        page.screenshot(path="/tmp/e2e-close-confirm.png", full_page=True)
        page.click(".confirm button[name=confirmed]")
        page.wait_for_selector(".msg-success")
        point.refresh_from_db()
        assert point.status == S.CLOSED
        closing = point.steps.get(to_status=S.CLOSED)
        assert closing.actor.username == "colleague" and closing.note == "复查无误，销号"
    finally:
        context.close()
