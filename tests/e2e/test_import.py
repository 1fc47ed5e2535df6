"""Registry import in a real browser: the office's sheet through the preview and its column
mapping on a phone, the progress bar following a real worker, and the refresh link that
stands in for it without JavaScript. Set E2E_SCREENSHOTS=<folder> to keep screenshots."""

import os
from pathlib import Path

import pytest

from communities.importing import jobs
from communities.models import Household, ImportJob
from tests.communities.import_files import OFFICE_HEADER, office_rows, xlsx_file
from tests.e2e.conftest import PHONE, login

pytestmark = pytest.mark.e2e

OVERFLOW = "document.documentElement.scrollWidth"
DESKTOP = {"width": 1280, "height": 800}


def shot(page, name):
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        size = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/{name}-{size}.png", full_page=True)


def office_sheet(rows=None, header=None):
    data = xlsx_file(rows or office_rows(24), header or OFFICE_HEADER, title_rows=["房屋台账"])
    return {
        "name": "日晖六村台账.xlsx",
        "mimeType": "application/octet-stream",
        "buffer": data.read(),
    }


def upload_file(page, live_server, sheet):
    page.goto(f"{live_server.url}/communities/import/")
    page.set_input_files("#id_file", files=[sheet])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/communities/import/*/")


def fits(page):
    width = page.viewport_size["width"]
    assert page.evaluate(OVERFLOW) <= width


def test_a_phone_user_maps_a_column_of_the_office_sheet_and_confirms(
    phone_page, live_server, alice, tree
):
    page = phone_page
    login(page, live_server, "alice")
    # The import is reached from the menu.
    page.click(".menu-button")
    page.click(".mainnav >> text=台账导入")
    page.wait_for_url("**/communities/import/")
    shot(page, "import-upload")
    fits(page)

    header = [*OFFICE_HEADER[:6], "证载面积数", *OFFICE_HEADER[7:]]  # area under an odd name
    upload_file(page, live_server, office_sheet(header=header))
    assert page.locator(".import-errors").is_visible()
    assert page.locator(".problem-group").count() == 1  # 24 identical problems, one message
    assert "24" in page.locator(".problem-count").inner_text()
    shot(page, "import-preview-errors")
    fits(page)

    page.select_option("#target-6", "floor_area")
    page.click("button:has-text('按此对应重新检查')")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".import-errors").count() == 0
    assert page.locator(".import-counts .stat b").first.inner_text() == "24"
    shot(page, "import-preview-ready")
    fits(page)

    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=已导入")
    shot(page, "import-done")
    fits(page)
    assert Household.objects.filter(stairwell__building__estate=tree.estate_a).count() == 24


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_preview_of_an_edited_registry_reads_at_desktop_width(
    desktop_page, live_server, alice, tree
):
    page = desktop_page
    login(page, live_server, "alice")
    shot(page, "home")
    page.goto(f"{live_server.url}/communities/import/")
    shot(page, "import-upload")
    upload_file(page, live_server, office_sheet())
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=已导入")
    # The same sheet again changes nothing, and says so instead of offering to import.
    upload_file(page, live_server, office_sheet())
    assert page.locator(".import-nothing").is_visible()
    assert page.locator("button:has-text('确认导入')").count() == 0
    shot(page, "import-nothing-changed")
    rows = office_rows(24)
    rows[0][6], rows[1][8], rows[2][5] = "60.10", "13900000000", "3-1-201"  # a code: the same
    upload_file(page, live_server, office_sheet(rows))
    changes = page.locator(".import-changed .changes li")
    assert changes.count() == 2
    assert "58.20" in changes.first.inner_text() and "60.10" in changes.first.inner_text()
    # Nothing needs attention in the mapping: it is folded away, one click opens it.
    assert not page.locator("#target-0").is_visible()
    page.click(".import-mapping summary")
    assert page.locator("#target-0").is_visible()
    shot(page, "import-preview-changes")
    fits(page)


def test_the_progress_bar_follows_a_real_worker_then_shows_the_preview(
    phone_page, live_server, alice, tree, redis_url, monkeypatch
):
    from celery.contrib.testing.worker import start_worker

    from renovation.celery import app

    monkeypatch.setattr(jobs, "INLINE_ROWS", 10)  # 24 rows go to the worker
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    page = phone_page
    login(page, live_server, "alice")
    upload_file(page, live_server, office_sheet())
    # No worker yet: the job waits, and the page shows its bar and polls.
    assert page.locator("progress").is_visible()
    assert page.locator("#import-progress[hx-trigger]").count() == 1
    shot(page, "import-progress")
    fits(page)
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20
    ):
        # htmx polls the bar and, once checked, takes the page to the preview by itself.
        page.wait_for_selector(".import-mapping", timeout=60_000)
        assert page.locator(".import-counts .stat b").first.inner_text() == "24"
        page.click("button:has-text('确认导入')")
        page.wait_for_selector("text=已导入", timeout=60_000)
    assert Household.objects.filter(stairwell__building__estate=tree.estate_a).count() == 24


def test_without_javascript_a_refresh_link_stands_in_for_the_bar(
    browser, live_server, alice, tree, monkeypatch
):
    monkeypatch.setattr(jobs, "INLINE_ROWS", 10)  # queued for a worker that is not running
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, java_script_enabled=False, locale="zh-CN"
    )
    page = context.new_page()
    try:
        login(page, live_server, "alice")
        upload_file(page, live_server, office_sheet())
        link = page.locator("noscript a, a:has-text('刷新')").first
        assert link.is_visible()
        job = ImportJob.objects.get()
        jobs.import_job_check(job_id=job.pk)  # what the worker would do
        link.click()
        page.wait_for_selector(".import-mapping")
        assert "24" in page.locator(".import-counts").inner_text()
    finally:
        context.close()
