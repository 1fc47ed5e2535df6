"""Consultations as a street office runs them, in a real browser: the frozen electorate on the
pages, confirmations of what cannot be undone (without JavaScript), a paper ballot over an
online one, a lost slip replaced for one dwelling, the resident's way in, and the result's
colours."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from communities.models import Household
from consultations import services
from consultations.links import access_link_issue, access_link_resolve, access_links_issue
from consultations.models import AccessLink, Ballot, Consultation
from tests.communities.factories import HouseholdFactory
from tests.conftest import make_stairwell
from tests.consultations.factories import decision_choice, make_consultation, vote
from tests.e2e.conftest import PHONE, login

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}


def _page(browser, **options):
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def desktop_page(browser, live_server):
    context, page = _page(browser, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def no_script_page(browser, live_server):
    """A desktop browser that runs no JavaScript: the confirmations work all the same."""
    context, page = _page(browser, viewport=DESKTOP, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def resident_phone(browser, live_server):
    cache.delete("consultations:bad-token:127.0.0.1")
    context, page = _page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def stairwell(transactional_db, tree):
    return make_stairwell(tree.estate_a, floors=3, per_floor=2)


@pytest.fixture
def dwellings(stairwell):
    return list(Household.objects.filter(stairwell=stairwell).order_by("floor", "room_number"))


def rgb(page, selector) -> tuple[int, ...]:
    colour = page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")
    return tuple(int(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])


# --- the frozen electorate ----------------------------------------------------------------------


def test_the_result_page_says_as_of_when_its_electorate_was_frozen(
    desktop_page, live_server, alice, tree, stairwell, dwellings
):
    c = make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    for h in dwellings[:4]:
        vote(c, h, "yes")
    services.consultation_close(consultation=c)
    HouseholdFactory(stairwell=stairwell, floor=3, room_number="303")  # after closing
    frozen_at = timezone.localtime(c.freezes.get().frozen_at).strftime("%Y-%m-%d %H:%M")

    page = desktop_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/consultations/{c.pk}/results/")
    props = page.locator(".tally dl.props").inner_text()
    assert f"表决名单截至 {frozen_at}" in props
    assert "6 (360.00 m²)" in props  # the six frozen dwellings, not the seventh
    assert page.locator(".verdict").inner_text() == "通过"


def test_staff_re_freeze_the_electorate_with_a_reason_the_page_keeps(
    desktop_page, live_server, alice, tree, stairwell
):
    c = make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    HouseholdFactory(stairwell=stairwell, floor=3, room_number="303", floor_area=Decimal("70"))

    page = desktop_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/consultations/{c.pk}/")
    assert page.locator("#electorate table tbody tr").count() == 1
    page.locator(f"#electorate a[href$='/consultations/{c.pk}/electorate/refreeze/']").click()
    assert "1-1-303 (70.00 m²)" in page.locator(".consequences").inner_text()
    page.locator("button.btn-danger-solid").click()  # no reason given
    assert page.locator("#id_reason:invalid").count() == 1  # the browser asks for it first
    assert c.freezes.count() == 1
    page.fill("#id_reason", "台账漏登303室，居委会核实后补录")
    page.locator("button.btn-danger-solid").click()
    page.wait_for_url(f"**/consultations/{c.pk}/")
    rows = page.locator("#electorate table tbody tr")
    assert rows.count() == 2
    assert "台账漏登303室" in rows.first.inner_text() and "alice" in rows.first.inner_text()
    assert c.electorate.count() == 7


# --- confirmations ------------------------------------------------------------------------------


def test_closing_voting_early_asks_first_and_says_how_many_have_not_voted(
    no_script_page, live_server, alice, tree, stairwell, dwellings
):
    c = make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    vote(c, dwellings[0], "yes")
    page = no_script_page
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/consultations/{c.pk}/")
    page.locator(f"form[action$='/consultations/{c.pk}/do/close/'] button").click()

    assert page.locator("h1").inner_text() == "现在结束“1单元加装电梯表决”的投票？"
    assert "6 户中还有 5 户未投票" in page.locator(".consequences").inner_text()
    c.refresh_from_db()
    assert c.status == Consultation.Status.OPEN  # nothing happened yet
    page.get_by_role("link", name="取消，返回").click()
    page.wait_for_url(f"**/consultations/{c.pk}/")
    c.refresh_from_db()
    assert c.status == Consultation.Status.OPEN

    page.locator(f"form[action$='/consultations/{c.pk}/do/close/'] button").click()
    page.locator("button[name=confirmed]").click()
    page.wait_for_url(f"**/consultations/{c.pk}/")
    c.refresh_from_db()
    assert c.status == Consultation.Status.CLOSED


def test_revoking_a_resident_link_asks_first(
    no_script_page, live_server, bob, tree, stairwell, dwellings
):
    access_links_issue(households=Household.objects.filter(stairwell=stairwell))
    target = dwellings[2]  # 1-1-201
    page = no_script_page
    login(page, live_server, "bob")
    page.goto(
        f"{live_server.url}/consultations/links/?estate={tree.estate_a.pk}&stairwell={stairwell.pk}"
    )
    page.locator(f"form[action$='/links/{target.pk}/revoke/'] button").click()
    assert page.locator("h1").inner_text() == "作废 1-1-201 的投票链接？"
    assert "立即失效" in page.locator(".consequences").inner_text()
    assert AccessLink.objects.filter(household=target, revoked_at__isnull=True).exists()
    page.locator("button[name=confirmed]").click()
    page.wait_for_url("**/consultations/links/?estate=*")
    assert not AccessLink.objects.filter(household=target, revoked_at__isnull=True).exists()
    assert AccessLink.objects.filter(revoked_at__isnull=True).count() == 5


# --- a lost slip --------------------------------------------------------------------------------


def test_a_lost_slip_is_replaced_for_that_one_dwelling(
    desktop_page, live_server, bob, tree, stairwell, dwellings
):
    tokens = dict(access_links_issue(households=Household.objects.filter(stairwell=stairwell)))
    lost = dwellings[3]  # 1-1-202
    page = desktop_page
    login(page, live_server, "bob")
    page.goto(
        f"{live_server.url}/consultations/links/?estate={tree.estate_a.pk}&stairwell={stairwell.pk}"
    )
    page.locator(f"form[action$='/links/{lost.pk}/reissue/'] button").click()
    assert "其他各户的投票单继续有效" in page.locator(".consequences").inner_text()
    page.locator("button[name=confirmed]").click()

    cards = page.locator(".print-card")
    cards.first.wait_for()
    assert cards.count() == 1
    assert "1-1-202" in cards.first.inner_text()
    assert access_link_resolve(token=tokens[lost], touch=False) is None
    others = [h for h in dwellings if h != lost]
    assert all(access_link_resolve(token=tokens[h], touch=False) for h in others)
    # The new slip's QR code is drawn (its token is the dwelling's active one): wait for the
    # image to finish loading, then check it decoded.
    page.wait_for_function("document.querySelector('.print-card img').complete")
    assert page.locator(".print-card img").evaluate("img => img.naturalWidth") > 0


# --- paper over online --------------------------------------------------------------------------


def test_a_paper_ballot_over_an_online_one_says_so_and_the_resident_sees_it(
    browser, live_server, bob, tree, stairwell, dwellings, resident_phone
):
    c = make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    household = dwellings[0]
    _, token = access_link_issue(household=household)
    online = vote(c, household, "no")
    question, agree = decision_choice(c, "yes")

    context, page = _page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, live_server, "bob")
    page.goto(f"{live_server.url}/consultations/{c.pk}/ballots/enter/?household={household.pk}")
    warning = page.locator("#replaces-online")
    assert "该户已在线投票" in warning.inner_text()
    cast_at = timezone.localtime(online.cast_at).strftime("%Y-%m-%d %H:%M")
    assert cast_at in warning.inner_text()
    page.locator(f"label:has(input[value='{agree.pk}'])").first.click()
    page.locator("form.form button[type=submit]").click()
    assert page.locator("#id_replace_reason:invalid").count() == 1  # asked before saving
    assert Ballot.objects.get(consultation=c, household=household, is_current=True) == online
    page.fill("#id_replace_reason", "业主到居委会改投纸质票")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/ballots/enter/?household=*")
    context.close()
    paper = Ballot.objects.get(consultation=c, household=household, is_current=True)
    assert (paper.channel, paper.replaces, paper.replace_reason) == (
        "paper",
        online,
        "业主到居委会改投纸质票",
    )

    resident = resident_phone
    resident.goto(f"{live_server.url}/consultations/r/{token}/")
    notice = resident.locator("#paper-ballot")
    text = notice.inner_text()
    assert "已为您家录入一张纸质选票" in text
    assert timezone.localtime(paper.cast_at).strftime("%Y-%m-%d %H:%M") in text
    assert cast_at in text  # it replaced the online vote of that moment
    assert "bob" not in resident.content()  # when and how, never by whom


# --- the resident's way in ----------------------------------------------------------------------


def test_with_one_open_vote_the_link_goes_straight_to_it_and_home_keeps_the_rest(
    resident_phone, live_server, tree, stairwell, dwellings
):
    household = dwellings[0]
    earlier = make_consultation(tree.estate_a, stairwell=stairwell, title="改造意愿征询")
    vote(earlier, household, "yes")
    services.consultation_close(consultation=earlier)
    c = make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    _, agree = decision_choice(c, "yes")
    _, token = access_link_issue(household=household)

    page = resident_phone
    page.goto(f"{live_server.url}/consultations/r/{token}/")
    page.wait_for_url(f"**/consultations/resident/{c.pk}/")
    page.locator(f"label:has(input[value='{agree.pk}'])").click()  # tap 1
    page.locator("button[type=submit]").click()  # tap 2
    page.locator("#confirmation").wait_for()
    assert Ballot.objects.get(consultation=c, household=household, is_current=True)

    page.locator(".r-foot a").click()
    page.wait_for_url("**/consultations/resident/")
    assert page.get_by_role("link", name="改造意愿征询").is_visible()  # the earlier result
    assert page.get_by_role("link", name="1单元加装电梯表决").is_visible()


def test_with_two_open_votes_the_link_opens_the_list(
    resident_phone, live_server, tree, stairwell, dwellings
):
    make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    make_consultation(tree.estate_a, title="日晖六村综合改造方案")
    _, token = access_link_issue(household=dwellings[0])
    page = resident_phone
    page.goto(f"{live_server.url}/consultations/r/{token}/")
    page.wait_for_url("**/consultations/resident/")
    assert page.locator(".r-list li").count() == 2


# --- colours ------------------------------------------------------------------------------------


def test_disagree_is_not_drawn_in_the_agree_green(
    resident_phone, desktop_page, live_server, alice, tree, stairwell, dwellings
):
    c = make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    for h, meaning in zip(dwellings, ["yes", "yes", "no", "no", "abstain"], strict=False):
        vote(c, h, meaning)
    services.consultation_close(consultation=c)
    _, token = access_link_issue(household=dwellings[0])

    login(desktop_page, live_server, "alice")
    desktop_page.goto(f"{live_server.url}/consultations/{c.pk}/results/")
    resident_phone.goto(f"{live_server.url}/consultations/r/{token}/")
    resident_phone.get_by_role("link", name="1单元加装电梯表决").click()
    for page in (desktop_page, resident_phone):
        yes = rgb(page, ".meaning-yes .progress > span")
        no = rgb(page, ".meaning-no .progress > span")
        abstain = rgb(page, ".meaning-abstain .progress > span")
        assert yes[1] > yes[0]  # green
        assert no[0] > no[1] + 60  # red or orange
        assert max(abstain) - min(abstain) < 40  # grey
        # Not colour alone: each row names its choice and carries a mark.
        assert page.locator(".meaning-no td").first.inner_text().startswith("✘")
        assert "不同意" in page.locator(".meaning-no td").first.inner_text()


def test_a_dwelling_added_after_opening_is_told_it_is_not_on_the_list(
    resident_phone, live_server, tree, stairwell
):
    make_consultation(tree.estate_a, stairwell=stairwell, title="1单元加装电梯表决")
    late = HouseholdFactory(stairwell=stairwell, floor=3, room_number="303")
    _, token = access_link_issue(household=late)
    page = resident_phone
    page.goto(f"{live_server.url}/consultations/r/{token}/")
    assert page.locator("#not-on-the-list").is_visible()
    assert page.locator("form button[type=submit]").count() == 0
