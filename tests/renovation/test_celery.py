import pytest

pytestmark = pytest.mark.celery


@pytest.fixture
def redis_results(redis_url, monkeypatch):
    """A result backend on the same Redis, so a task's return value comes back to the caller.
    Set before the worker starts (the worker builds its backend once)."""
    from renovation.celery import app

    monkeypatch.setitem(app.conf, "result_backend", redis_url)
    app._local.__dict__.pop("backend", None)  # drop a backend cached before the change
    yield app
    app._local.__dict__.pop("backend", None)


def test_the_ping_task_round_trips_through_a_real_worker(redis_results, celery_worker):
    from renovation.celery import ping

    assert ping.delay().get(timeout=20) == "pong"
