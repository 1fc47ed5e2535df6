"""Pages: the grid worker's phone pages (record a point, move it along) and the staff pages
(point list, history, patrol log, statistics). Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from inspections import point_map, selectors, services
from inspections.filtersets import PatrolFilterSet, PointFilterSet
from inspections.forms import PatrolForm, PointForm, TransitionForm
from inspections.models import Patrol, Point, Status
from renovation import access, confirm, dates
from renovation.views import (
    PermRequiredMixin,
    ScopedMixin,
    ServiceFormMixin,
    StaffMixin,
    add_service_errors,
    staff_view,
)

# What the button for each next step says (an action, where the status names a state).
ACTIONS = {
    Status.NOTICE_SERVED: gettext_lazy("Serve the rectification notice"),
    Status.RECTIFIED_BY_PARTY: gettext_lazy("Rectified by the party"),
    Status.DEMOLITION_AGREED: gettext_lazy("Assisted demolition agreed"),
    Status.DEMOLISHED: gettext_lazy("Demolished"),
    Status.OVERDUE: gettext_lazy("Mark overdue"),
    Status.INTERVIEWED: gettext_lazy("Record the formal interview"),
    Status.CASE_FILED: gettext_lazy("File a case"),
    Status.ENFORCED: gettext_lazy("Enforcement done"),
    Status.VERIFIED: gettext_lazy("Verify (with an after photo)"),
    Status.CLOSED: gettext_lazy("Close the point"),
}


def next_steps(point: Point) -> list[tuple[str, str]]:
    """The buttons the point's page offers, (status, label): the workflow's allowed steps, the
    overdue one only once the deadline has passed."""
    passed = point.deadline is not None and point.deadline < dates.today()
    return [
        (status, ACTIONS[status])
        for status in services.allowed_next(point.status)
        if status != Status.OVERDUE or passed
    ]


class PointListView(ScopedMixin, ListView):
    model = Point
    template_name = "inspections/point_list.html"
    paginate_by = 25

    def get_queryset(self):
        points = selectors.points_with_overdue_flag(
            points=selectors.points_visible(user=self.request.user)
        )
        self.filterset = PointFilterSet(self.request.GET or None, points, user=self.request.user)
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["today"] = dates.today()
        context["can_inspect"] = access.has_any_perm(self.request.user, access.INSPECT)
        # The map shows every point the filters select, not only this page of the table.
        query = self.request.GET.copy()
        query.pop("page", None)
        url = reverse("inspections:point-markers")
        context["map_layers"] = [
            point_map.point_map_layer(url=f"{url}?{query.urlencode()}" if query else url)
        ]
        return context


@staff_view
def point_markers_view(request):
    """The points the list's filters select, as GeoJSON for the map (scoped like the list)."""
    points = selectors.points_visible(user=request.user)
    filterset = PointFilterSet(request.GET or None, points, user=request.user)
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors}, status=400)
    points = filterset.qs if filterset.is_bound else filterset.queryset
    return JsonResponse(point_map.point_markers(points=points))


