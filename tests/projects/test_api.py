import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from projects.models import Complaint, ProgressReport, Project

from .factories import (
    ComplaintFactory,
    FundingLineFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProjectFactory,
    WorksItemFactory,
)

TODAY = timezone.localdate()


@pytest.fixture
def programme(tree):
    return ProgrammeFactory(name="2024年综合改造一期", region=tree.district)


@pytest.fixture
def alices(programme, tree):
    project = ProjectFactory(
        programme=programme,
        estate=tree.estate_a,
        status=Project.Status.ACCEPTING,
        start_date=TODAY - datetime.timedelta(days=100),
        planned_completion_date=None,
    )
    WorksItemFactory(project=project, budget=Decimal("300000"), progress=100)
    WorksItemFactory(project=project, budget=Decimal("100000"), progress=20)
    FundingLineFactory(project=project, amount=Decimal("400000"))
    MilestoneFactory(project=project, planned_date=TODAY - datetime.timedelta(days=3))
    ComplaintFactory(project=project, received_on=TODAY - datetime.timedelta(days=2))
    return project


@pytest.fixture
def charlies(programme, tree):
    return ProjectFactory(programme=programme, estate=tree.estate_c, official_name="李明")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_a_project_reads_with_works_funding_milestones_and_figures(alice, alices):
    data = api(alice).get(f"/api/v1/projects/{alices.pk}/").json()
    assert data["progress_pct"] == "80.0"
    assert data["works_budget"] == "400000.00" and data["funding_gap"] == "0.00"
    assert len(data["works_items"]) == 2 and len(data["funding_lines"]) == 1
    assert data["overdue_count"] == 1 and len(data["milestones"]) == 1


