import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from projects.models import Complaint, FundingLine, Milestone, ProgressReport, Project, WorksItem

from .factories import (
    ComplaintFactory,
    FundingLineFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProjectFactory,
    WorksItemFactory,
    works_type,
)

TODAY = timezone.localdate()


@pytest.fixture
def programme(tree):
    return ProgrammeFactory(name="2024年综合改造一期", region=tree.district)


@pytest.fixture
def alices(programme, tree):
    """alice's project (斜土街道, estate_a) with works, funding, an overdue milestone and an old
    complaint."""
    project = ProjectFactory(
        programme=programme,
        estate=tree.estate_a,
        status=Project.Status.UNDER_CONSTRUCTION,
        start_date=TODAY - datetime.timedelta(days=100),
        planned_completion_date=TODAY + datetime.timedelta(days=100),
    )
    WorksItemFactory(project=project, budget=Decimal("300000"), progress=100)
    WorksItemFactory(
        project=project, works_type=works_type("facades"), budget=Decimal("100000"), progress=20
    )
    FundingLineFactory(project=project, amount=Decimal("350000"))
    MilestoneFactory(
        project=project, name="施工进场", planned_date=TODAY - datetime.timedelta(days=10)
    )
    ComplaintFactory(project=project, received_on=TODAY - datetime.timedelta(days=30))
    return project


@pytest.fixture
def charlies(programme, tree):
    return ProjectFactory(programme=programme, estate=tree.estate_c, official_name="李明")


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_project_detail_shows_works_funding_gap_timeline_and_flags(client, alice, alices):
    body = page(client, alice, reverse("projects:detail", args=[alices.pk])).content.decode()
    assert "80.0%" in body  # budget-weighted progress
    assert "少 ¥50,000.00" in body  # funding falls short of the works budget by ¥50,000
    assert "gantt-bar overdue" in body
    assert 'class="flagged"' in body