class PointCreateView(PermRequiredMixin, ServiceFormMixin, FormView):
    perm = access.INSPECT
    form_class = PointForm
    template_name = "inspections/point_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        estates = selectors.estates_for_inspection(user=self.request.user)
        if self.request.GET.get("estate"):
            initial["estate"] = self.request.GET["estate"]
        elif len(first := list(estates[:2])) == 1:
            initial["estate"] = first[0].pk
        if self.request.GET.get("patrol"):
            initial["patrol"] = self.request.GET["patrol"]
        return initial

    def save(self, form):
        data = form.cleaned_data
        self.point = services.point_create(
            actor=self.request.user,
            estate=data["estate"],
            building=data.get("building"),
            household=data.get("household"),
            category=data["category"],
            location=data["location"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            area=data.get("area"),
            responsible_party=data.get("responsible_party") or "",
            priority=data["priority"],
            description=data.get("description") or "",
            photos=data.get("photos") or [],
            patrol=data.get("patrol"),
        )
        form.discard_kept()  # the photos kept from a failed try are saved for good now

    def form_invalid(self, form):
        form.keep_uploads()  # the photos survive the error
        return super().form_invalid(form)

    def get_success_message(self, result):
        return _("Point recorded: %(point)s.") % {"point": self.point}

    def get_success_url(self):
        return reverse("inspections:point-detail", args=[self.point.pk])


class PointDetailView(ScopedMixin, DetailView):
    model = Point
    template_name = "inspections/point_detail.html"
    context_object_name = "point"

    def get_queryset(self):
        return selectors.points_with_history(
            points=selectors.points_visible(user=self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        point, user = self.object, self.request.user
        can_inspect = access.has_perm(user, access.INSPECT, point)
        context["can_inspect"] = can_inspect
        steps = next_steps(point) if can_inspect else []
        if any(status == Status.CLOSED for status, _label in steps):
            refusal = services.close_refusal(steps=point.steps.all(), actor=user)
            if refusal:
                steps = [(status, label) for status, label in steps if status != Status.CLOSED]
                context["close_refusal"] = refusal
        # One form per next step, asking only for what that step needs; a failed try (`form`)
        # comes back in its place with the user's input, its errors and its kept photos.
        failed = kwargs.get("form")
        step_forms = []
        for status, label in steps:
            if failed is not None and failed.to_status == status:
                form = failed
            else:
                form = TransitionForm(to_status=status, user=user, point=point)
            step_forms.append((status, label, form))
        context["step_forms"] = step_forms
        context["next_steps"] = steps
        context["form"] = failed
        context["failed_elsewhere"] = failed is not None and failed.to_status not in dict(steps)
        context["is_overdue"] = services.is_overdue(point)
        return context


def _closing_confirmation(request, point):
    rectified = services.rectification_step(point.steps.select_related("actor"))
    consequences = [
        _(
            "The point “%(point)s” at %(estate)s is closed (销号): no further step can be "
            "recorded on it. Nothing is deleted; its steps and photos stay."
        )
        % {"point": f"{point.category} · {point.location}", "estate": point.estate},
    ]
    if rectified is not None:
        who = rectified.actor.get_full_name() or rectified.actor.get_username()
        consequences.append(
            _("The rectification was recorded by %(who)s on %(day)s (%(step)s).")
            % {
                "who": who,
                "day": dates.today(rectified.at).isoformat(),
                "step": rectified.get_to_status_display(),
            }
        )
    consequences += [
        _("The closing is recorded in your name, %(you)s, with today's date.")
        % {"you": request.user.get_full_name() or request.user.get_username()},
        _("It cannot be undone: if the problem comes back, record it as a new point."),
    ]
    return confirm.confirmation(
        request,
        title=_("Close this point (销号)?"),
        consequences=consequences,
        confirm_label=_("Yes, close the point (销号)"),
        cancel_url=reverse("inspections:point-detail", args=[point.pk]),
    )


@staff_view
@require_POST
def point_transition_view(request, pk):
    point = access.scoped_get_or_404(
        request.user, Point.objects.select_related("estate", "category"), access.INSPECT, pk=pk
    )
    form = TransitionForm(request.POST, request.FILES, user=request.user, point=point)
    if form.is_valid():
        data = form.cleaned_data
        closing = data["to_status"] == Status.CLOSED
        if (
            closing
            and Status.CLOSED in services.allowed_next(point.status)
            and not services.close_refusal(steps=point.steps.all(), actor=request.user)
            and not confirm.is_confirmed(request)
        ):
            return _closing_confirmation(request, point)
        try:
            step = services.point_transition(
                point=point,
                actor=request.user,
                to_status=data["to_status"],
                note=data.get("note", ""),
                photos=data.get("photos", []),
                deadline=data.get("deadline"),
                case_number=data.get("case_number", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form.discard_kept()
            messages.success(
                request,
                _("Point moved to “%(status)s”.") % {"status": step.get_to_status_display()},
            )
            return redirect("inspections:point-detail", pk=point.pk)
    form.keep_uploads()  # the photos survive the error
    view = PointDetailView()
    view.setup(request, pk=pk)
    view.object = view.get_object()
    context = view.get_context_data(form=form)
    return render(request, view.template_name, context)


@staff_view
def photo_view(request, pk):
    """A point's photo, to those who may see the point. Only the metadata-free copy exists."""
    photo = access.scoped_get_or_404(
        request.user, selectors.photos_visible(user=request.user), pk=pk
    )
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


class PatrolListView(ScopedMixin, ListView):
    model = Patrol
    template_name = "inspections/patrol_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = PatrolFilterSet(
            self.request.GET or None,
            selectors.patrols_visible(user=self.request.user),
            user=self.request.user,
        )
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["can_inspect"] = access.has_any_perm(self.request.user, access.INSPECT)
        return context


class PatrolDetailView(ScopedMixin, DetailView):
    model = Patrol
    template_name = "inspections/patrol_detail.html"
    context_object_name = "patrol"

    def get_queryset(self):
        return selectors.patrols_with_visits(
            patrols=selectors.patrols_visible(user=self.request.user)
        )


class PatrolCreateView(PermRequiredMixin, ServiceFormMixin, FormView):
    perm = access.INSPECT
    form_class = PatrolForm
    template_name = "inspections/patrol_form.html"
    success_message = gettext_lazy("Patrol recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def save(self, form):
        data = form.cleaned_data
        self.patrol = services.patrol_record(
            worker=self.request.user,
            estate=data["estate"],
            points=data["points"],
            note=data["note"],
        )

    def get_success_url(self):
        return reverse("inspections:patrol-detail", args=[self.patrol.pk])


class StatisticsView(StaffMixin, TemplateView):
    template_name = "inspections/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stats"] = selectors.points_statistics(user=self.request.user)
        return context
