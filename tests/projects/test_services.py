import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from projects import selectors, services
from projects.models import (
    FundingLine,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    Strike,
    WorksItem,
)

from .factories import (
    FundingLineFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProjectFactory,
    WorksItemFactory,
    works_type,
)

TODAY = datetime.date(2024, 7, 1)
S = Project.Status
pytestmark = pytest.mark.django_db


def jpeg(name="site.jpg", size=(64, 48), exif=True):
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        kwargs["exif"] = data.tobytes()
    image.save(out, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def move(project, *statuses, **kwargs):
    for status in statuses:
        project = services.project_transition(
            project=project, to_status=status, today=TODAY, **kwargs
        )
    return project


# --- status workflow ----------------------------------------------------------------------


def test_a_project_walks_the_workflow_from_planned_to_acceptance():
    project = move(ProjectFactory(), S.CONSULTING, S.DESIGNING, S.UNDER_CONSTRUCTION, S.ACCEPTING)
    assert project.status == S.ACCEPTING


def test_skipping_a_step_is_refused_with_the_allowed_next_status():
    project = ProjectFactory()
    with pytest.raises(ValidationError) as exc:
        services.project_transition(project=project, to_status=S.UNDER_CONSTRUCTION)
    message = " ".join(exc.value.messages)
    assert "cannot move" in message and "Consulting residents" in message
    project.refresh_from_db()
    assert project.status == S.PLANNED


def test_a_completed_project_cannot_move_back():
    project = ProjectFactory(status=S.COMPLETED, acceptance_result="passed", satisfaction_rate=90)
    with pytest.raises(ValidationError):
        services.project_transition(project=project, to_status=S.UNDER_CONSTRUCTION)


def test_suspension_needs_a_reason_and_resumes_where_it_left_off():
    project = move(ProjectFactory(), S.CONSULTING, S.DESIGNING)
    with pytest.raises(ValidationError, match="reason"):
        services.project_transition(project=project, to_status=S.SUSPENDED, reason="  ")
    project = services.project_transition(project=project, to_status=S.SUSPENDED, reason="居民异议")
    assert project.status == S.SUSPENDED and project.resume_status == S.DESIGNING
    assert services.allowed_transitions(project) == [S.DESIGNING]
    with pytest.raises(ValidationError):
        services.project_transition(project=project, to_status=S.UNDER_CONSTRUCTION)
    project = services.project_transition(project=project, to_status=S.DESIGNING)
    assert project.status == S.DESIGNING and project.suspension_reason == ""


def test_an_unknown_status_is_refused():
    with pytest.raises(ValidationError, match="not a project status"):
        services.project_transition(project=ProjectFactory(), to_status="flying")


# --- acceptance gate -----------------------------------------------------------------------


def accepting_project(**kwargs):
    return ProjectFactory(status=S.ACCEPTING, **kwargs)


def test_completion_without_acceptance_is_refused_with_both_reasons():
    project = accepting_project()
    with pytest.raises(ValidationError) as exc:
        services.project_transition(project=project, to_status=S.COMPLETED, today=TODAY)
    message = " ".join(exc.value.messages)
    assert "professional acceptance" in message and "satisfaction" in message
    project.refresh_from_db()
    assert project.status == S.ACCEPTING and project.completed_on is None


def test_completion_with_satisfaction_below_the_programme_threshold_is_refused():
    project = accepting_project(programme=ProgrammeFactory(satisfaction_threshold=Decimal("85")))
    services.acceptance_record(
        project=project,
        acceptance_date=TODAY,
        acceptance_result="passed",
        satisfaction_rate=Decimal("84.99"),
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="below the programme's threshold of 85"):
        services.project_transition(project=project, to_status=S.COMPLETED, today=TODAY)


def test_completion_at_exactly_the_threshold_passes_and_records_the_date():
    project = accepting_project()  # default threshold 80%
    services.acceptance_record(
        project=project,
        acceptance_date=TODAY,
        acceptance_result="passed",
        satisfaction_rate=Decimal("80.00"),
        today=TODAY,
    )
    project = services.project_transition(project=project, to_status=S.COMPLETED, today=TODAY)
    assert project.status == S.COMPLETED and project.completed_on == TODAY


def test_a_failed_professional_acceptance_blocks_completion():
    project = accepting_project()
    services.acceptance_record(
        project=project,
        acceptance_date=TODAY,
        acceptance_result="failed",
        satisfaction_rate=Decimal("95"),
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="professional acceptance"):
        services.project_transition(project=project, to_status=S.COMPLETED, today=TODAY)


def test_the_database_refuses_a_completed_project_without_acceptance():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status=S.COMPLETED)