def test_charlie_gets_404_on_every_page_of_alices_project(client, charlie, alices):
    client.force_login(charlie)
    item = alices.works_items.first()
    urls = [
        reverse("projects:detail", args=[alices.pk]),
        reverse("projects:edit", args=[alices.pk]),
        reverse("projects:transition", args=[alices.pk]),
        reverse("projects:acceptance", args=[alices.pk]),
        reverse("projects:works-create", args=[alices.pk]),
        reverse("projects:works-edit", args=[alices.pk, item.pk]),
        reverse("projects:funding-create", args=[alices.pk]),
        reverse("projects:milestone-create", args=[alices.pk]),
        reverse("projects:complaint-create", args=[alices.pk]),
        reverse("projects:report-create", args=[alices.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        if url != urls[0]:
            assert client.post(url, {}).status_code == 404, url


def test_lists_map_and_strikes_leave_out_other_streets(client, charlie, alices, charlies):
    client.force_login(charlie)
    for name in ("projects:list", "projects:battle-map", "projects:strikes", "projects:overview"):
        body = client.get(reverse(name)).content.decode()
        assert "日晖六村" not in body, name
        assert "王建国" not in body, name
    assert "东安新村" in client.get(reverse("projects:list")).content.decode()


def test_charlie_cannot_open_the_map_of_alices_street(client, charlie, alices, tree):
    client.force_login(charlie)
    assert client.get(reverse("projects:battle-map"), {"region": tree.xietu.pk}).status_code == 404


def test_a_grid_worker_reads_but_cannot_edit(client, bob, alices):
    client.force_login(bob)
    assert client.get(reverse("projects:detail", args=[alices.pk])).status_code == 200
    assert client.get(reverse("projects:edit", args=[alices.pk])).status_code in (403, 404)
    assert client.get(reverse("projects:report-create", args=[alices.pk])).status_code == 200


def test_the_project_list_filters_by_status_programme_region_and_overdue(
    client, alice, alices, programme, tree
):
    calm = ProjectFactory(programme=programme, estate=tree.estate_b)
    client.force_login(alice)
    url = reverse("projects:list")

    def names(**params):
        return {p.estate.name for p in client.get(url, params).context["projects"]}

    assert names() == {"日晖六村", "日晖二村"}
    assert names(overdue="true") == {"日晖六村"}
    assert names(overdue="false") == {"日晖二村"}
    assert names(status="planned") == {"日晖二村"}
    assert names(region_id=tree.rihui2.pk) == {"日晖二村"}
    assert names(programme=programme.pk) == {"日晖六村", "日晖二村"}
    assert calm


def test_the_project_list_pages_with_a_bounded_number_of_queries(
    client, alice, programme, tree, django_assert_max_num_queries
):
    from tests.communities.factories import EstateFactory

    for _n in range(30):
        project = ProjectFactory(programme=programme, estate=EstateFactory(community=tree.rihui6))
        WorksItemFactory(project=project)
        MilestoneFactory(project=project, planned_date=TODAY - datetime.timedelta(days=1))
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:list"))
    assert len(response.context["projects"]) == 25
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:battle-map"), {"sort": "-progress"})
    assert len(response.context["projects"]) == 30
    with django_assert_max_num_queries(12):
        client.get(reverse("projects:overview"))
    with django_assert_max_num_queries(10):
        client.get(reverse("projects:strikes"))


def test_the_overview_counts_targets_started_completed_households_and_investment(
    client, alice, alices, programme, tree
):
    ProjectFactory(
        programme=programme,
        estate=tree.estate_b,
        status=Project.Status.COMPLETED,
        acceptance_result="passed",
        satisfaction_rate=90,
        households_covered=30,
    )
    client.force_login(alice)
    [shown] = client.get(reverse("projects:overview")).context["programmes"]
    assert (shown.project_count, shown.started, shown.completed) == (2, 2, 1)
    assert shown.households_benefited == 30
    assert shown.investment == Decimal("350000.00")


def test_the_battle_map_colours_cards_and_sorts_by_progress(client, alice, alices, programme, tree):
    ProjectFactory(programme=programme, estate=tree.estate_b, status=Project.Status.DESIGNING)
    client.force_login(alice)
    response = client.get(reverse("projects:battle-map"), {"sort": "-progress"})
    body = response.content.decode()
    assert "s-under_construction is-overdue" in body and "s-designing" in body
    assert [p.estate.name for p in response.context["projects"]] == ["日晖六村", "日晖二村"]
    response = client.get(reverse("projects:battle-map"), {"sort": "progress"})
    assert [p.estate.name for p in response.context["projects"]] == ["日晖二村", "日晖六村"]


def test_a_refused_transition_redisplays_with_the_reason(client, alice, alices):
    client.force_login(alice)
    response = client.post(
        reverse("projects:transition", args=[alices.pk]), {"to_status": "completed"}
    )
    assert response.status_code == 200
    assert "不能" in response.content.decode() or "cannot" in response.content.decode()
    alices.refresh_from_db()
    assert alices.status == Project.Status.UNDER_CONSTRUCTION


def test_an_allowed_transition_redirects_with_a_message(client, alice, alices):
    client.force_login(alice)
    response = client.post(
        reverse("projects:transition", args=[alices.pk]), {"to_status": "accepting"}, follow=True
    )
    assert response.redirect_chain
    alices.refresh_from_db()
    assert alices.status == Project.Status.ACCEPTING


def test_forms_refuse_bad_input_and_keep_it(client, alice, alices):
    client.force_login(alice)
    response = client.post(
        reverse("projects:works-create", args=[alices.pk]),
        {
            "works_type": works_type("roads").pk,
            "quantity": "-5",
            "unit": "m2",
            "budget": "1000",
            "progress": "150",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "quantity" in form.errors and "progress" in form.errors
    assert 'value="-5"' in response.content.decode()
    assert WorksItem.objects.filter(project=alices).count() == 2

    response = client.post(
        reverse("projects:funding-create", args=[alices.pk]), {"source": "district", "amount": "-1"}
    )
    assert "amount" in response.context["form"].errors
    assert not FundingLine.objects.filter(project=alices, source="district").exists()

    response = client.post(
        reverse("projects:edit", args=[alices.pk]),
        {
            "official_name": "王建国",
            "start_date": "2024-05-01",
            "planned_completion_date": "2024-04-01",
            "buildings_covered": 1,
            "households_covered": 1,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors

    response = client.post(
        reverse("projects:complaint-create", args=[alices.pk]),
        {
            "received_on": "2024-05-02",
            "channel": "hotline",
            "category": "noise",
            "text": "吵",
            "resolved_on": "2024-05-01",
            "reply": "好",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Complaint.objects.filter(project=alices).count() == 1


def test_adding_rows_through_the_forms(client, alice, alices):
    client.force_login(alice)
    r = client.post(
        reverse("projects:milestone-create", args=[alices.pk]),
        {"name": "竣工验收", "planned_date": "2030-01-01", "sort_order": 1},
    )
    assert r.status_code == 302 and Milestone.objects.filter(name="竣工验收").exists()
    r = client.post(
        reverse("projects:funding-create", args=[alices.pk]),
        {"source": "residents", "amount": "50000", "per_household": "1041.67"},
    )
    assert r.status_code == 302
    complaint = alices.complaints.get()
    r = client.post(
        reverse("projects:complaint-resolve", args=[alices.pk, complaint.pk]),
        {"resolved_on": TODAY.isoformat(), "reply": "已协调施工单位调整作业时间"},
    )
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.resolved_on == TODAY


def test_completion_without_acceptance_is_refused_on_the_page(client, alice, alices):
    Project.objects.filter(pk=alices.pk).update(status=Project.Status.ACCEPTING)
    client.force_login(alice)
    response = client.post(
        reverse("projects:transition", args=[alices.pk]), {"to_status": "completed"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    client.post(
        reverse("projects:acceptance", args=[alices.pk]),
        {
            "acceptance_date": TODAY.isoformat(),
            "acceptance_result": "passed",
            "satisfaction_rate": "88",
        },
    )
    response = client.post(
        reverse("projects:transition", args=[alices.pk]), {"to_status": "completed"}
    )
    assert response.status_code == 302
    alices.refresh_from_db()
    assert alices.status == Project.Status.COMPLETED


def test_a_satisfaction_rate_over_100_is_refused(client, alice, alices):
    client.force_login(alice)
    response = client.post(
        reverse("projects:acceptance", args=[alices.pk]),
        {
            "acceptance_date": TODAY.isoformat(),
            "acceptance_result": "passed",
            "satisfaction_rate": "120",
        },
    )
    assert "satisfaction_rate" in response.context["form"].errors


def _jpeg(name="p.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_a_progress_report_with_photos_from_a_phone(client, bob, alices):
    client.force_login(bob)
    items = list(alices.works_items.all())
    data = {
        "report_date": TODAY.isoformat(),
        "note": "屋面完成",
        f"item_{items[1].pk}": "60",
        "photos": [_jpeg("a.jpg"), _jpeg("b.jpg")],
    }
    response = client.post(reverse("projects:report-create", args=[alices.pk]), data)
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=alices)
    assert report.photos.count() == 2 and report.reporter == bob
    items[1].refresh_from_db()
    assert items[1].progress == 60
    body = client.get(reverse("projects:detail", args=[alices.pk])).content.decode()
    assert "<img" in body


def test_a_progress_report_with_a_non_image_is_refused_and_saves_nothing(client, alice, alices):
    client.force_login(alice)
    fake = SimpleUploadedFile("virus.png", b"MZ not a png", content_type="image/png")
    response = client.post(
        reverse("projects:report-create", args=[alices.pk]),
        {"report_date": TODAY.isoformat(), "photos": [fake]},
    )
    assert response.status_code == 200
    assert "virus.png" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_creating_a_project_offers_only_estates_in_scope(client, alice, charlie, programme, tree):
    client.force_login(alice)
    response = client.post(
        reverse("projects:create"),
        {
            "programme": programme.pk,
            "estate": tree.estate_c.pk,
            "official_name": "王建国",
            "buildings_covered": 1,
            "households_covered": 10,
        },
    )
    assert "estate" in response.context["form"].errors
    response = client.post(
        reverse("projects:create"),
        {
            "programme": programme.pk,
            "estate": tree.estate_b.pk,
            "official_name": "王建国",
            "buildings_covered": 1,
            "households_covered": 10,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get(estate=tree.estate_b).status == Project.Status.PLANNED


def test_the_menu_links_the_project_pages(client, alice):
    client.force_login(alice)
    body = client.get("/").content.decode()
    for name in ("projects:overview", "projects:list", "projects:battle-map", "projects:strikes"):
        assert f'href="{reverse(name)}"' in body


def test_programmes_are_created_in_scope_and_validated(client, alice, charlie, tree):
    client.force_login(alice)
    data = {
        "name": "2025年一期",
        "year": 2025,
        "region": tree.xietu.pk,
        "target_estates": 3,
        "target_households": 100,
        "target_investment": "1000000",
        "satisfaction_threshold": "120",
    }
    response = client.post(reverse("projects:programme-create"), data)
    assert "satisfaction_threshold" in response.context["form"].errors
    response = client.post(
        reverse("projects:programme-create"),
        {**data, "region": tree.fenglin.pk, "satisfaction_threshold": "80"},
    )
    assert "region" in response.context["form"].errors
    response = client.post(
        reverse("projects:programme-create"), {**data, "satisfaction_threshold": "80"}
    )
    assert response.status_code == 302
    from projects.models import Programme

    programme = Programme.objects.get(name="2025年一期")
    client = Client()  # a fresh browser: alice's flash message must not follow charlie
    client.force_login(charlie)
    assert client.get(reverse("projects:programme-edit", args=[programme.pk])).status_code == 404
    assert "2025年一期" not in client.get(reverse("projects:overview")).content.decode()


def test_the_project_detail_costs_a_bounded_number_of_queries(
    client, alice, alices, django_assert_max_num_queries
):
    items = list(alices.works_items.all())
    for n in range(15):
        report = ProgressReport.objects.create(
            project=alices, report_date=TODAY - datetime.timedelta(days=n)
        )
        for item in items:
            report.entries.create(works_item=item, progress=n)
        report.photos.create(image="projects/progress/x.jpg")
        MilestoneFactory(project=alices, planned_date=TODAY + datetime.timedelta(days=n))
        ComplaintFactory(project=alices, received_on=TODAY - datetime.timedelta(days=n))
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("projects:detail", args=[alices.pk]))
    assert response.status_code == 200


def test_the_bureau_sees_the_officials_phone_masked(client, diana, alices):
    body = page(client, diana, reverse("projects:detail", args=[alices.pk])).content.decode()
    assert "139****1111" in body and "13900001111" not in body


def test_the_home_panel_counts_projects_and_names_overdue_ones_in_scope(
    client, alice, charlie, alices, charlies
):
    response = page(client, alice, "/")
    panel = next(
        p for p in response.context["panels"] if p["template"] == "projects/_home_panel.html"
    )
    assert panel["project_counts"]["overdue"] == 1 and panel["overdue_projects"] == [alices]
    assert f'href="/projects/{alices.pk}/"' in response.content.decode()
    client.force_login(charlie)
    response = client.get("/")
    panel = next(
        p for p in response.context["panels"] if p["template"] == "projects/_home_panel.html"
    )
    assert panel["project_counts"]["total"] == 1 and panel["overdue_projects"] == []
    assert f'href="/projects/{alices.pk}/"' not in response.content.decode()
