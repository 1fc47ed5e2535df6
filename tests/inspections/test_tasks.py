"""The daily overdue check: registered with beat, and run by a real worker."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from inspections.models import Point, Status, Step
from inspections.tasks import mark_overdue_points
from tests.inspections.factories import PointFactory


def test_the_overdue_check_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["inspections-mark-overdue"]
    assert entry["task"] == "inspections.mark_overdue_points"


def test_running_the_task_twice_marks_each_point_once(tree):
    point = PointFactory(
        estate=tree.estate_a,
        status=Status.NOTICE_SERVED,
        deadline=timezone.localdate() - timedelta(days=2),
    )
    assert mark_overdue_points() == 1
    assert mark_overdue_points() == 0
    assert Point.objects.get(pk=point.pk).status == Status.OVERDUE
    assert Step.objects.filter(point=point, to_status=Status.OVERDUE).count() == 1


@pytest.mark.celery
def test_a_real_worker_runs_the_overdue_check(celery_worker, tree):
    PointFactory(
        estate=tree.estate_a,
        status=Status.NOTICE_SERVED,
        deadline=timezone.localdate() - timedelta(days=1),
    )
    mark_overdue_points.delay()
    deadline = time.monotonic() + 30
    while Point.objects.get().status != Status.OVERDUE and time.monotonic() < deadline:
        time.sleep(0.2)  # no result backend: watch the database instead
    assert Point.objects.get().status == Status.OVERDUE
