"""The battle map on a phone: cards coloured by status and overdue state, a tap opens the
project with its timeline."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import Project
from tests.e2e.conftest import login
from tests.projects.factories import (
    MilestoneFactory,
    ProgrammeFactory,
    ProjectFactory,
    WorksItemFactory,
)

pytestmark = pytest.mark.e2e


def test_the_battle_map_on_a_phone_opens_a_project_card(
    phone_page, live_server, alice, charlie, tree
):
    today = timezone.localdate()
    programme = ProgrammeFactory(name="2024年综合改造一期", region=tree.district)
    late = ProjectFactory(
        programme=programme,
        estate=tree.estate_a,
        status=Project.Status.UNDER_CONSTRUCTION,
        start_date=today - datetime.timedelta(days=60),
        planned_completion_date=None,
    )
    WorksItemFactory(project=late, budget=Decimal("1000"), progress=40)
    MilestoneFactory(project=late, name="施工进场", planned_date=today - datetime.timedelta(days=5))
    ProjectFactory(
        programme=programme,
        estate=tree.estate_b,
        status=Project.Status.DESIGNING,
        start_date=None,
        planned_completion_date=None,
    )
    ProjectFactory(
        programme=programme, estate=tree.estate_c, start_date=None, planned_completion_date=None
    )

    page = phone_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/projects/map/?sort=-progress")
    cards = page.locator(".map-card")
    assert cards.count() == 2  # charlie's estate is not on alice's map
    first = cards.first
    assert "日晖六村" in first.inner_text()
    assert "is-overdue" in first.get_attribute("class")
    assert "s-designing" in cards.nth(1).get_attribute("class")
    # Cards stack within the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    first.click()
    page.wait_for_url(f"**/projects/{late.pk}/")
    assert page.locator("h1").first.inner_text().startswith("日晖六村")
    assert page.locator(".gantt-bar.overdue").count() == 1
    assert page.locator("#funding").is_visible()
