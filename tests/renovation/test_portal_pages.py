"""Portal-wide pages: the menu (one active entry), the home page (the user's own work), the
error pages (the portal's own, in its language), favicon and meta description."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from renovation.context_processors import navigation

pytestmark = pytest.mark.django_db


def menu(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


@pytest.mark.parametrize(
    "path, entry",
    [
        ("/inspections/patrols/", "/inspections/patrols/"),
        ("/inspections/patrols/3/", "/inspections/patrols/"),
        ("/inspections/points/new/", "/inspections/points/new/"),
        ("/inspections/points/5/", "/inspections/"),
        ("/communities/estates/1/history/", "/communities/estates/"),
    ],
)
def test_one_menu_entry_is_active_the_longest_matching_address(alice, path, entry):
    context = menu(alice, path)
    active = [item["url"] for item in context["nav_items"] if item["active"]]
    assert active == [entry]
    assert [s for s in context["nav_sections"] if s.get("active")] == [context["nav_section"]]


def test_the_home_page_marks_no_menu_entry(alice):
    context = menu(alice, "/")
    assert not any(item["active"] for item in context["nav_items"])
    assert context["nav_section"] is None


def test_the_menu_groups_entries_per_app_and_leaves_out_what_the_role_cannot_do(bob, diana):
    labels = {s["label"]: [i["url"] for i in s["items"]] for s in menu(bob, "/")["nav_sections"]}
    assert reverse("inspections:point-create") in sum(labels.values(), [])
    assert reverse("communities:import") not in sum(labels.values(), [])
    bureau = sum((s["items"] for s in menu(diana, "/")["nav_sections"]), [])
    assert reverse("inspections:point-create") not in [i["url"] for i in bureau]


def test_the_home_page_shows_the_users_work_not_the_menu_again(client, alice, tree):
    from consultations.models import Consultation
    from inspections.models import Status
    from projects.models import Project
    from tests.conftest import make_stairwell
    from tests.consultations.factories import make_consultation
    from tests.inspections.factories import PointFactory
    from tests.projects.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory

    today = timezone.localdate()
    project = ProjectFactory(
        programme=ProgrammeFactory(region=tree.district),
        estate=tree.estate_a,
        status=Project.Status.UNDER_CONSTRUCTION,
    )
    MilestoneFactory(project=project, name="管线迁改", planned_date=today - timedelta(days=12))
    stairwell = make_stairwell(tree.estate_a, floors=2, per_floor=2)
    consultation = make_consultation(tree.estate_a, stairwell=stairwell)
    assert consultation.status == Consultation.Status.OPEN
    PointFactory(
        estate=tree.estate_a,
        status=Status.NOTICE_SERVED,
        deadline=today + timedelta(days=2),
        location="5号楼北侧消防通道",
    )
    PointFactory(
        estate=tree.estate_a,
        status=Status.NOTICE_SERVED,
        deadline=today + timedelta(days=20),
        location="下个月的点位",
    )
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert 'class="tiles"' not in body
    assert "管线迁改" in body and "12 days overdue" in body
    assert consultation.title in body and "0 of 4 dwellings voted" in body
    assert "5号楼北侧消防通道" in body and "due in 2 days" in body
    assert "下个月的点位" not in body


# ---- error pages ------------------------------------------------------------------------------


def test_an_unknown_address_shows_the_portals_own_page_in_chinese(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "这个页面不存在" in body and 'class="topbar"' in body
    assert "Page not found at" not in body  # Django's debug page


def test_with_debug_on_an_unknown_address_still_shows_the_portals_page(client, alice, settings):
    settings.DEBUG = True  # how `make run` serves the demo
    client.force_login(alice)
    for path in ("/no-such-page/", reverse("inspections:point-detail", args=[999999])):
        response = client.get(path)
        assert response.status_code == 404
        body = response.content.decode()
        assert "这个页面不存在" in body and "URLconf" not in body
    api = client.get("/api/v1/inspection-points/999999/")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")


def test_a_forbidden_page_explains_the_role_in_the_portals_style(client, bob):
    client.force_login(bob)
    response = client.get(reverse("communities:estate-create"))
    assert response.status_code == 403
    assert "您的角色无权进行此操作" in response.content.decode()


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    from django.views.defaults import server_error

    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "系统出错了" in body and "app.css" in body


def test_pages_carry_a_favicon_and_a_description(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in body and "favicon.svg" in body
    assert '<meta name="description" content="焕新：' in body
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"].endswith("favicon.ico")


def test_the_home_pages_work_panels_cost_the_same_queries_with_more_work(
    client, alice, tree, django_assert_max_num_queries
):
    from inspections.models import Status
    from projects.models import Project
    from tests.conftest import make_stairwell
    from tests.consultations.factories import make_consultation
    from tests.inspections.factories import PointFactory
    from tests.projects.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory

    today = timezone.localdate()

    def add_work(estate, number):
        project = ProjectFactory(
            programme=ProgrammeFactory(region=tree.district),
            estate=estate,
            status=Project.Status.UNDER_CONSTRUCTION,
        )
        for days in (3, 9):
            MilestoneFactory(project=project, planned_date=today - timedelta(days=days))
        stairwell = make_stairwell(estate, floors=2, per_floor=2, building_number=number)
        make_consultation(estate, stairwell=stairwell, title=f"表决{number}")
        for days in (1, 4):
            PointFactory(
                estate=estate, status=Status.NOTICE_SERVED, deadline=today + timedelta(days)
            )

    add_work(tree.estate_a, "1")
    client.force_login(alice)
    with django_assert_max_num_queries(25) as captured:
        assert client.get("/").status_code == 200
    add_work(tree.estate_b, "2")
    add_work(tree.estate_a, "3")
    with django_assert_max_num_queries(len(captured)):
        response = client.get("/")
    panels = {p["template"]: p for p in response.context["panels"]}
    assert len(panels["consultations/_home_panel.html"]["open_consultations"]) == 3
    assert panels["inspections/_home_panel.html"]["due_count"] == 6


def test_an_expired_form_says_nothing_was_saved_in_the_portals_style(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "表单已过期，没有保存任何内容" in body and 'class="topbar"' in body
