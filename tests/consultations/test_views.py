"""Pages: residents through their link; staff in scope; results hidden until close."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from communities.models import Household
from consultations import services
from consultations.ballots import ballot_cast
from consultations.links import access_link_issue, access_link_revoke, access_links_issue
from consultations.models import Ballot, Consultation
from consultations.resident_views import BAD_TOKEN_LIMIT
from tests.communities.factories import PASSWORD
from tests.conftest import make_stairwell
from tests.consultations.factories import decision_choice, make_consultation, vote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.delete("consultations:bad-token:127.0.0.1")
    yield
    cache.delete("consultations:bad-token:127.0.0.1")


@pytest.fixture
def stairwell(tree):
    return make_stairwell(tree.estate_a, floors=3, per_floor=2)


@pytest.fixture
def household(stairwell):
    return Household.objects.filter(stairwell=stairwell).order_by("floor", "room_number").first()


@pytest.fixture
def consultation(tree, stairwell):
    return make_consultation(tree.estate_a, stairwell=stairwell, title="3号楼加装电梯")


def enter(client, household):
    _, token = access_link_issue(household=household)
    response = client.get(reverse("consultations:resident-enter", args=[token]))
    assert response.status_code == 302
    return token


def login(client, user):
    client.login(username=user.username, password=PASSWORD)


# --- residents --------------------------------------------------------------------------------


def test_a_resident_link_opens_a_session_for_that_dwelling_only(
    client, tree, consultation, household
):
    other_stairwell = make_stairwell(tree.estate_a, building_number="7")
    elsewhere = make_consultation(tree.estate_a, stairwell=other_stairwell, title="7号楼表决")
    enter(client, household)
    page = client.get(reverse("consultations:resident-home"))
    assert "3号楼加装电梯" in page.content.decode()
    assert "7号楼表决" not in page.content.decode()
    assert (
        client.get(reverse("consultations:resident-consultation", args=[elsewhere.pk])).status_code
        == 404
    )


def test_a_resident_votes_sees_the_confirmation_and_changes_the_vote(
    client, consultation, household
):
    enter(client, household)
    question, yes = decision_choice(consultation, "yes")
    _, no = decision_choice(consultation, "no")
    url = reverse("consultations:resident-consultation", args=[consultation.pk])
    response = client.post(url, {f"q{question.pk}": yes.pk}, follow=True)
    body = response.content.decode()
    assert 'id="confirmation"' in body and yes.text in body
    client.post(url, {f"q{question.pk}": no.pk})
    current = Ballot.objects.get(consultation=consultation, household=household, is_current=True)
    assert current.answers.get().choice == no and current.channel == "online"
    assert Ballot.objects.filter(consultation=consultation, household=household).count() == 2


def test_a_missing_answer_redisplays_the_form_with_a_message(client, consultation, household):
    enter(client, household)
    response = client.post(
        reverse("consultations:resident-consultation", args=[consultation.pk]), {}
    )
    assert response.status_code == 200
    assert "r-error" in response.content.decode()
    assert not Ballot.objects.exists()


def test_the_voting_page_needs_no_javascript(client, consultation, household):
    enter(client, household)
    body = client.get(
        reverse("consultations:resident-consultation", args=[consultation.pk])
    ).content.decode()
    assert "<script" not in body and 'type="radio"' in body and "resident.css" in body


def test_a_revoked_link_ends_the_resident_session(client, consultation, household):
    enter(client, household)
    access_link_revoke(household=household)
    assert client.get(reverse("consultations:resident-home")).status_code == 403


def test_an_old_link_stops_working_when_re_issued(client, household):
    old = enter(client, household)
    access_link_issue(household=household)
    client.logout()
    assert client.get(reverse("consultations:resident-enter", args=[old])).status_code == 404


def test_wrong_tokens_are_rate_limited_per_client(client, household):
    for i in range(BAD_TOKEN_LIMIT):
        assert (
            client.get(reverse("consultations:resident-enter", args=[f"wrong{i}"])).status_code
            == 404
        )
    _, token = access_link_issue(household=household)
    response = client.get(reverse("consultations:resident-enter", args=[token]))
    assert response.status_code == 429
    assert "ten minutes" in response.content.decode() or "十分钟" in response.content.decode()


def test_results_are_hidden_from_residents_until_voting_closes(client, consultation, household):
    enter(client, household)
    vote(consultation, household, "yes")
    url = reverse("consultations:resident-consultation", args=[consultation.pk])
    assert "tally" not in client.get(url).content.decode()
    services.consultation_close(consultation=consultation)
    body = client.get(url).content.decode()
    assert 'class="tally"' in body and "2/3" in body


def test_a_resident_lodges_an_objection_during_publicity(client, consultation, household):
    enter(client, household)
    services.consultation_close(consultation=consultation)
    services.consultation_publish(consultation=consultation, notice="表决结果公示")
    url = reverse("consultations:resident-consultation", args=[consultation.pk])
    assert "表决结果公示" in client.get(url).content.decode()
    client.post(url, {"text": "一楼采光受影响"})
    assert consultation.objections.get().household == household


# --- staff ------------------------------------------------------------------------------------


def test_staff_see_turnout_but_not_choices_before_close(client, alice, consultation, household):
    vote(consultation, household, "yes")
    login(client, alice)
    body = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "1 / 6" in body
    assert 'class="tally"' not in body
    assert client.get(reverse("consultations:results", args=[consultation.pk])).status_code == 302
    assert client.get(reverse("consultations:export", args=[consultation.pk])).status_code == 302


def test_the_result_page_shows_the_four_numbers_against_their_thresholds(
    client, alice, consultation, household
):
    vote(consultation, household, "yes")
    services.consultation_close(consultation=consultation)
    login(client, alice)
    body = client.get(reverse("consultations:results", args=[consultation.pk])).content.decode()
    assert body.count('class="check ') == 4
    assert "≥ 2/3" in body and "≥ 3/4" in body


def test_an_outsider_gets_404_everywhere(client, charlie, consultation, household):
    login(client, charlie)
    pages = ("detail", "turnout", "results", "preview", "ballot-enter", "export", "edit")
    for name in (*pages, "electorate-refreeze"):
        assert (
            client.get(reverse(f"consultations:{name}", args=[consultation.pk])).status_code == 404
        ), name
    assert (
        client.post(
            reverse("consultations:transition", args=[consultation.pk, "close"])
        ).status_code
        == 404
    )
    assert consultation.title not in client.get(reverse("consultations:list")).content.decode()
    assert client.get(reverse("consultations:link-qr", args=[household.pk])).status_code == 404
    for action in ("link-reissue", "link-revoke"):
        url = reverse(f"consultations:{action}", args=[household.pk])
        assert client.post(url, {"confirmed": "yes"}).status_code == 404, action


def test_a_grid_worker_may_not_re_freeze_the_electorate(client, bob, consultation):
    login(client, bob)  # ballots, not management
    url = reverse("consultations:electorate-refreeze", args=[consultation.pk])
    assert client.post(url, {"reason": "补录"}).status_code == 404
    assert consultation.freezes.count() == 1


def test_a_grid_worker_enters_a_paper_ballot_and_the_page_says_which_counts(
    client, bob, consultation, household
):
    online = vote(consultation, household, "no")
    login(client, bob)
    url = reverse("consultations:ballot-enter", args=[consultation.pk])
    page = client.get(url, {"household": household.pk}).content.decode()
    assert "Online" in page or "线上" in page
    question, yes = decision_choice(consultation, "yes")
    data = {"household": household.pk, "channel": "paper", f"q{question.pk}": yes.pk}
    refused = client.post(url, {**data, "replaces": online.pk}).content.decode()
    assert "请说明为何以本票替换居民的在线投票" in refused
    current = Ballot.objects.get(consultation=consultation, household=household, is_current=True)
    assert current == online
    client.post(url, {**data, "replaces": online.pk, "replace_reason": "业主到居委会改投"})
    counted = Ballot.objects.get(consultation=consultation, household=household, is_current=True)
    assert counted.channel == "paper" and counted.entered_by == bob
    assert (counted.replaces, counted.replace_reason) == (online, "业主到居委会改投")
    page = client.get(url, {"household": household.pk}).content.decode()
    assert "bob" in page


def test_the_bureau_cannot_enter_ballots(client, diana, consultation):
    login(client, diana)
    assert (
        client.get(reverse("consultations:ballot-enter", args=[consultation.pk])).status_code == 404
    )


def test_staff_create_a_consultation_and_open_it(client, alice, tree, stairwell):
    login(client, alice)
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "加装电梯意愿",
            "kind": "decision",
            "decision_rule": "major",
            "estate": tree.estate_a.pk,
            "stairwell": stairwell.pk,
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2099-01-01T08:00",
            "publicity_days": 7,
        },
    )
    consultation = Consultation.objects.get(title="加装电梯意愿")
    assert response.status_code == 302 and consultation.building == stairwell.building
    client.post(reverse("consultations:transition", args=[consultation.pk, "open"]))
    consultation.refresh_from_db()
    assert consultation.status == "open"


def test_a_bad_form_keeps_the_input_and_says_what_is_wrong(client, alice, tree):
    login(client, alice)
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "错误日期",
            "kind": "decision",
            "decision_rule": "none",
            "estate": tree.estate_a.pk,
            "opens_at": "2026-01-02T08:00",
            "closes_at": "2026-01-01T08:00",
            "publicity_days": 7,
        },
    )
    assert response.status_code == 200
    assert "错误日期" in response.content.decode() and 'class="error"' in response.content.decode()


def test_charlie_cannot_create_a_consultation_in_alices_estate(client, charlie, tree):
    login(client, charlie)
    client.post(
        reverse("consultations:create"),
        {
            "title": "越权",
            "kind": "survey",
            "decision_rule": "none",
            "estate": tree.estate_a.pk,
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2099-01-01T08:00",
            "publicity_days": 7,
        },
    )
    assert not Consultation.objects.filter(title="越权").exists()


def test_the_export_has_ballots_but_no_names_or_phones(client, alice, consultation, household):
    from openpyxl import load_workbook

    vote(consultation, household, "yes")
    vote(consultation, household, "no")
    services.consultation_close(consultation=consultation)
    login(client, alice)
    response = client.get(reverse("consultations:export", args=[consultation.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    text = " ".join(str(v) for row in rows for v in row)
    owner = household.owners.get()
    assert owner.name not in text and owner.phone not in text


def test_issuing_links_prints_a_qr_code_per_dwelling(client, bob, tree, stairwell):
    login(client, bob)
    response = client.post(
        reverse("consultations:links"), {"estate": tree.estate_a.pk, "stairwell": stairwell.pk}
    )
    body = response.content.decode()
    assert body.count('class="print-card"') == 6
    qr_url = body.split('<img src="')[1].split('"')[0].replace("&amp;", "&")
    image = client.get(qr_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert client.get(qr_url + "&format=png")["Content-Type"] == "image/png"


def test_the_qr_image_needs_the_dwellings_active_token(client, bob, household):
    _, token = access_link_issue(household=household)
    access_link_issue(household=household)
    login(client, bob)
    url = reverse("consultations:link-qr", args=[household.pk])
    assert client.get(url, {"t": token}).status_code == 404


def test_the_list_page_has_a_bounded_number_of_queries(
    client, alice, tree, django_assert_max_num_queries
):
    stairwell = make_stairwell(tree.estate_a, floors=2, per_floor=2)
    household = stairwell.households.first()
    for i in range(12):
        c = make_consultation(tree.estate_a, stairwell=stairwell, title=f"征询{i}")
        vote(c, household, "yes")
    login(client, alice)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("consultations:list"))
    assert response.content.decode().count("征询") >= 12


def test_the_detail_and_turnout_pages_have_a_bounded_number_of_queries(
    client, alice, tree, django_assert_max_num_queries
):
    stairwell = make_stairwell(tree.estate_a, floors=6, per_floor=4)
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    for household in Household.objects.filter(stairwell=stairwell)[:15]:
        vote(c, household, "yes")
    services.consultation_close(consultation=c)
    login(client, alice)
    for name in ("detail", "turnout", "results"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(f"consultations:{name}", args=[c.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("consultations:export", args=[c.pk])).status_code == 200


def test_residents_see_the_attachments_and_outsiders_do_not(
    client, charlie, consultation, household, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    from consultations.models import Attachment

    attachment = Attachment(consultation=consultation, title="电梯方案图")
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    url = reverse("consultations:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404
    enter(client, household)
    page = client.get(reverse("consultations:resident-consultation", args=[consultation.pk]))
    assert "电梯方案图" in page.content.decode()
    assert client.get(url).status_code == 200
    client.logout()
    login(client, charlie)
    assert client.get(url).status_code == 404


def test_ideas_are_shown_to_residents_only_after_approval(
    client, alice, tree, stairwell, household
):
    from consultations.models import Question

    c = make_consultation(
        tree.estate_a, stairwell=stairwell, kind=Consultation.Kind.IDEAS, open_it=False
    )
    idea_q = services.question_save(
        consultation=c, text="金点子", type=Question.Type.TEXT, required=False
    )
    services.consultation_open(consultation=c)
    rating_q = c.questions.exclude(pk=idea_q.pk).get()
    ballot_cast(
        consultation=c,
        household=household,
        channel="online",
        answers={idea_q.pk: "楼道加装扶手", rating_q.pk: 5},
    )
    services.consultation_close(consultation=c)
    enter(client, household)
    url = reverse("consultations:resident-consultation", args=[c.pk])
    assert "楼道加装扶手" not in client.get(url).content.decode()
    staff = client.__class__()
    login(staff, alice)
    answer = c.ballots.get().answers.get(question=idea_q)
    staff.post(
        reverse("consultations:ideas", args=[c.pk]), {"answer": answer.pk, "decision": "approve"}
    )
    assert "楼道加装扶手" in client.get(url).content.decode()


def test_the_links_and_ballot_entry_pages_have_bounded_queries(
    client, bob, tree, django_assert_max_num_queries
):
    stairwell = make_stairwell(tree.estate_a, floors=6, per_floor=4)
    access_links_issue(households=Household.objects.filter(stairwell=stairwell))
    c = make_consultation(tree.estate_a, stairwell=stairwell)
    household = stairwell.households.first()
    vote(c, household, "yes")
    login(client, bob)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("consultations:links"), {"estate": tree.estate_a.pk})
    assert page.content.decode().count("badge-ok") == 24
    with django_assert_max_num_queries(16):
        client.get(reverse("consultations:ballot-enter", args=[c.pk]), {"household": household.pk})


def test_the_home_page_lists_open_consultations_in_scope(client, alice, charlie, consultation):
    login(client, alice)
    assert consultation.title in client.get("/").content.decode()
    client.logout()
    login(client, charlie)
    assert consultation.title not in client.get("/").content.decode()


def test_staff_add_a_plan_choice_question_and_bad_input_is_explained(
    client, alice, tree, stairwell
):
    c = make_consultation(
        tree.estate_a, stairwell=stairwell, kind=Consultation.Kind.PLAN_CHOICE, open_it=False
    )
    login(client, alice)
    url = reverse("consultations:question-add", args=[c.pk])
    bad = client.post(
        url,
        {
            "text": "想改哪些？",
            "type": "multiple",
            "choices": "加装电梯\n屋面防水",
            "min_choices": 1,
            "max_choices": 5,
            "required": "on",
        },
    )
    assert bad.status_code == 200 and "想改哪些？" in bad.content.decode()
    good = client.post(
        url,
        {
            "text": "想改哪些？",
            "type": "multiple",
            "choices": "加装电梯\n屋面防水\n停车位",
            "min_choices": 1,
            "max_choices": 2,
            "required": "on",
        },
    )
    assert good.status_code == 302
    question = c.questions.get(text="想改哪些？")
    assert question.max_choices == 2 and question.choices.count() == 3


def test_staff_publish_and_decide_through_the_pages(client, alice, consultation, household):
    vote(consultation, household, "yes")
    login(client, alice)
    close = reverse("consultations:transition", args=[consultation.pk, "close"])
    asked = client.post(close).content.decode()
    assert "6 户中还有 5 户未投票" in asked  # how many dwellings have not voted yet
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN
    client.post(close, {"confirmed": "yes"})
    response = client.post(
        reverse("consultations:publish", args=[consultation.pk]),
        {"notice": "表决结果公示", "days": 7},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "publicity"
    page = client.post(
        reverse("consultations:transition", args=[consultation.pk, "decide"]), follow=True
    )
    assert "msg-error" in page.content.decode()  # publicity has not ended yet
    consultation.refresh_from_db()
    assert consultation.status == "publicity"


def test_the_home_panel_counts_turnout_against_the_frozen_electorate(
    client, alice, tree, consultation, stairwell, household
):
    from tests.communities.factories import HouseholdFactory

    vote(consultation, household, "yes")
    HouseholdFactory(stairwell=stairwell, floor=3, room_number="303")  # after opening
    login(client, alice)
    panels = {p["template"]: p for p in client.get("/").context["panels"]}
    [open_now] = panels["consultations/_home_panel.html"]["open_consultations"]
    assert (open_now.voted, open_now.dwellings) == (1, 6)


def test_a_residents_ballot_post_checks_the_frozen_electorate_without_extra_queries(
    client, consultation, household, django_assert_max_num_queries
):
    # The membership check, the still-open check and the per-dwelling lock are one statement
    # (the electorate entry's row lock): 14 queries for a first ballot, 15 for a change
    # (the counted ballot's answers), where 16 and 17 were taken before the snapshot.
    enter(client, household)
    question, yes = decision_choice(consultation, "yes")
    url = reverse("consultations:resident-consultation", args=[consultation.pk])
    for _ in range(2):
        with django_assert_max_num_queries(15):
            assert client.post(url, {f"q{question.pk}": yes.pk}).status_code == 302
    assert Ballot.objects.filter(consultation=consultation, household=household).count() == 2


def test_the_export_gives_frozen_areas_replacement_reasons_and_inert_written_answers(
    client, alice, bob, tree, stairwell, consultation, household
):
    from decimal import Decimal

    from openpyxl import load_workbook

    online = vote(consultation, household, "no")
    vote(
        consultation,
        household,
        "yes",
        channel="paper",
        entered_by=bob,
        replaces=online.pk,
        replace_reason="=HYPERLINK(1)",
    )
    household.floor_area = Decimal("99.00")  # a registry edit after opening
    household.save(update_fields=["floor_area"])
    services.consultation_close(consultation=consultation)
    login(client, alice)
    response = client.get(reverse("consultations:export", args=[consultation.pk]))
    header, first, second = load_workbook(io.BytesIO(response.content)).active.iter_rows(
        values_only=True
    )
    row = dict(zip(header, second, strict=True))
    assert row["建筑面积（㎡）"] == 60  # as frozen, not the registry's 99
    assert row["替换在线投票的理由"] == "'=HYPERLINK(1)"
    assert (dict(zip(header, first, strict=True))["计票"], row["计票"]) == ("不计票", "计票")
