"""Every page and every API endpoint of the portal starts from `renovation.access`, or is listed
here as public with the reason. The URL resolver is walked, so a new page or endpoint is
covered the moment it is routed: nobody has to remember to add it to this test.

- An API viewset stands on the scoped base (`renovation.api.ScopedQuerysetMixin`, i.e.
  `ScopedModelViewSet` / `ScopedReadOnlyViewSet`) with the role permission.
- A page stands on `renovation.views.StaffMixin` (class-based; `ScopedMixin` and
  `PermRequiredMixin` are StaffMixins) or `renovation.views.staff_view` (function).
- Anything else is in PUBLIC (or PUBLIC_PREFIXES) with the reason it may be reached without
  a scope. An entry that no longer matches a routed view fails too, so the list stays true.
And, whatever the declaration says, no routed page or endpoint answers an anonymous visitor
with data unless it is public."""

import inspect
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

from renovation.api import ScopedQuerysetMixin
from renovation.drf import RolePermission
from renovation.views import StaffMixin

RESIDENT = "residents have no account: a session for one dwelling, opened by its printed link"

# Views reachable without a staff scope, by dotted name, with the reason.
PUBLIC = {
    "django.contrib.auth.views.LoginView": "the staff login page",
    "django.contrib.auth.views.LogoutView": "logging out",
    "django.views.i18n.set_language": "the language switch",
    "django.views.generic.base.RedirectView": "a redirect to another page, no data",
    "django.views.static.serve": "DEBUG only: media files while developing (never routed in "
    "production)",
    "drf_spectacular.views.SpectacularAPIView": "the API's schema: its shape, no data",
    "drf_spectacular.views.SpectacularSwaggerView": "the API docs page, no data",
    "drf_spectacular.views.SpectacularRedocView": "the API docs page, no data",
    "rest_framework.routers.APIRootView": "the API root: links to the endpoints, no data",
    "consultations.views.attachment_download": "staff who may view the consultation "
    "(access.has_perm) or a resident whose dwelling takes part in it",
    "consultations.resident_views.resident_enter": RESIDENT,
    "consultations.resident_views.resident_home": RESIDENT,
    "consultations.resident_views.resident_consultation": RESIDENT,
    "consultations.resident_views.resident_leave": RESIDENT,
    "elevators.resident_views.resident_share": RESIDENT,
    "elevators.api.views.SubsidyPolicyViewSet": "subsidy policies are reference data: the "
    "shipped city-wide ones and those kept at, above or below the caller's nodes "
    "(elevators.scheme_services.references_offered, from access.region_paths); written only "
    "where scheme_services.may_edit_reference allows, else 404; role permission",
    "elevators.api.views.SharingSchemeViewSet": "sharing schemes are reference data, offered "
    "and written like the subsidy policies (elevators.scheme_services); role permission",
    "elevators.api.views.StatisticsViewSet": "aggregates only, computed by "
    "elevators.selectors.retrofit_statistics from access.scope_queryset(user, ...); role "
    "permission",
    "elevators.api.views.ArrearsViewSet": "aggregates only, computed by "
    "elevators.selectors.retrofit_arrears from access.scope_queryset(user, ...); role permission",
    "inspections.api.views.CategoryViewSet": "the inspection categories: one list for the "
    "whole city, configured by the administrator; authenticated staff only",
    "inspections.api.views.StatisticsViewSet": "aggregates only, computed by "
    "inspections.selectors from access.scope_queryset(user, ...); role permission",
}
# URL prefixes whose views guard themselves, with the reason.
PUBLIC_PREFIXES = {"admin/": "Django's admin: is_staff accounts only, its own login"}


def _routes(patterns=None, prefix="", namespace=None):
    """(route, namespaced url name, pattern) for every URL of the portal."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if pattern.namespace and namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from _routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield route, name, pattern


def _view_of(callback):
    """The class (class-based views, DRF views and viewsets) or function behind a callback."""
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return cls if cls is not None else inspect.unwrap(callback)


def _dotted(view) -> str:
    return f"{view.__module__}.{view.__qualname__}"


def _public_reason(route: str, view) -> str | None:
    for prefix, reason in PUBLIC_PREFIXES.items():
        if route.startswith(prefix):
            return reason
    return PUBLIC.get(_dotted(view))


def _unscoped(route: str, callback) -> str | None:
    """Why the view routed at `route` is not scoped, or None when it is (or is public)."""
    view = _view_of(callback)
    if _public_reason(route, view):
        return None
    if getattr(callback, "cls", None) is not None:  # DRF
        if not getattr(callback, "actions", None):
            return "a DRF view that is not a viewset on renovation.api's scoped base"
        if not issubclass(view, ScopedQuerysetMixin):
            return "a viewset not on renovation.api.ScopedModelViewSet/ScopedReadOnlyViewSet"
        permissions = view().get_permissions()
        if any(isinstance(p, AllowAny) for p in permissions) or not any(
            isinstance(p, RolePermission) for p in permissions
        ):
            return "a viewset without renovation.drf.RolePermission"
        return None
    if inspect.isclass(view):
        return None if issubclass(view, StaffMixin) else "a page not on renovation.views.StaffMixin"
    return None if getattr(callback, "staff_view", False) else "a page not @staff_view"


def test_every_routed_page_and_endpoint_is_scoped_or_public_with_a_reason():
    problems = [
        f"{route} ({_dotted(_view_of(pattern.callback))}): {why}"
        for route, _name, pattern in _routes()
        if (why := _unscoped(route, pattern.callback))
    ]
    assert not problems, "Unscoped:\n" + "\n".join(problems)


def test_the_walk_sees_the_whole_portal():
    routes = [route for route, _name, _pattern in _routes()]
    assert len(routes) > 80
    for expected in (
        "api/v1/",
        "communities/",
        "consultations/",
        "elevators/",
        "inspections/",
        "projects/",
    ):
        assert any(route.startswith(expected) for route in routes), expected


def test_every_public_entry_names_a_routed_view():
    routed = {_dotted(_view_of(pattern.callback)) for _route, _name, pattern in _routes()}
    stale = set(PUBLIC) - routed - {"django.views.static.serve"}
    assert not stale, f"PUBLIC lists views that are no longer routed: {stale}"


def _sample_url(route: str) -> str:
    """`route` with every parameter filled: ints with 1, anything else with a word."""
    url = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url)
    url = re.sub(r"<int:\w+>", "1", url)
    url = re.sub(r"<(?:\w+:)?\w+>", "x", url)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + url


@pytest.mark.django_db
def test_nothing_but_public_pages_answers_an_anonymous_visitor(client):
    answered = []
    for route, _name, pattern in _routes():
        if _public_reason(route, _view_of(pattern.callback)):
            continue
        url = _sample_url(route)
        response = client.get(url)
        if response.status_code < 300:
            answered.append(f"{url}: {response.status_code}")
        elif response.status_code in (301, 302):
            assert "/accounts/login/" in response["Location"], url
    assert not answered, "Answered an anonymous visitor:\n" + "\n".join(answered)
