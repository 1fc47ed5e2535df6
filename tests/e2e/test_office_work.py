"""A street office's daily work in a real browser: the menu on one line with one active entry,
the header search to a dwelling on the folded estate page, the portal's own 404, the home page
with the user's work, and the confirmation of what cannot be undone, without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Owner
from projects.models import Project
from tests.conftest import make_stairwell
from tests.e2e.conftest import PHONE, login
from tests.projects.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
OVERFLOW = "document.documentElement.scrollWidth"


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def no_script_page(browser, live_server):
    """A phone whose browser runs no JavaScript: confirmations must work all the same."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def visible_current_entries(page) -> list[str]:
    return page.evaluate(
        """[...document.querySelectorAll('[aria-current=page]')]
             .filter(el => el.offsetParent !== null).map(el => el.textContent.trim())"""
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_menu_stays_on_one_line_at_1280_with_one_active_entry(
    desktop_page, live_server, tree, language
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.org", "huanxin-test-pw")
    page = desktop_page
    login(page, live_server, "root")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/inspections/patrols/")
    tops = page.evaluate(
        "[...document.querySelectorAll('.topbar > *')].filter(e => e.offsetParent !== null)"
        ".map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height/2))"
    )
    assert max(tops) - min(tops) <= 4, f"the top bar wraps: {tops}"
    assert page.evaluate("document.querySelector('.topbar').scrollWidth") <= DESKTOP["width"]
    assert page.evaluate(OVERFLOW) <= DESKTOP["width"]
    assert visible_current_entries(page) == ["巡查记录" if language == "zh-hans" else "Patrols"]
    page.screenshot(path=f"/tmp/e2e-menu-{language}.png")


def test_the_header_search_finds_a_dwelling_and_opens_its_building(
    phone_page, live_server, alice, tree
):
    for number in ("1", "2", "3"):
        make_stairwell(tree.estate_a, floors=3, per_floor=2, building_number=number, number="2")
    owner = Owner.objects.get(
        household__stairwell__building__number="3", household__room_number="101"
    )
    page = phone_page
    login(page, live_server, "alice")
    page.fill("header input[name=search]", "3-2-101")
    page.press("header input[name=search]", "Enter")
    page.wait_for_url("**/communities/search/**")
    results = page.locator("#found-dwellings li")
    assert results.count() == 1 and owner.name in results.inner_text()
    assert page.evaluate(OVERFLOW) <= PHONE["width"]

    results.locator("a").click()
    page.wait_for_url(f"**#household-{owner.household_id}")
    opened = page.evaluate(
        "[...document.querySelectorAll('section.building > details')].map(d => d.open)"
    )
    assert opened == [False, False, True]  # buildings 1, 2, 3: only the one asked for
    dwelling = page.locator(f"#household-{owner.household_id}")
    assert "focused" in dwelling.get_attribute("class") and dwelling.is_visible()
    box = dwelling.bounding_box()
    assert 0 <= box["y"] < PHONE["height"], "the dwelling is scrolled into view"
    assert page.evaluate(OVERFLOW) <= PHONE["width"]


def test_the_estate_page_folds_per_building_and_opens_the_one_tapped(
    phone_page, live_server, alice, tree
):
    for number in ("1", "2"):
        make_stairwell(tree.estate_a, floors=6, per_floor=2, building_number=number)
    page = phone_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/communities/estates/{tree.estate_a.pk}/")
    assert page.locator(".dwelling:visible").count() == 0
    folded_height = page.evaluate("document.documentElement.scrollHeight")
    page.locator("section.building summary").nth(1).click()
    assert page.locator(".dwelling:visible").count() == 12
    assert page.evaluate("document.documentElement.scrollHeight") > folded_height
    assert page.evaluate(OVERFLOW) <= PHONE["width"]


def test_an_unknown_address_shows_the_portals_own_page_with_its_favicon(
    phone_page, live_server, alice
):
    page = phone_page
    login(page, live_server, "alice")
    response = page.goto(f"{live_server.url}/communities/no-such-page/")
    assert response.status == 404
    assert "这个页面不存在" in page.locator("h1").inner_text()
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200
    assert page.locator("meta[name=description]").get_attribute("content").startswith("焕新")
    page.click("text=返回首页")
    page.wait_for_url(f"{live_server.url}/")


def test_the_home_page_shows_overdue_milestones_instead_of_tiles(
    phone_page, live_server, alice, tree
):
    project = ProjectFactory(
        programme=ProgrammeFactory(region=tree.district),
        estate=tree.estate_a,
        status=Project.Status.UNDER_CONSTRUCTION,
    )
    MilestoneFactory(
        project=project, name="外墙改造", planned_date=timezone.localdate() - timedelta(days=5)
    )
    page = phone_page
    login(page, live_server, "alice")
    assert page.locator(".tiles").count() == 0
    panel = page.locator("#projects-panel")
    assert "外墙改造" in panel.inner_text() and "逾期 5 天" in panel.inner_text()
    assert page.evaluate(OVERFLOW) <= PHONE["width"]


def test_suspending_a_project_is_confirmed_on_a_page_that_needs_no_javascript(
    no_script_page, live_server, alice, tree
):
    project = ProjectFactory(
        programme=ProgrammeFactory(region=tree.district),
        estate=tree.estate_a,
        status=Project.Status.UNDER_CONSTRUCTION,
        official_name="王主任",
    )
    page = no_script_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/projects/{project.pk}/status/")
    page.select_option("select[name=to_status]", "suspended")
    page.fill("textarea[name=reason]", "管线迁改未完成")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".confirm")
    text = page.locator(".confirm").inner_text()
    assert "暂停" in text and "管线迁改未完成" in text and "王主任" in text
    project.refresh_from_db()
    assert project.status == Project.Status.UNDER_CONSTRUCTION
    page.click(".confirm button[name=confirmed]")
    page.wait_for_url(f"**/projects/{project.pk}/**")
    project.refresh_from_db()
    assert project.status == Project.Status.SUSPENDED
    assert project.suspension_reason == "管线迁改未完成"
