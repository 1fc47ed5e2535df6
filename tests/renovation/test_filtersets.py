"""Filter choices come from the caller's scope, on pages and in the browsable API, and every
filterset of the portal stands on the scoped base."""

import importlib

import django_filters
import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.test import APIClient

from consultations.filtersets import ConsultationFilterSet
from inspections.filtersets import PointFilterSet
from projects.filtersets import ProjectFilterSet
from renovation.filtersets import ScopedFilterSet

pytestmark = pytest.mark.django_db


def test_the_estate_choices_of_a_filter_are_the_callers(tree, alice, charlie):
    mine = ConsultationFilterSet(user=alice).form.fields["estate_id"].queryset
    assert set(mine) == {tree.estate_a, tree.estate_b}
    theirs = ConsultationFilterSet(user=charlie).form.fields["estate_id"].queryset
    assert set(theirs) == {tree.estate_c}


def test_an_estate_outside_the_scope_is_not_a_valid_choice(tree, alice):
    filterset = ConsultationFilterSet({"estate_id": tree.estate_c.pk}, user=alice)
    assert not filterset.is_valid() and "estate_id" in filterset.errors


def test_without_a_caller_a_filter_offers_nothing(tree):
    assert not ConsultationFilterSet().form.fields["estate_id"].queryset.exists()


def test_the_browsable_apis_filter_form_lists_only_the_callers_estates(tree, alice):
    client = APIClient()
    client.force_authenticate(alice)
    body = client.get(reverse("consultation-list"), HTTP_ACCEPT="text/html").content.decode()
    assert "日晖六村" in body and "日晖二村" in body
    assert "东安新村" not in body


def test_empty_choices_read_all_and_yes_or_no_filters_offer_all_yes_no(tree, alice):
    form = PointFilterSet(user=alice).form
    html = str(form["estate_id"]) + str(form["overdue"]) + str(form["priority"])
    assert "---------" not in html and "Unknown" not in html and "未知" not in html
    assert [label for _, label in form.fields["overdue"].widget.choices] == ["全部", "是", "否"]


def test_a_yes_or_no_filter_still_reads_the_values_the_api_took_before(tree, alice):
    for raw, expected in (("true", True), ("false", False), ("2", True), ("3", False), ("", None)):
        filterset = ProjectFilterSet({"overdue": raw}, user=alice)
        assert filterset.is_valid() and filterset.form.cleaned_data["overdue"] is expected, raw


def test_multiple_choice_filters_are_checkbox_lists(tree, alice):
    html = str(ProjectFilterSet(user=alice).form["status"])
    assert 'type="checkbox"' in html and "<select" not in html


def test_every_filterset_of_the_portal_is_scoped():
    """A filterset written on django-filter's own base would list the whole city's estates."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.filtersets")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, django_filters.FilterSet)
                and value.__module__ == module.__name__
            ):
                found.append(value)
                assert issubclass(value, ScopedFilterSet), value
    assert len(found) >= 10
