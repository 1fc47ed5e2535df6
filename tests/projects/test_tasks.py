import datetime
import time

import pytest

from projects.models import Milestone, Strike

from .factories import MilestoneFactory


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery
def test_the_strike_task_runs_on_a_real_worker_and_a_duplicate_run_is_harmless(celery_worker):
    from projects.tasks import record_strikes

    MilestoneFactory(planned_date=datetime.date(2000, 1, 1))
    record_strikes.delay()
    record_strikes.delay()
    # A third run after a new miss shows both earlier runs are through (the worker is solo).
    assert wait_for(lambda: Strike.objects.count() == 1)
    Milestone.objects.create(
        project=Milestone.objects.get().project, name="二", planned_date=datetime.date(2000, 2, 1)
    )
    record_strikes.delay()
    assert wait_for(lambda: Strike.objects.count() == 2)
    time.sleep(0.5)
    assert Strike.objects.count() == 2
