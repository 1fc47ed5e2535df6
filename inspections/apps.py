from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from renovation import access


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")
    nav_label = _("Inspections")  # this app's section of the main menu
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = (
        (_("Inspection points"), "inspections:point-list", access.VIEW),
        (_("Record a point"), "inspections:point-create", access.INSPECT),
        (_("Patrols"), "inspections:patrol-list", access.VIEW),
        (_("Inspection statistics"), "inspections:statistics", access.VIEW),
    )

    home_panel = "inspections/_home_panel.html"

    def home_context(self, request) -> dict:
        """The points whose deadline falls in the coming week, and the field report's figures
        over the user's scope (three queries)."""
        from inspections.selectors import points_due, points_totals

        due, due_count = points_due(user=request.user, days=7)
        return {
            "totals": points_totals(user=request.user),
            "due_this_week": due,
            "due_count": due_count,
        }

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings

        # Just after midnight (Asia/Shanghai): yesterday's deadlines have passed.
        settings.CELERY_BEAT_SCHEDULE["inspections-mark-overdue"] = {
            "task": "inspections.mark_overdue_points",
            "schedule": crontab(hour=0, minute=15),
        }
        # One name for the workflow's status list in the API schema (points, steps, transitions).
        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        overrides["InspectionStatusEnum"] = "inspections.models.Status"