def test_charlie_gets_404_on_alices_project_and_its_reports_and_complaints(charlie, alices):
    client = api(charlie)
    report = ProgressReport.objects.create(project=alices, report_date=TODAY)
    complaint = alices.complaints.get()
    assert client.get(f"/api/v1/projects/{alices.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/projects/{alices.pk}/transition/", {"to_status": "completed"}
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/projects/{alices.pk}/acceptance/", {}).status_code == 404
    assert client.patch(f"/api/v1/projects/{alices.pk}/", {"contractor": "x"}).status_code == 404
    assert client.get(f"/api/v1/progress-reports/{report.pk}/").status_code == 404
    assert client.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    assert client.post(f"/api/v1/complaints/{complaint.pk}/resolve/", {}).status_code == 404


def test_lists_leave_out_other_streets(charlie, alices, charlies):
    client = api(charlie)
    assert ids(client.get("/api/v1/projects/")) == {charlies.pk}
    assert ids(client.get("/api/v1/complaints/")) == set()
    assert ids(client.get("/api/v1/progress-reports/")) == set()


def test_charlie_cannot_file_a_complaint_or_report_on_alices_project(charlie, alices):
    client = api(charlie)
    r = client.post(
        "/api/v1/complaints/",
        {
            "project": alices.pk,
            "received_on": TODAY.isoformat(),
            "channel": "hotline",
            "category": "noise",
            "text": "x",
        },
    )
    assert r.status_code == 400 and "project" in r.json()
    r = client.post(
        "/api/v1/progress-reports/",
        {"project": alices.pk, "report_date": TODAY.isoformat(), "note": "x"},
        format="json",
    )
    assert r.status_code == 400 and "project" in r.json()


def test_the_bureau_reads_everything_and_writes_nothing(diana, alices, charlies):
    client = api(diana)
    assert ids(client.get("/api/v1/projects/")) == {alices.pk, charlies.pk}
    assert (
        client.post(
            f"/api/v1/projects/{alices.pk}/transition/", {"to_status": "completed"}
        ).status_code
        == 403
    )


def test_filters_by_programme_status_region_and_overdue(alice, alices, programme, tree):
    calm = ProjectFactory(programme=programme, estate=tree.estate_b)
    other = ProjectFactory(programme=ProgrammeFactory(region=tree.xietu), estate=tree.estate_b)
    client = api(alice)
    assert ids(client.get("/api/v1/projects/", {"overdue": "true"})) == {alices.pk}
    assert ids(client.get("/api/v1/projects/", {"overdue": "false"})) == {calm.pk, other.pk}
    assert ids(client.get("/api/v1/projects/", {"status": "accepting"})) == {alices.pk}
    assert ids(client.get("/api/v1/projects/", {"programme": programme.pk})) == {alices.pk, calm.pk}
    assert ids(client.get("/api/v1/projects/", {"region_id": tree.rihui2.pk})) == {
        calm.pk,
        other.pk,
    }


def test_transition_and_acceptance_actions_apply_the_gate(alice, alices):
    client = api(alice)
    r = client.post(f"/api/v1/projects/{alices.pk}/transition/", {"to_status": "completed"})
    assert (
        r.status_code == 400
        and "professional acceptance" in str(r.json())
        or "专业验收" in str(r.json())
    )
    r = client.post(
        f"/api/v1/projects/{alices.pk}/acceptance/",
        {
            "acceptance_date": TODAY.isoformat(),
            "acceptance_result": "passed",
            "satisfaction_rate": "79.99",
        },
    )
    assert r.status_code == 200
    r = client.post(f"/api/v1/projects/{alices.pk}/transition/", {"to_status": "completed"})
    assert r.status_code == 400
    client.post(
        f"/api/v1/projects/{alices.pk}/acceptance/",
        {
            "acceptance_date": TODAY.isoformat(),
            "acceptance_result": "passed",
            "satisfaction_rate": "80",
        },
    )
    r = client.post(f"/api/v1/projects/{alices.pk}/transition/", {"to_status": "completed"})
    assert r.status_code == 200 and r.json()["status"] == "completed"


def test_a_refused_transition_says_why(alice, charlies, alices):
    r = api(alice).post(f"/api/v1/projects/{alices.pk}/transition/", {"to_status": "planned"})
    assert r.status_code == 400
    assert r.json()["non_field_errors"]


def test_creating_a_project_via_the_api_checks_dates_and_duplicates(alice, alices, programme, tree):
    client = api(alice)
    r = client.post(
        "/api/v1/projects/",
        {"programme": programme.pk, "estate": tree.estate_a.pk, "official_name": "王"},
        format="json",
    )
    assert r.status_code == 400
    r = client.post(
        "/api/v1/projects/",
        {
            "programme": programme.pk,
            "estate": tree.estate_b.pk,
            "official_name": "王",
            "start_date": "2024-05-01",
            "planned_completion_date": "2024-01-01",
        },
        format="json",
    )
    assert r.status_code == 400
    r = client.post(
        "/api/v1/projects/",
        {
            "programme": programme.pk,
            "estate": tree.estate_b.pk,
            "official_name": "王",
            "status": "completed",
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["status"] == "planned"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(out, format="PNG")
    return SimpleUploadedFile("s.png", out.getvalue(), content_type="image/png")


def test_a_progress_report_via_the_api_with_progress_and_photos(bob, alices):
    item = alices.works_items.order_by("pk").last()
    r = api(bob).post(
        "/api/v1/progress-reports/",
        {
            "project": alices.pk,
            "report_date": TODAY.isoformat(),
            "note": "进展",
            "progress": f'{{"{item.pk}": 70}}',
            "upload": [_png()],
        },
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["entries"] == [{"works_item": item.pk, "progress": 70}]
    assert len(r.json()["photos"]) == 1
    item.refresh_from_db()
    assert item.progress == 70


def test_a_progress_report_via_the_api_refuses_bad_progress_and_non_images(alice, alices):
    item = alices.works_items.first()
    client = api(alice)
    r = client.post(
        "/api/v1/progress-reports/",
        {"project": alices.pk, "report_date": TODAY.isoformat(), "progress": {str(item.pk): 101}},
        format="json",
    )
    assert r.status_code == 400 and "progress" in r.json()
    fake = SimpleUploadedFile("x.jpg", b"hello", content_type="image/jpeg")
    r = client.post(
        "/api/v1/progress-reports/",
        {"project": alices.pk, "report_date": TODAY.isoformat(), "upload": [fake]},
        format="multipart",
    )
    assert r.status_code == 400 and "photos" in r.json()
    assert not ProgressReport.objects.exists()


def test_complaints_are_filed_and_resolved(alice, alices):
    client = api(alice)
    r = client.post(
        "/api/v1/complaints/",
        {
            "project": alices.pk,
            "received_on": TODAY.isoformat(),
            "channel": "hotline",
            "category": "safety",
            "text": "脚手架不稳",
        },
    )
    assert r.status_code == 201
    pk = r.json()["id"]
    r = client.post(
        f"/api/v1/complaints/{pk}/resolve/", {"resolved_on": TODAY.isoformat(), "reply": "已加固"}
    )
    assert r.status_code == 200 and r.json()["resolved_on"] == TODAY.isoformat()
    assert ids(client.get("/api/v1/complaints/", {"is_open": "true"})) == {
        alices.complaints.exclude(pk=pk).get().pk
    }
    assert Complaint.objects.get(pk=pk).reply == "已加固"


def test_programmes_include_the_ones_covering_the_users_street(alice, charlie, programme, tree):
    own = ProgrammeFactory(region=tree.xietu)
    other = ProgrammeFactory(region=tree.fenglin)
    assert ids(api(alice).get("/api/v1/programmes/")) == {programme.pk, own.pk}
    assert api(alice).get(f"/api/v1/programmes/{other.pk}/").status_code == 404
    assert ids(api(charlie).get("/api/v1/programmes/")) == {programme.pk, other.pk}


def test_lists_cost_a_bounded_number_of_queries(
    alice, programme, tree, django_assert_max_num_queries
):
    from tests.communities.factories import EstateFactory

    for _n in range(20):
        project = ProjectFactory(programme=programme, estate=EstateFactory(community=tree.rihui6))
        WorksItemFactory(project=project)
        FundingLineFactory(project=project)
        MilestoneFactory(project=project)
        ComplaintFactory(project=project)
        ProgressReport.objects.create(project=project, report_date=TODAY)
    client = api(alice)
    for url in (
        "/api/v1/projects/",
        "/api/v1/complaints/",
        "/api/v1/progress-reports/",
        "/api/v1/programmes/",
    ):
        with django_assert_max_num_queries(10):
            r = client.get(url)
        assert r.status_code == 200
    assert r.json()["count"] == 1
    assert client.get("/api/v1/projects/").json()["count"] == 20


def test_the_officials_phone_is_masked_for_readers_without_personal_access(alice, diana, alices):
    assert (
        api(alice).get(f"/api/v1/projects/{alices.pk}/").json()["official_phone"] == "13900001111"
    )
    assert (
        api(diana).get(f"/api/v1/projects/{alices.pk}/").json()["official_phone"] == "139****1111"
    )
