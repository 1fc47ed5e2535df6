"""The retrofit page for staff and the resident's share page, on a 390×844 phone in Chromium."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from consultations.links import access_link_issue
from elevators import payment_services, services, share_services
from tests.conftest import make_stairwell
from tests.e2e.conftest import login
from tests.elevators.factories import make_policy, make_retrofit, make_scheme, run_consent

pytestmark = pytest.mark.e2e


@pytest.fixture
def in_payment(transactional_db, tree, alice):
    """A retrofit past its consent vote, a 24-month plan for room 601 and one payment."""
    cache.delete("consultations:bad-token:127.0.0.1")
    stairwell = make_stairwell(tree.estate_a, floors=6, per_floor=2)
    scheme = make_scheme(["0", "0.5", "0.8", "1.0", "1.2", "1.4"], area_weighted=True)
    policy = make_policy("percent", percent="40", cap="280000")
    retrofit = make_retrofit(alice, stairwell, scheme=scheme, policy=policy, costs=("580000",))
    share_services.share_table_compute(retrofit=retrofit, reason_kind="initial", actor=alice)
    retrofit = run_consent(retrofit, alice, yes=list(stairwell.households.all()))
    retrofit = services.retrofit_transition(
        retrofit=retrofit, to_status="consent_reached", actor=alice
    )
    household = stairwell.households.get(room_number="601")
    payment_services.plan_save(
        retrofit=retrofit,
        household=household,
        down_payment=Decimal("0"),
        months=24,
        first_due_on=retrofit.status_changed_on,
    )
    first = household_schedule_first(retrofit, household)
    payment_services.payment_record(
        retrofit=retrofit,
        household=household,
        amount=first,
        paid_on=retrofit.status_changed_on,
        method="mobile",
    )
    return retrofit, household


def household_schedule_first(retrofit, household):
    from elevators.models import Instalment

    row = (
        Instalment.objects.filter(share__version__is_current=True, share__household=household)
        .order_by("number")
        .first()
    )
    return row.principal + row.interest


def test_the_retrofit_page_on_a_phone(phone_page, live_server, in_payment):
    retrofit, household = in_payment
    page = phone_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/elevators/{retrofit.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "表决通过" in page.locator("h1 + div").inner_text()
    # The consent figures against their thresholds, each met.
    checks = page.locator("#consent .checks li")
    assert checks.count() == 4
    assert all("✔" in text for text in checks.all_inner_texts())
    # The share table: the amounts add up to the residents' total (cost less subsidy).
    shares = page.locator(
        ".share-table tbody tr:not(.total) td[data-label='分摊额']"
    ).all_inner_texts()
    total = sum(Decimal(s.strip().lstrip("¥")) for s in shares)
    assert total == Decimal("348000.00")
    # Through to the dwelling: its schedule, one instalment paid.
    page.locator("#shares").get_by_role("link", name="601", exact=True).click()
    page.wait_for_url(f"**/dwellings/{household.pk}/")
    assert page.locator(".state-paid").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_residents_share_page_on_a_phone(phone_page, live_server, in_payment):
    retrofit, household = in_payment
    _, token = access_link_issue(household=household)
    page = phone_page
    page.goto(f"{live_server.url}/consultations/r/{token}/")
    page.get_by_role("link", name="我家的电梯：进度、分摊与缴款").click()
    page.wait_for_url("**/elevators/resident/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    assert "表决通过" in page.locator(".r-box").inner_text()
    share = page.locator(".r-figure").inner_text()
    assert share.startswith("¥") and Decimal(share.lstrip("¥")) > 0
    # 24 rows to pay, the first marked paid; the stairwell's table highlights this dwelling.
    assert page.locator(".r-table").first.locator("tbody tr").count() == 24
    assert page.locator(".r-table .mine").inner_text().startswith("601")
