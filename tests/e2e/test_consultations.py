"""A resident votes from a 390×844 phone through the printed link (what the QR code opens)."""

import pytest
from django.core.cache import cache

from communities.models import Household
from consultations.links import access_link_issue
from consultations.models import Ballot
from tests.conftest import make_stairwell
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.e2e


@pytest.fixture
def resident_link(transactional_db, tree):
    cache.delete("consultations:bad-token:127.0.0.1")
    stairwell = make_stairwell(tree.estate_a, floors=6, per_floor=2)
    household = (
        Household.objects.filter(stairwell=stairwell).order_by("floor", "room_number").first()
    )
    consultation = make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    _, token = access_link_issue(household=household)
    return consultation, household, token


def test_a_resident_votes_and_changes_the_vote_on_a_phone(phone_page, live_server, resident_link):
    consultation, household, token = resident_link
    page = phone_page
    page.goto(f"{live_server.url}/consultations/r/{token}/")
    assert "/consultations/r/" not in page.url  # the token leaves the address bar
    # The one open vote opens straight away.
    page.wait_for_url(f"**/consultations/resident/{consultation.pk}/")

    # Large type for elderly residents, and no sideways scrolling on a 390px screen.
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    question = consultation.questions.get(is_decision=True)
    agree = question.choices.get(meaning="yes")
    disagree = question.choices.get(meaning="no")
    page.locator(f"label:has(input[value='{agree.pk}'])").click()
    page.locator("button[type=submit]").click()
    confirmation = page.locator("#confirmation")
    confirmation.wait_for()
    assert agree.text in confirmation.inner_text()

    page.locator("#confirmation a[href='?change=1']").click()
    page.locator(f"label:has(input[value='{disagree.pk}'])").click()
    page.locator("button[type=submit]").click()
    page.locator("#confirmation").wait_for()
    assert disagree.text in page.locator("#confirmation").inner_text()

    counted = Ballot.objects.get(consultation=consultation, household=household, is_current=True)
    assert counted.answers.get().choice == disagree
    assert Ballot.objects.filter(consultation=consultation, household=household).count() == 2
