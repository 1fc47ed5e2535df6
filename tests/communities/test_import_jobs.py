"""Import jobs: a long file is checked and written by a real Celery worker with progress on
the job row; writing is claimed once per job; the page's progress fragment for htmx."""

import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse

from communities.importing import jobs
from communities.models import Household, ImportJob
from tests.communities.import_files import OFFICE_HEADER, office_rows, upload, xlsx_file


def wait_for(job_id, *statuses, timeout=60):
    """The job's row once it reaches one of `statuses` (the worker runs in another thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in statuses:
            return job
        time.sleep(0.1)  # no result backend: watch the database instead
    raise AssertionError(f"job {job_id} is still {job.status}, not {statuses}")


@pytest.mark.celery
def test_a_long_file_is_checked_and_written_by_a_real_worker(
    client, alice, tree, celery_worker, monkeypatch
):
    monkeypatch.setattr(jobs, "INLINE_ROWS", 10)  # 24 rows count as long here
    client.force_login(alice)
    response, job_url = upload(client, xlsx_file(office_rows(24), OFFICE_HEADER))
    job = response.context["job"]
    assert job.status in (ImportJob.Status.CHECK_QUEUED, ImportJob.Status.CHECKING)
    assert b"<progress" in response.content

    job = wait_for(job.pk, ImportJob.Status.CHECKED, ImportJob.Status.FAILED)
    assert job.status == ImportJob.Status.CHECKED, job.error
    assert job.preview["counts"]["new"]["household"] == 24
    assert job.done == job.total

    client.post(job_url, {"action": "confirm"})
    assert Household.objects.count() == 0 or ImportJob.objects.get(pk=job.pk).is_running
    job = wait_for(job.pk, ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.CHECKED)
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.done == job.total > 0
    assert Household.objects.filter(stairwell__building__estate=tree.estate_a).count() == 24


@pytest.mark.django_db(transaction=True)
def test_progress_written_during_the_import_transaction_is_seen_by_the_page(alice, tree):
    job = ImportJob.objects.create(user=alice, filename="台账.xlsx", total=100)
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():
            progress = jobs.Progress(job.pk, separate=True)
            progress.write(status=ImportJob.Status.APPLYING, done=0)
            progress(40, 100)
            with reader.cursor() as cursor:  # what the polling page's request sees
                cursor.execute(
                    "SELECT status, done FROM communities_importjob WHERE id = %s", [job.pk]
                )
                assert cursor.fetchone() == ("applying", 40)
            progress.close()
    finally:
        reader.close()


def confirmed_job(client, alice):
    client.force_login(alice)
    response, job_url = upload(client, xlsx_file(office_rows(6), OFFICE_HEADER))
    job = response.context["job"]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLY_QUEUED)
    return job


@pytest.mark.django_db
def test_a_job_is_written_once_however_often_its_task_runs(client, alice, tree):
    job = confirmed_job(client, alice)
    jobs.import_job_apply(job_id=job.pk, separate_progress=False)
    jobs.import_job_apply(job_id=job.pk, separate_progress=False)  # a redelivered task
    assert Household.objects.count() == 6
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE


@pytest.mark.django_db
def test_a_second_writer_of_the_same_job_steps_back_while_the_first_holds_it(client, alice, tree):
    job = confirmed_job(client, alice)
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [jobs.LOCK_SPACE, job.pk])
        jobs.import_job_apply(job_id=job.pk, separate_progress=False)
        assert Household.objects.count() == 0
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.APPLY_QUEUED
    finally:
        other.close()  # releases the lock, as a worker's death would
    jobs.import_job_apply(job_id=job.pk, separate_progress=False)
    assert Household.objects.count() == 6


@pytest.mark.django_db
def test_a_confirmation_goes_through_once(client, alice, tree):
    client.force_login(alice)
    _response, job_url = upload(client, xlsx_file(office_rows(6), OFFICE_HEADER))
    client.post(job_url, {"action": "confirm"})
    response = client.post(job_url, {"action": "confirm"}, follow=True)  # a double click
    assert Household.objects.count() == 6
    assert any("already" in str(m) or "已" in str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_a_task_for_a_finished_or_vanished_job_does_nothing(client, alice, tree):
    from communities import tasks

    job = confirmed_job(client, alice)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    tasks.import_job_apply(job.pk)
    tasks.import_job_check(job.pk)
    tasks.import_job_check(job.pk + 1000)
    assert Household.objects.count() == 0
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED


@pytest.mark.django_db
def test_the_progress_fragment_polls_while_running_and_hands_back_when_done(client, alice, tree):
    job = confirmed_job(client, alice)
    url = reverse("communities:import-job-progress", args=[job.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<progress" in body and 'hx-trigger="every 1s"' in body
    # Without htmx (no JavaScript) the address leads to the job page itself.
    assert client.get(url).url == reverse("communities:import-job", args=[job.pk])
    jobs.import_job_apply(job_id=job.pk, separate_progress=False)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("communities:import-job", args=[job.pk])


@pytest.mark.django_db
def test_a_running_job_page_offers_a_refresh_link_for_browsers_without_javascript(
    client, alice, tree
):
    job = confirmed_job(client, alice)
    page = client.get(reverse("communities:import-job", args=[job.pk])).content.decode()
    assert "<noscript>" in page
    assert f'href="{reverse("communities:import-job", args=[job.pk])}"' in page


@pytest.mark.django_db
def test_unconfirmed_uploads_lose_their_file_after_a_week(client, alice, tree, settings):
    from datetime import timedelta

    from django.utils import timezone

    assert settings.CELERY_BEAT_SCHEDULE["communities-expire-imports"]["task"] == (
        "communities.import_jobs_expire"
    )
    client.force_login(alice)
    _response, old_url = upload(client, xlsx_file(office_rows(2), OFFICE_HEADER))
    _response, new_url = upload(client, xlsx_file(office_rows(2), OFFICE_HEADER))
    old, new = ImportJob.objects.order_by("pk")
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert jobs.import_jobs_expire() == 1
    assert jobs.import_jobs_expire() == 0  # a rerun is harmless
    old.refresh_from_db()
    assert old.status == ImportJob.Status.FAILED and old.data == b""
    assert ImportJob.objects.get(pk=new.pk).status == ImportJob.Status.CHECKED
    assert "Upload it again" in old.error or "重新上传" in old.error
