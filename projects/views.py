"""Staff pages: programme overview, project list and detail, the forms for each part of a
project, the officials' strikes and the battle map (挂图作战). Thin: they parse input, call one
service or selector, and render."""

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from communities.models import Region
from renovation import access, confirm, dates
from renovation.views import PermRequiredMixin, ServiceFormMixin, StaffMixin, staff_view

from . import battle_map, selectors, services
from .filtersets import ProjectFilterSet
from .forms import (
    AcceptanceForm,
    ComplaintForm,
    ComplaintResolveForm,
    FundingLineForm,
    MilestoneForm,
    ProgrammeForm,
    ProgressReportForm,
    ProjectForm,
    TransitionForm,
    WorksItemForm,
)
from .models import (
    Complaint,
    FundingLine,
    Milestone,
    Programme,
    ProgressEntry,
    Project,
    WorksItem,
)

PAGE_SIZE = 25


class ProgrammeOverviewView(StaffMixin, TemplateView):
    template_name = "projects/programme_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programmes = selectors.programmes_overview(user=user)
        for programme in programmes:
            # By path: the regions are loaded already, so this costs no query per programme.
            programme.can_edit = access.has_perm(user, access.MANAGE, programme.region.path)
        context["programmes"] = programmes
        context["can_manage"] = access.has_any_perm(user, access.MANAGE)
        return context


class ProgrammeFormView(PermRequiredMixin, ServiceFormMixin, FormView):
    form_class = ProgrammeForm
    template_name = "projects/form.html"
    programme = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in kwargs:
            self.programme = access.scoped_get_or_404(
                request.user, Programme.objects.all(), access.MANAGE, pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.programme}

    def save(self, form):
        return services.programme_save(programme=form.instance)

    def get_success_message(self, programme):
        return _("Programme “%(name)s” saved.") % {"name": programme}

    def get_success_url(self):
        return reverse("projects:overview")

    def get_context_data(self, **kwargs):
        title = _("Edit programme") if self.programme else _("New programme")
        return super().get_context_data(title=title, back=reverse("projects:overview"), **kwargs)


