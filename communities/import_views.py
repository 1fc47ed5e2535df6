"""Registry import and export pages: upload, the job's preview with its column mapping,
confirmation, progress (polled by htmx, a refresh link without JavaScript), the template and
the export. Each view parses input and calls one service of communities/importing/jobs.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from communities import forms
from communities.importing import COLUMNS, ImportFileError, import_template, jobs, registry_export
from communities.importing.reading import MAX_BYTES
from communities.models import ImportJob
from renovation.views import PermRequiredMixin, StaffMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportView(PermRequiredMixin, FormView):
    form_class = forms.ImportForm
    template_name = "communities/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = COLUMNS
        context["recent"] = ImportJob.objects.filter(user=self.request.user).defer("data")[:5]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            job = jobs.import_job_start(
                user=self.request.user, filename=upload.name, data=upload.read(MAX_BYTES + 1)
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect("communities:import-job", pk=job.pk)


class UserJobMixin(PermRequiredMixin):
    """A job is its uploader's own: anyone else's is a 404."""

    def get_job(self, pk) -> ImportJob:
        return get_object_or_404(ImportJob.objects.defer("data"), pk=pk, user=self.request.user)


class ImportJobView(UserJobMixin, DetailView):
    template_name = "communities/import_job.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        return self.get_job(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job, preview = self.object, self.object.preview or {}
        choices = [("", _("— ignore this column —"))] + [(c.key, c.label) for c in COLUMNS]
        ignored = [c for c in preview.get("columns", []) if not c["target"]]
        context.update(
            preview=preview,
            choices=choices,
            ignored=ignored,
            # Folded away when it needs no attention (a phone screen is short).
            open_mapping=bool(preview.get("error_count")),
            replace_owners=bool((job.mapping or {}).get("replace_owners")),
            can_confirm=job.status == ImportJob.Status.CHECKED
            and preview.get("writes")
            and not preview.get("error_count"),
        )
        return context

    def post(self, request, pk):
        job = self.get_job(pk)
        action = request.POST.get("action")
        try:
            if action == "remap":
                columns = (job.preview or {}).get("columns", [])
                targets = [request.POST.get(f"target-{c['index']}", "") for c in columns]
                jobs.import_job_remap(job=job, user=request.user, targets=targets)
                messages.info(request, _("Checked again with your column mapping."))
            elif action == "owners":
                replace = request.POST.get("replace_owners") == "1"
                jobs.import_job_remap(job=job, user=request.user, replace_owners=replace)
            elif action == "confirm":
                job = jobs.import_job_confirm(job=job, user=request.user)
                if job.status == ImportJob.Status.DONE:
                    messages.success(request, _("Imported. The history records it as one change."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("communities:import-job", pk=pk)


class ImportJobProgressView(UserJobMixin, View):
    """The progress fragment htmx polls; once the job has moved on, htmx reloads the page."""

    def get(self, request, pk):
        from django.template.loader import render_to_string

        job = self.get_job(pk)
        if not request.headers.get("HX-Request"):
            return redirect("communities:import-job", pk=pk)
        if not job.is_running:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("communities:import-job", args=[pk])
            return response
        html = render_to_string(
            "communities/_import_progress.html", {"job": job, "poll": True}, request=request
        )
        return HttpResponse(html)


class ImportTemplateView(PermRequiredMixin, View):
    def get(self, request):
        return FileResponse(
            import_template(),
            as_attachment=True,
            filename=_("registry-import-template.xlsx"),
            content_type=XLSX,
        )


class ExportView(StaffMixin, View):
    """The user's registry (communities.selectors.registry_export_rows: their scope), owners
    masked outside their personal-data scope."""

    def get(self, request):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            registry_export(user=request.user),
            as_attachment=True,
            filename=_("registry-%(stamp)s.xlsx") % {"stamp": stamp},
            content_type=XLSX,
        )
