"""API: scoped, aggregate only (no personal data), bounded queries, no ballot submission."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from communities.models import Household
from consultations import services
from tests.conftest import make_stairwell
from tests.consultations.factories import make_consultation, vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def closed(tree):
    stairwell = make_stairwell(tree.estate_a, floors=3, per_floor=3)
    c = make_consultation(tree.estate_a, stairwell=stairwell, title="加装电梯")
    for i, household in enumerate(Household.objects.filter(stairwell=stairwell)):
        if i < 7:
            vote(c, household, "yes" if i < 6 else "no")
    services.consultation_close(consultation=c)
    return c


def test_results_give_the_rule_as_exact_fractions(api, alice, closed):
    api.force_authenticate(alice)
    data = api.get(reverse("consultation-results", args=[closed.pk])).json()
    assert data["participating_count"] == 7 and data["electorate_count"] == 9
    assert data["electorate_frozen_at"] == closed.freezes.get().frozen_at.isoformat()
    assert [c["value"] for c in data["checks"]] == ["7/9", "7/9", "6/7", "6/7"]
    assert data["passed"] is True
    body = str(data)
    owner = Household.objects.filter(stairwell=closed.stairwell).first().owners.get()
    assert owner.name not in body and owner.phone not in body


def test_results_are_withheld_while_voting_is_open(api, alice, tree):
    c = make_consultation(tree.estate_a, stairwell=make_stairwell(tree.estate_a))
    api.force_authenticate(alice)
    assert api.get(reverse("consultation-results", args=[c.pk])).status_code == 409
    assert api.get(reverse("consultation-turnout", args=[c.pk])).status_code == 200


def test_an_outsider_gets_404_and_an_empty_list(api, charlie, closed):
    api.force_authenticate(charlie)
    assert api.get(reverse("consultation-detail", args=[closed.pk])).status_code == 404
    assert api.get(reverse("consultation-results", args=[closed.pk])).status_code == 404
    assert api.get(reverse("consultation-turnout", args=[closed.pk])).status_code == 404
    assert api.get(reverse("consultation-list")).json()["count"] == 0
    assert api.get(reverse("consultation-question-list")).json()["count"] == 0


def test_the_bureau_reads_but_cannot_close(api, diana, tree):
    c = make_consultation(tree.estate_a, stairwell=make_stairwell(tree.estate_a))
    api.force_authenticate(diana)
    assert api.get(reverse("consultation-detail", args=[c.pk])).status_code == 200
    assert api.post(reverse("consultation-close", args=[c.pk])).status_code == 403


def test_staff_close_through_the_api_and_refusals_explain(api, alice, tree):
    c = make_consultation(tree.estate_a, stairwell=make_stairwell(tree.estate_a))
    api.force_authenticate(alice)
    assert api.post(reverse("consultation-close", args=[c.pk])).json()["status"] == "closed"
    refused = api.post(reverse("consultation-close", args=[c.pk]))
    assert refused.status_code == 400 and refused.json()["non_field_errors"]


def test_there_is_no_ballot_endpoint(api, alice, closed):
    api.force_authenticate(alice)
    assert api.post(f"/api/v1/consultations/{closed.pk}/ballots/", {}).status_code == 404


def test_lists_and_statistics_have_bounded_queries(api, alice, tree, django_assert_max_num_queries):
    stairwell = make_stairwell(tree.estate_a, floors=4, per_floor=3)
    households = list(Household.objects.filter(stairwell=stairwell))
    consultations = []
    for i in range(8):
        c = make_consultation(tree.estate_a, stairwell=stairwell, title=f"征询{i}")
        for household in households[: i + 2]:
            vote(c, household, "yes")
        consultations.append(c)
    services.consultation_close(consultation=consultations[0])
    api.force_authenticate(alice)
    with django_assert_max_num_queries(6):
        assert api.get(reverse("consultation-list")).json()["count"] == 8
    with django_assert_max_num_queries(6):
        assert api.get(reverse("consultation-question-list")).json()["count"] == 8
    with django_assert_max_num_queries(10):
        assert (
            api.get(reverse("consultation-results", args=[consultations[0].pk])).status_code == 200
        )
    with django_assert_max_num_queries(8):
        assert (
            api.get(reverse("consultation-turnout", args=[consultations[0].pk])).status_code == 200
        )