def test_acceptance_in_the_future_is_refused():
    with pytest.raises(ValidationError, match="future"):
        services.acceptance_record(
            project=accepting_project(),
            acceptance_date=TODAY + datetime.timedelta(days=1),
            acceptance_result="passed",
            satisfaction_rate=Decimal("90"),
            today=TODAY,
        )


# --- bad input -----------------------------------------------------------------------------


def test_a_planned_completion_before_the_start_is_refused():
    project = ProjectFactory.build(
        start_date=TODAY, planned_completion_date=TODAY - datetime.timedelta(days=1)
    )
    project.programme.save()
    project.estate.community.save()
    project.estate.save()
    with pytest.raises(ValidationError, match="cannot be before the start date"):
        services.project_save(project=project)
    assert not Project.objects.filter(estate=project.estate).exists()


def test_a_second_project_for_the_same_estate_in_a_programme_is_refused():
    project = ProjectFactory()
    with pytest.raises(ValidationError, match="already has a project"):
        services.project_save(
            project=Project(
                programme=project.programme, estate=project.estate, official_name="李明"
            )
        )


def test_negative_amounts_and_progress_outside_0_to_100_are_refused():
    project = ProjectFactory()
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        services.funding_line_save(
            line=FundingLine(project=project, source="district", amount=Decimal("-1"))
        )
    with pytest.raises(ValidationError):
        services.works_item_save(
            item=WorksItem(
                project=project,
                works_type=works_type(),
                quantity=1,
                unit="m2",
                budget=Decimal("10"),
                progress=101,
            )
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WorksItemFactory(project=project, progress=101)
    assert not WorksItem.objects.filter(project=project).exists()


def test_a_milestone_cannot_be_done_in_the_future():
    with pytest.raises(ValidationError, match="future"):
        services.milestone_save(
            milestone=Milestone(
                project=ProjectFactory(),
                name="开工",
                planned_date=TODAY,
                actual_date=TODAY + datetime.timedelta(days=2),
            ),
            today=TODAY,
        )


# --- progress ------------------------------------------------------------------------------


def test_overall_progress_is_the_budget_weighted_mean_of_item_progress():
    project = ProjectFactory()
    WorksItemFactory(project=project, budget=Decimal("300000"), progress=100)
    WorksItemFactory(project=project, budget=Decimal("100000"), progress=20)
    # (300000×100 + 100000×20) / 400000 = 80, not the plain mean 60
    assert selectors.project_figures(project=project).progress_pct == Decimal("80.0")


def test_progress_without_budgets_falls_back_to_the_plain_mean_and_is_zero_without_items():
    project = ProjectFactory()
    assert selectors.project_figures(project=project).progress_pct == 0
    WorksItemFactory(project=project, budget=0, progress=30)
    WorksItemFactory(project=project, budget=0, progress=60)
    assert selectors.project_figures(project=project).progress_pct == Decimal("45.0")


def test_a_progress_report_updates_items_and_stores_photos_without_metadata(alice):
    project = ProjectFactory()
    item = WorksItemFactory(project=project)
    report = services.progress_report_create(
        project=project,
        report_date=TODAY,
        progress={item.pk: 40},
        photos=[jpeg()],
        note="外墙完成",
        reporter=alice,
        today=TODAY,
    )
    item.refresh_from_db()
    assert item.progress == 40
    photo = report.photos.get()
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()


def test_an_older_report_entered_late_does_not_overwrite_newer_progress():
    project = ProjectFactory()
    item = WorksItemFactory(project=project)
    services.progress_report_create(
        project=project, report_date=TODAY, progress={item.pk: 60}, today=TODAY
    )
    services.progress_report_create(
        project=project,
        report_date=TODAY - datetime.timedelta(days=7),
        progress={item.pk: 30},
        today=TODAY,
    )
    item.refresh_from_db()
    assert item.progress == 60


def test_a_report_with_a_file_that_is_not_an_image_saves_nothing():
    project = ProjectFactory()
    item = WorksItemFactory(project=project)
    fake = SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.progress_report_create(
            project=project,
            report_date=TODAY,
            progress={item.pk: 50},
            photos=[jpeg(), fake],
            today=TODAY,
        )
    assert "notes.jpg" in " ".join(exc.value.messages)
    item.refresh_from_db()
    assert item.progress == 0
    assert not ProgressReport.objects.exists() and not ProgressPhoto.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_SIZE = 500
    project = ProjectFactory()
    with pytest.raises(ValidationError, match="at most"):
        services.progress_report_create(
            project=project, report_date=TODAY, photos=[jpeg(size=(400, 400))], today=TODAY
        )
    assert not ProgressReport.objects.exists()


def test_progress_outside_0_to_100_and_items_of_other_projects_are_refused():
    project = ProjectFactory()
    item = WorksItemFactory(project=project)
    other = WorksItemFactory()
    with pytest.raises(ValidationError) as exc:
        services.progress_report_create(
            project=project, report_date=TODAY, progress={item.pk: 120, other.pk: 10}, today=TODAY
        )
    messages = " ".join(exc.value.messages)
    assert "between 0 and 100" in messages and "does not belong" in messages
    assert not ProgressReport.objects.exists()


def test_a_report_dated_in_the_future_is_refused():
    project = ProjectFactory()
    with pytest.raises(ValidationError, match="future"):
        services.progress_report_create(
            project=project, report_date=TODAY + datetime.timedelta(days=1), note="x", today=TODAY
        )


# --- funding -------------------------------------------------------------------------------


def test_the_project_budget_is_the_sum_of_funding_lines_and_the_gap_is_shown():
    project = ProjectFactory()
    WorksItemFactory(project=project, budget=Decimal("100000.00"))
    WorksItemFactory(project=project, budget=Decimal("50000.00"))
    FundingLineFactory(project=project, source="central", amount=Decimal("90000.00"))
    FundingLineFactory(
        project=project,
        source="residents",
        amount=Decimal("10000.00"),
        per_household=Decimal("208.33"),
    )
    figures = selectors.project_figures(project=project)
    assert figures.works_budget == Decimal("150000.00")
    assert figures.funding_total == Decimal("100000.00")
    assert figures.funding_gap == Decimal("-50000.00")


def test_one_funding_line_per_source_and_per_household_only_for_residents():
    line = FundingLineFactory()
    with pytest.raises(ValidationError, match="already has a funding line"):
        services.funding_line_save(
            line=FundingLine(project=line.project, source=line.source, amount=1)
        )
    with pytest.raises(ValidationError, match="residents"):
        services.funding_line_save(
            line=FundingLine(
                project=line.project, source="district", amount=1, per_household=Decimal("5")
            )
        )


# --- overdue and strikes -------------------------------------------------------------------


def test_overdue_means_planned_date_passed_and_unfinished_with_a_fixed_clock():
    project = ProjectFactory()
    MilestoneFactory(project=project, planned_date=TODAY - datetime.timedelta(days=1))  # overdue
    MilestoneFactory(project=project, planned_date=TODAY)  # due today: not yet
    MilestoneFactory(
        project=project,
        planned_date=TODAY - datetime.timedelta(days=9),
        actual_date=TODAY - datetime.timedelta(days=10),
    )  # done in time
    MilestoneFactory(
        project=project,
        planned_date=TODAY - datetime.timedelta(days=9),
        actual_date=TODAY - datetime.timedelta(days=2),
    )  # done late: a strike
    figures = selectors.project_figures(project=project, today=TODAY)
    assert figures.overdue_count == 1
    assert figures.missed_count == 2


def test_strikes_accumulate_per_official_across_projects_and_escalate(alice, tree):
    programme = ProgrammeFactory(region=tree.city)
    past = TODAY - datetime.timedelta(days=5)
    a = ProjectFactory(programme=programme, estate=tree.estate_a, official_name="王建国")
    b = ProjectFactory(programme=programme, estate=tree.estate_b, official_name="王建国")
    MilestoneFactory(project=a, planned_date=past)
    MilestoneFactory(project=b, planned_date=past)
    other = ProjectFactory(
        programme=ProgrammeFactory(region=tree.city),
        estate=tree.estate_b,
        official_name="李明",
        official_phone="1",
    )
    MilestoneFactory(project=other, planned_date=past)
    rows = {
        r["official_name"]: r for r in selectors.officials_with_strikes(user=alice, today=TODAY)
    }
    assert rows["王建国"]["strikes"] == 2 and rows["王建国"]["projects"] == 2
    assert rows["王建国"]["level"] == 2 and rows["李明"]["level"] == 1
    MilestoneFactory(project=a, planned_date=past)
    MilestoneFactory(project=a, planned_date=past)
    assert selectors.project_strikes(project=a, user=alice, today=TODAY)["level"] == 3


def test_recording_strikes_twice_records_each_missed_milestone_once():
    project = ProjectFactory()
    MilestoneFactory(project=project, planned_date=TODAY - datetime.timedelta(days=3))
    MilestoneFactory(project=project, planned_date=TODAY + datetime.timedelta(days=3))
    assert services.strikes_record(today=TODAY) == 1
    assert services.strikes_record(today=TODAY) == 0
    assert services.strikes_record(today=TODAY + datetime.timedelta(days=1)) == 0
    strike = Strike.objects.get()
    assert strike.official_name == project.official_name and strike.recorded_on == TODAY


def test_open_complaints_older_than_the_limit_are_flagged():
    from .factories import ComplaintFactory

    project = ProjectFactory()
    ComplaintFactory(project=project, received_on=TODAY - datetime.timedelta(days=30))
    ComplaintFactory(project=project, received_on=TODAY - datetime.timedelta(days=1))
    ComplaintFactory(
        project=project,
        received_on=TODAY - datetime.timedelta(days=30),
        resolved_on=TODAY,
        reply="已处理",
    )
    figures = selectors.project_figures(project=project, today=TODAY)
    assert figures.open_complaints == 2 and figures.flagged_complaints == 1


def test_a_complaint_resolved_before_it_was_received_is_refused():
    from .factories import ComplaintFactory

    complaint = ComplaintFactory(received_on=TODAY)
    with pytest.raises(ValidationError, match="before it was received"):
        services.complaint_resolve(
            complaint=complaint,
            resolved_on=TODAY - datetime.timedelta(days=1),
            reply="已处理",
            today=TODAY,
        )


def test_the_daily_task_records_strikes_and_is_on_the_beat_schedule(settings):
    from projects.tasks import record_strikes

    MilestoneFactory(planned_date=datetime.date(2000, 1, 1))
    assert record_strikes() == 1
    assert record_strikes() == 0
    assert (
        settings.CELERY_BEAT_SCHEDULE["projects-record-strikes"]["task"]
        == "projects.record_strikes"
    )