class ProjectListView(StaffMixin, TemplateView):
    template_name = "projects/project_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        queryset = selectors.projects_visible(user=user, today=dates.today()).order_by(
            "programme__name", "estate__name", "pk"
        )
        filterset = ProjectFilterSet(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        projects = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        page = Paginator(projects, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            filterset=filterset,
            page_obj=page,
            projects=page.object_list,
            can_manage=access.has_any_perm(user, access.MANAGE),
        )
        return context


class ProjectFormView(PermRequiredMixin, ServiceFormMixin, FormView):
    form_class = ProjectForm
    template_name = "projects/form.html"
    project = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in kwargs:
            self.project = access.scoped_get_or_404(
                request.user, Project.objects.all(), access.MANAGE, pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if "programme" in self.request.GET:
            initial["programme"] = self.request.GET["programme"]
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.project}

    def save(self, form):
        self.saved = services.project_save(project=form.instance)
        return self.saved

    def get_success_message(self, project):
        return _("Project “%(name)s” saved.") % {"name": project}

    def get_success_url(self):
        return reverse("projects:detail", args=[self.saved.pk])

    def get_context_data(self, **kwargs):
        title = _("Edit project") if self.project else _("New project")
        back = (
            reverse("projects:detail", args=[self.project.pk])
            if self.project
            else reverse("projects:list")
        )
        return super().get_context_data(title=title, back=back, **kwargs)


class ProjectDetailView(StaffMixin, TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, dates.today()
        try:
            project = selectors.projects_visible(user=user, today=today).get(pk=kwargs["pk"])
        except Project.DoesNotExist as exc:
            raise Http404 from exc
        milestones = list(project.milestones.all())
        reports = project.progress_reports.select_related("reporter").prefetch_related(
            Prefetch("entries", ProgressEntry.objects.select_related("works_item__works_type")),
            "photos",
        )
        complaints = project.complaints.annotate(
            flagged=ExpressionWrapper(
                selectors.complaint_flag_q(today=today), output_field=BooleanField()
            )
        )
        context.update(
            project=project,
            gap_abs=abs(project.funding_gap),
            official_phone=project.official_phone
            if access.has_perm(user, access.PERSONAL, project.estate.community.path)
            else access.mask_phone(project.official_phone),
            works_items=project.works_items.select_related("works_type"),
            funding_lines=project.funding_lines.all(),
            milestones=milestones,
            timeline=selectors.project_timeline(
                project=project, milestones=milestones, today=today
            ),
            reports=reports,
            complaints=complaints,
            flag_days=selectors.COMPLAINT_FLAG_DAYS,
            strikes=selectors.project_strikes(project=project, user=user, today=today),
            strike_levels=selectors.STRIKE_LEVELS,
            transitions=[
                (s, Project.Status(s).label) for s in services.allowed_transitions(project)
            ],
            acceptance_problems=services.acceptance_problems(project),
            can_manage=access.has_perm(user, access.MANAGE, project),
            can_report=access.has_perm(user, access.INSPECT, project),
            today=today,
        )
        return context


class ProjectPartMixin(StaffMixin, ServiceFormMixin):
    """A form about one project (and optionally one of its rows): 404 outside the user's
    `perm` scope. Its save is one service call (`save(form)`); success goes back to the
    project's page, at `anchor`."""

    perm = access.MANAGE
    template_name = "projects/form.html"
    model = None
    anchor = ""
    title = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.project = access.scoped_get_or_404(
            request.user,
            Project.objects.select_related("programme", "estate"),
            self.perm,
            pk=kwargs["pk"],
        )
        self.object = None
        if self.model is not None and "item" in kwargs:
            self.object = get_object_or_404(self.model, project=self.project, pk=kwargs["item"])
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        url = reverse("projects:detail", args=[self.project.pk])
        return f"{url}#{self.anchor}" if self.anchor else url

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            project=self.project,
            title=self.title,
            back=reverse("projects:detail", args=[self.project.pk]),
            **kwargs,
        )


class RowFormView(ProjectPartMixin, FormView):
    """Create or edit one row of a project (works item, funding line, milestone, complaint)."""

    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object or self.model(project=self.project)
        return kwargs

    def save(self, form):
        form.instance.project = self.project
        self.save_row(form.instance)

    def save_row(self, instance):
        raise NotImplementedError


class WorksItemFormView(RowFormView):
    model, form_class, anchor = WorksItem, WorksItemForm, "works"
    title = gettext_lazy("Works item")
    success_message = gettext_lazy("Works item saved.")

    def save_row(self, instance):
        services.works_item_save(item=instance)


class FundingLineFormView(RowFormView):
    model, form_class, anchor = FundingLine, FundingLineForm, "funding"
    title = gettext_lazy("Funding line")
    success_message = gettext_lazy("Funding line saved.")

    def save_row(self, instance):
        services.funding_line_save(line=instance)


class MilestoneFormView(RowFormView):
    model, form_class, anchor = Milestone, MilestoneForm, "milestones"
    title = gettext_lazy("Milestone")
    success_message = gettext_lazy("Milestone saved.")

    def save_row(self, instance):
        services.milestone_save(milestone=instance, today=dates.today())


class ComplaintFormView(RowFormView):
    model, form_class, anchor = Complaint, ComplaintForm, "complaints"
    title = gettext_lazy("Complaint")
    success_message = gettext_lazy("Complaint saved.")

    def save_row(self, instance):
        services.complaint_save(complaint=instance, today=dates.today())


class ComplaintResolveView(ProjectPartMixin, FormView):
    model, form_class, anchor = Complaint, ComplaintResolveForm, "complaints"
    title = gettext_lazy("Resolve complaint")
    success_message = gettext_lazy("Complaint resolved.")

    def get_initial(self):
        return {"resolved_on": dates.today(), "reply": self.object.reply}

    def save(self, form):
        services.complaint_resolve(complaint=self.object, today=dates.today(), **form.cleaned_data)


class AcceptanceView(ProjectPartMixin, FormView):
    form_class, anchor = AcceptanceForm, "acceptance"
    title = gettext_lazy("Acceptance")
    success_message = gettext_lazy("Acceptance recorded.")

    def get_initial(self):
        p = self.project
        return {
            "acceptance_date": p.acceptance_date,
            "acceptance_result": p.acceptance_result,
            "satisfaction_rate": p.satisfaction_rate,
            "note": p.acceptance_note,
        }

    def save(self, form):
        data = form.cleaned_data
        services.acceptance_record(
            project=self.project,
            acceptance_date=data["acceptance_date"],
            acceptance_result=data["acceptance_result"],
            satisfaction_rate=data["satisfaction_rate"],
            note=data["note"],
            today=dates.today(),
        )


class TransitionView(ProjectPartMixin, FormView):
    form_class, anchor = TransitionForm, "status"
    title = gettext_lazy("Change status")
    template_name = "projects/transition.html"

    def form_valid(self, form):
        to_status = form.cleaned_data["to_status"]
        if (
            to_status == Project.Status.SUSPENDED
            and to_status in services.allowed_transitions(self.project)
            and form.cleaned_data["reason"].strip()
            and not confirm.is_confirmed(self.request)
        ):
            return self.confirm_suspension(form.cleaned_data["reason"].strip())
        return super().form_valid(form)

    def save(self, form):
        return services.project_transition(
            project=self.project,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            today=dates.today(),
        )

    def get_success_message(self, project):
        return _("The project is now “%(status)s”.") % {"status": project.get_status_display()}

    def confirm_suspension(self, reason):
        project = self.project
        unfinished = project.milestones.filter(actual_date__isnull=True).count()
        current = project.get_status_display()
        return confirm.confirmation(
            self.request,
            title=_("Suspend the project at %(estate)s?") % {"estate": project.estate},
            consequences=[
                _(
                    "The project stops: its status changes from “%(current)s” to “%(suspended)s”, "
                    "with the reason “%(reason)s”, on its page, in the lists and on the battle map."
                )
                % {
                    "current": current,
                    "suspended": Project.Status.SUSPENDED.label,
                    "reason": reason,
                },
                _(
                    "Its %(n)s unfinished milestones keep their dates: one that passes while the "
                    "project is suspended still counts as a strike against %(official)s."
                )
                % {"n": unfinished, "official": project.official_name},
                _("It can later resume only to “%(current)s”, by changing the status again.")
                % {"current": current},
            ],
            confirm_label=_("Suspend the project"),
            cancel_url=reverse("projects:detail", args=[project.pk]),
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allowed": services.allowed_transitions(self.project)}

    def get_context_data(self, **kwargs):
        can_complete = Project.Status.COMPLETED in services.allowed_transitions(self.project)
        return super().get_context_data(
            acceptance_problems=services.acceptance_problems(self.project) if can_complete else [],
            **kwargs,
        )


class ProgressReportView(ProjectPartMixin, FormView):
    form_class, anchor = ProgressReportForm, "progress"
    perm = access.INSPECT
    title = gettext_lazy("Progress report")
    success_message = gettext_lazy("Progress report saved.")

    def get_form_kwargs(self):
        items = self.project.works_items.select_related("works_type")
        return {**super().get_form_kwargs(), "items": items}

    def get_initial(self):
        return {"report_date": dates.today()}

    def save(self, form):
        services.progress_report_create(
            project=self.project,
            report_date=form.cleaned_data["report_date"],
            progress=form.progress(),
            photos=form.cleaned_data["photos"],
            note=form.cleaned_data["note"],
            reporter=self.request.user,
            today=dates.today(),
        )


class StrikesView(StaffMixin, TemplateView):
    template_name = "projects/strikes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = dates.today()
        rows = list(selectors.officials_with_strikes(user=self.request.user, today=today)[:200])
        personal = access.has_any_perm(self.request.user, access.PERSONAL)
        for row in rows:
            row["level_label"] = selectors.STRIKE_LEVELS[row["level"]]
            if not personal:
                row["official_phone"] = access.mask_phone(row["official_phone"])
        context.update(officials=rows, today=today)
        return context


def _battle_map_region(request, regions):
    """The district or street `?region=` names, among those of the user's battle map; 404 for
    any other (another street's, or one without projects)."""
    wanted = request.GET.get("region")
    if not wanted:
        return None
    region = next((r for r in regions if str(r.pk) == wanted), None)
    if region is None:
        raise Http404
    return region


class BattleMapView(StaffMixin, TemplateView):
    """挂图作战: every project in the user's scope on a map and as cards, grouped by district
    and subdistrict with counts per group; `?region=` narrows to one district or street."""

    template_name = "projects/battle_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        regions = battle_map.battle_map_regions(user=user)
        region = _battle_map_region(self.request, regions)
        sort = self.request.GET.get("sort", "progress")
        if sort not in battle_map.SORTS:
            sort = "progress"
        markers_url = reverse("projects:battle-map-markers")
        if region is not None:
            markers_url += f"?region={region.pk}"
        context.update(
            battle_map.battle_map(user=user, regions=regions, region=region, sort=sort),
            regions=regions,
            region=region,
            # Narrowing is offered to whoever oversees more than one street.
            can_narrow=sum(r.level == Region.Level.SUBDISTRICT for r in regions) > 1,
            sort=sort,
            sorts=[
                ("progress", _("Progress ↑")),
                ("-progress", _("Progress ↓")),
                ("overdue", _("Overdue first")),
                ("name", _("Name")),
            ],
            map_layers=[battle_map.battle_map_layer(url=markers_url)],
        )
        return context


@staff_view
def battle_map_markers_view(request):
    """The battle map's markers (GeoJSON) for the user's scope, or one region of it."""
    regions = battle_map.battle_map_regions(user=request.user)
    region = _battle_map_region(request, regions)
    return JsonResponse(battle_map.battle_map_markers(user=request.user, region=region))
