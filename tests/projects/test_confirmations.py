"""Suspending a project asks first, saying what will happen; nothing changes until confirmed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from renovation.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from tests.projects.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory


@pytest.fixture
def alices(tree):
    """alice's project under construction with one unfinished milestone."""
    project = ProjectFactory(
        programme=ProgrammeFactory(region=tree.district),
        estate=tree.estate_a,
        status=Project.Status.UNDER_CONSTRUCTION,
    )
    MilestoneFactory(
        project=project, planned_date=timezone.localdate() + datetime.timedelta(days=10)
    )
    return project


def in_english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"  # what the language switch sets


def suspend(client, project, **extra):
    return client.post(
        reverse("projects:transition", args=[project.pk]),
        {"to_status": "suspended", "reason": "管线迁改未完成", **extra},
    )


def test_suspending_a_project_first_shows_what_will_happen_and_changes_nothing(
    client, alice, alices
):
    in_english(client, alice)
    response = suspend(client, alices)
    assert response.status_code == 200
    assert response.templates[0].name == "renovation/confirm.html"
    body = response.content.decode()
    assert "Suspended" in body and "管线迁改未完成" in body
    assert "1 unfinished milestones" in body and alices.official_name in body
    # The confirmation posts the same fields back with confirmed=yes.
    assert 'name="reason" value="管线迁改未完成"' in body
    assert f'name="{CONFIRM_FIELD}" value="{CONFIRM_VALUE}"' in body
    alices.refresh_from_db()
    assert alices.status == Project.Status.UNDER_CONSTRUCTION


def test_the_confirmed_suspension_is_recorded_with_its_reason(client, alice, alices):
    in_english(client, alice)
    response = suspend(client, alices, **{CONFIRM_FIELD: CONFIRM_VALUE})
    assert response.status_code == 302
    alices.refresh_from_db()
    assert alices.status == Project.Status.SUSPENDED
    assert alices.suspension_reason == "管线迁改未完成"


def test_a_suspension_without_a_reason_is_explained_not_confirmed(client, alice, alices):
    in_english(client, alice)
    response = client.post(
        reverse("projects:transition", args=[alices.pk]), {"to_status": "suspended", "reason": ""}
    )
    assert response.templates[0].name == "projects/transition.html"
    assert "Give a reason" in response.content.decode()


def test_an_outsider_cannot_reach_the_confirmation(client, charlie, alices):
    client.force_login(charlie)
    assert suspend(client, alices).status_code == 404
