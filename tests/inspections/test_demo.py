"""The demo data loads over the demo city, twice without harm, and leaves overdue points."""

import io

from communities import demo as registry
from inspections import demo
from inspections.models import Patrol, Point, Status


def test_the_demo_covers_the_workflow_and_can_run_twice(db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    registry.seed_demo(stdout=io.StringIO())
    demo.seed_demo(stdout=io.StringIO())
    count = Point.objects.count()
    assert count >= 40
    statuses = set(Point.objects.values_list("status", flat=True))
    assert {
        Status.CLOSED,
        Status.OVERDUE,
        Status.ENFORCED,
        Status.FOUND,
        Status.NOTICE_SERVED,
    } <= statuses
    assert Patrol.objects.filter(worker__username="grid", estate__name="日晖六村").count() == 2
    demo.seed_demo(stdout=io.StringIO())
    assert Point.objects.count() == count


def test_the_demo_skips_missing_estates(db):
    out = io.StringIO()
    demo.seed_demo(stdout=out)
    assert "skipping 日晖六村" in out.getvalue()
    assert not Point.objects.exists()
