from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from renovation import access


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")
    nav_label = _("Projects")  # this app's section of the main menu
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = (
        (_("Programmes"), "projects:overview", access.VIEW),
        (_("Projects"), "projects:list", access.VIEW),
        (_("Battle map"), "projects:battle-map", access.VIEW),
        (_("Strikes"), "projects:strikes", access.VIEW),
    )

    home_panel = "projects/_home_panel.html"

    def home_context(self, request) -> dict:
        from . import selectors

        return selectors.projects_summary(user=request.user)

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings

        # Every morning, record a strike for each milestone missed the day before.
        settings.CELERY_BEAT_SCHEDULE["projects-record-strikes"] = {
            "task": "projects.record_strikes",
            "schedule": crontab(hour=1, minute=10),
        }
        # One name for the project workflow's status list in the API schema (projects, transitions).
        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        overrides["ProjectStatusEnum"] = "projects.models.Project.Status"
