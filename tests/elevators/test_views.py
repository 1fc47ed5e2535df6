"""Staff pages and the resident's page: scoping (out of scope is 404), masking, the forms with
their messages, the xlsx export, and query-count bounds."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities.models import Owner
from consultations.links import access_link_issue
from elevators import services, share_services
from elevators.models import Payment, Retrofit, ShareVersion, SharingScheme
from tests.conftest import make_stairwell
from tests.elevators.conftest import room
from tests.elevators.factories import make_retrofit, run_consent

D = Decimal


def url(name, *args):
    return reverse(f"elevators:{name}", args=args)


def test_the_list_shows_the_users_retrofits_only(client, alice, charlie, retrofit):
    client.force_login(alice)
    body = client.get(url("list")).content.decode()
    assert url("detail", retrofit.pk) in body and "日晖六村" in body
    client.force_login(charlie)
    assert url("detail", retrofit.pk) not in client.get(url("list")).content.decode()


def test_the_list_filters_by_status_and_overdue(client, alice, retrofit):
    client.force_login(alice)
    assert (
        url("detail", retrofit.pk)
        in client.get(url("list"), {"status": "proposed"}).content.decode()
    )
    assert (
        url("detail", retrofit.pk)
        not in client.get(url("list"), {"status": "design"}).content.decode()
    )
    assert (
        url("detail", retrofit.pk)
        not in client.get(url("list"), {"overdue": "true"}).content.decode()
    )
    Retrofit.objects.filter(pk=retrofit.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert (
        url("detail", retrofit.pk) in client.get(url("list"), {"overdue": "true"}).content.decode()
    )


def test_an_estate_outside_the_scope_is_not_a_valid_filter_choice(client, charlie, tree, retrofit):
    client.force_login(charlie)
    response = client.get(url("list"), {"estate_id": tree.estate_a.pk})
    assert url("detail", retrofit.pk) not in response.content.decode()
    assert "日晖六村" not in response.content.decode()


def test_the_list_costs_a_fixed_number_of_queries(
    client, alice, retrofit, tree, scheme7, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(20) as captured:
        assert client.get(url("list")).status_code == 200
    few = len(captured)
    for number in ("2", "3", "4"):
        make_retrofit(
            alice, make_stairwell(tree.estate_b, floors=7, building_number=number), scheme=scheme7
        )
    with django_assert_max_num_queries(few):
        body = client.get(url("list")).content.decode()
    assert body.count('href="/elevators/') >= 4


@pytest.mark.parametrize(
    "name, extra",
    [
        ("detail", ()),
        ("export", ()),
        ("edit", ()),
        ("transition", ()),
        ("consent", ()),
        ("cost-create", ()),
        ("final-cost", ()),
        ("compute", ()),
        ("decline", ()),
        ("payment-create", ()),
    ],
)
def test_another_streets_staff_get_404_everywhere(client, charlie, retrofit, name, extra):
    client.force_login(charlie)
    assert client.get(url(name, retrofit.pk, *extra)).status_code == 404


def test_another_streets_staff_get_404_on_a_dwelling_and_its_plan(
    client, charlie, retrofit, stairwell
):
    client.force_login(charlie)
    household = room(stairwell, "701")
    assert client.get(url("dwelling", retrofit.pk, household.pk)).status_code == 404
    assert client.get(url("plan", retrofit.pk, household.pk)).status_code == 404


def test_a_grid_worker_reads_but_cannot_change(client, bob, retrofit):
    client.force_login(bob)
    assert client.get(url("detail", retrofit.pk)).status_code == 200
    for name in ("edit", "transition", "cost-create", "payment-create", "compute"):
        assert client.get(url(name, retrofit.pk)).status_code == 404


def test_a_dwelling_of_another_stairwell_is_404_on_this_retrofits_pages(
    client, alice, retrofit, tree
):
    other = make_stairwell(tree.estate_a, floors=3, building_number="2").households.first()
    client.force_login(alice)
    assert client.get(url("dwelling", retrofit.pk, other.pk)).status_code == 404


def test_owners_are_named_in_scope_and_masked_for_the_bureau(
    client, alice, diana, retrofit, stairwell
):
    Owner.objects.filter(household=room(stairwell, "701")).update(
        name="张三丰", phone="13812345678"
    )
    client.force_login(alice)
    assert "张三丰" in client.get(url("detail", retrofit.pk)).content.decode()
    client.force_login(diana)
    body = client.get(url("detail", retrofit.pk)).content.decode()
    assert "张三丰" not in body and "张**" in body
    dwelling = client.get(url("dwelling", retrofit.pk, room(stairwell, "701").pk)).content.decode()
    assert "13812345678" not in dwelling and "138****5678" in dwelling


def test_the_detail_page_shows_the_share_table_in_a_fixed_number_of_queries(
    client, alice, retrofit, tree, scheme7, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(40) as captured:
        body = client.get(url("detail", retrofit.pk)).content.decode()
    assert "¥44000.00" in body and "分摊表" in body
    few = len(captured)
    big = make_retrofit(
        alice,
        make_stairwell(tree.estate_a, floors=7, per_floor=4, building_number="3"),
        scheme=scheme7,
    )
    share_services.share_table_compute(retrofit=big, reason_kind=ShareVersion.Reason.INITIAL)
    with django_assert_max_num_queries(few):
        client.get(url("detail", big.pk))


def test_an_earlier_version_of_the_share_table_can_be_shown(client, alice, retrofit, stairwell):
    share_services.decline_record(
        retrofit=retrofit, household=room(stairwell, "301"), on=timezone.localdate(), actor=alice
    )
    client.force_login(alice)
    current = client.get(url("detail", retrofit.pk)).content.decode()
    assert "¥47710.84" in current and "v2 · 当前" in current
    earlier = client.get(url("detail", retrofit.pk), {"version": 1}).content.decode()
    assert "¥44000.00" in earlier and "历史版本" in earlier
    assert client.get(url("detail", retrofit.pk), {"version": 9}).status_code == 404


def test_the_share_table_exports_as_xlsx_with_every_cell_safe(
    client, alice, diana, retrofit, stairwell
):
    Owner.objects.filter(household=room(stairwell, "701")).update(name='=HYPERLINK("http://x")')
    client.force_login(alice)
    response = client.get(url("export", retrofit.pk))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    owners = [row[2] for row in rows if row and row[0] == "701"]
    assert owners == ['\'=HYPERLINK("http://x")']
    shares = [D(str(row[7])) for row in rows[11:] if row and row[0] and str(row[0]).isdigit()]
    assert sum(shares) == D("360000")
    client.force_login(diana)
    rows = list(
        load_workbook(io.BytesIO(client.get(url("export", retrofit.pk)).content)).active.iter_rows(
            values_only=True
        )
    )
    masked = "=" + "*" * (len('=HYPERLINK("http://x")') - 1)
    assert [row[2] for row in rows if row and row[0] == "701"] == ["'" + masked]


def test_creating_a_retrofit_through_the_form(client, alice, stairwell, scheme7):
    client.force_login(alice)
    page = client.get(url("create"), {"stairwell": stairwell.pk}).content.decode()
    assert "七层测试方案" in page
    response = client.post(url("create"), {"stairwell": stairwell.pk, "scheme": scheme7.pk})
    retrofit = Retrofit.objects.get(stairwell=stairwell)
    assert response.status_code == 302 and response["Location"].startswith(
        url("detail", retrofit.pk)
    )
    # The stairwell is no longer offered: a second retrofit cannot even be chosen.
    response = client.post(url("create"), {"stairwell": stairwell.pk, "scheme": scheme7.pk})
    assert response.status_code == 200 and Retrofit.objects.count() == 1
    assert "stairwell" in response.context["form"].errors


def test_a_subsidy_over_the_cost_is_refused_on_the_form_and_nothing_is_saved(
    client, alice, retrofit
):
    client.force_login(alice)
    data = {
        "scheme": retrofit.scheme_id,
        "subsidy_granted": "700000",
        "annual_maintenance": "0",
        "annual_electricity": "0",
    }
    response = client.post(url("edit", retrofit.pk), data)
    assert response.status_code == 200
    assert "核定补贴（¥700000）超过了造价（¥600000.00）。" in response.content.decode()
    retrofit.refresh_from_db()
    assert retrofit.subsidy_granted is None


def test_bad_coefficients_on_the_scheme_form_name_the_floor(client, alice, tree):
    client.force_login(alice)
    response = client.post(
        url("scheme-create"),
        {
            "name": "斜土方案",
            "region": tree.xietu.pk,
            "coefficients": "0, 0, -0.5, 1",
            "compensation_per_dwelling": "0",
            "compensation_funding": "from_shares",
            "is_active": "on",
        },
    )
    assert "3层：系数-0.5为负数。" in response.content.decode()
    assert not SharingScheme.objects.filter(name="斜土方案").exists()
    response = client.post(
        url("scheme-create"),
        {
            "name": "斜土方案",
            "region": tree.xietu.pk,
            "coefficients": "0，0，0.8，1",
            "compensation_per_dwelling": "0",
            "compensation_funding": "from_shares",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert SharingScheme.objects.get(name="斜土方案").coefficient_list == ["0", "0", "0.8", "1"]


def test_a_decline_through_the_page_makes_a_new_version(client, alice, retrofit, stairwell):
    client.force_login(alice)
    response = client.post(
        url("decline", retrofit.pk),
        {
            "household": room(stairwell, "301").pk,
            "declined_on": timezone.localdate(),
            "reason": "采光",
        },
    )
    assert response.status_code == 302
    assert retrofit.versions.get(is_current=True).reason_kind == "declined"


def test_a_payment_over_what_is_owed_is_refused_on_the_page(client, alice, retrofit, stairwell):
    r = run_consent(retrofit, alice, yes=list(stairwell.households.all()))
    services.retrofit_transition(retrofit=r, to_status="consent_reached", actor=alice)
    client.force_login(alice)
    data = {
        "household": room(stairwell, "301").pk,
        "amount": "28000.01",
        "paid_on": timezone.localdate(),
        "method": "bank",
    }
    response = client.post(url("payment-create", retrofit.pk), data)
    assert "尚欠金额（¥28000.00）" in response.content.decode()
    assert not Payment.objects.exists()
    data["amount"] = "28000.00"
    assert client.post(url("payment-create", retrofit.pk), data).status_code == 302
    assert Payment.objects.get().amount == D("28000.00")


def test_the_status_page_explains_the_consent_gate(client, alice, retrofit):
    now = timezone.now()
    services.retrofit_consent_start(
        retrofit=retrofit, actor=alice, opens_at=now, closes_at=now + timedelta(days=7)
    )
    client.force_login(alice)
    response = client.post(
        url("transition", retrofit.pk), {"to_status": "consent_reached", "on": timezone.localdate()}
    )
    assert "表决结果生效后项目才能继续" in response.content.decode()
    retrofit.refresh_from_db()
    assert retrofit.status == "consent_vote"


def test_statistics_and_the_home_panel(
    client, alice, charlie, retrofit, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        body = client.get(url("statistics")).content.decode()
    assert "斜土街道" in body
    assert 'id="elevators-panel"' in client.get("/").content.decode()
    client.force_login(charlie)
    assert "斜土街道" not in client.get(url("statistics")).content.decode()


# --- the resident -----------------------------------------------------------------------------


def _enter(client, household):
    _, token = access_link_issue(household=household)
    assert client.get(f"/consultations/r/{token}/").status_code == 302


def test_the_resident_sees_their_share_through_the_voting_link(client, retrofit, stairwell):
    household = room(stairwell, "701")
    _enter(client, household)
    home = client.get(reverse("consultations:resident-home")).content.decode()
    assert url("resident") in home
    body = client.get(url("resident")).content.decode()
    assert "¥44000.00" in body and "已提出" in body
    assert "业主" not in body  # the stairwell's table without names


def test_a_resident_without_a_session_is_turned_away(client, retrofit):
    assert client.get(url("resident")).status_code == 403


def test_a_resident_of_a_stairwell_without_a_retrofit_is_told_so(client, tree):
    household = make_stairwell(tree.estate_b, floors=3, building_number="9").households.first()
    _enter(client, household)
    assert "没有加装电梯项目" in client.get(url("resident")).content.decode()
    assert (
        url("resident") not in client.get(reverse("consultations:resident-home")).content.decode()
    )


def test_while_voting_is_open_only_participation_is_shown(client, alice, retrofit, stairwell):
    from consultations.services import consultation_open
    from tests.consultations.factories import vote

    now = timezone.now()
    r = services.retrofit_consent_start(
        retrofit=retrofit,
        actor=alice,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
    )
    consultation_open(consultation=r.consultation)
    for household in list(stairwell.households.all())[:10]:
        vote(r.consultation, household, "yes")
    client.force_login(alice)
    body = client.get(url("detail", retrofit.pk)).content.decode()
    assert "参与表决的户数占总户数" in body and "10 / 14" in body
    assert "同意的户数占参与表决户数" not in body and "投票截止后公布" in body
