"""Shared page building blocks and the portal's home page.

Every staff page stands on `StaffMixin` (class-based views) or `staff_view` (function views):
login required, and what it shows comes from `renovation.access` — a queryset scoped by
`ScopedMixin`, a scoped selector, or `access.scoped_get_or_404`. The scoping coverage test
(tests/renovation/test_scoping_coverage.py) fails for a page that stands on neither and is not
listed there as public with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from renovation import access, uploads


class StaffMixin(LoginRequiredMixin):
    """A staff page: login required; it reads only through `renovation.access`."""


def staff_view(view):
    """`StaffMixin` for a function view (a POST-only action, a download)."""
    wrapped = login_required(view)
    wrapped.staff_view = True
    return wrapped


class ScopedMixin(StaffMixin):
    """For list/detail/update views: the queryset is limited to the user's scope, so an
    out-of-scope object is a 404. Set `perm` to require more than viewing (e.g. on edit views)."""

    perm = access.VIEW

    def get_queryset(self):
        return access.scope_queryset(self.request.user, super().get_queryset(), self.perm)


class PermRequiredMixin(StaffMixin):
    """For create views: the user needs `perm` somewhere in the tree; the form's choices must
    come from `access.scope_queryset(user, ..., perm)` so nothing outside can be chosen."""

    perm = access.MANAGE

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.has_any_perm(request.user, self.perm):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ServiceFormMixin:
    """A form page whose save is one service call. `save(form)` calls the service; a
    ValidationError it raises goes onto the form beside the field it names (`add_service_errors`)
    and the page shows again with the user's input; on success the page says
    `get_success_message(result)` and goes to `get_success_url()`."""

    success_message = ""

    def save(self, form):
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def form_valid(self, form):
        try:
            result = self.save(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())


class HomeView(StaffMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        from django.apps import apps

        context = super().get_context_data(**kwargs)
        # Each app may offer a home-page panel: AppConfig.home_panel = "app/_home_panel.html"
        # with AppConfig.home_context(request) -> dict.
        panels = []
        for config in apps.get_app_configs():
            template = getattr(config, "home_panel", None)
            if template:
                panels.append({"template": template, **config.home_context(self.request)})
        context["panels"] = panels
        context["memberships"] = self.request.user.memberships.select_related("region")
        return context


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top, so
    the page re-displays the user's input with the message beside what is wrong."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@staff_view
def kept_upload_view(request):
    """The thumbnail of a photo kept across a form error, to the user who took it only."""
    try:
        handle, content_type = uploads.open_kept(request.GET.get("t", ""), user=request.user)
    except ValidationError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=600"
    return response
