from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from renovation import access


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities")
    nav_label = _("Registry")  # this app's section of the main menu
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = (
        (_("Estates"), "communities:estate-list", access.VIEW),
        (_("Registry import"), "communities:import", access.MANAGE),
    )
    home_panel = "communities/_home_panel.html"

    def home_context(self, request) -> dict:
        """Totals of the user's registry for the home page (three aggregate queries)."""
        from django.db.models import Count, Sum

        from communities.models import Estate, Household

        user = request.user
        households = access.scope_queryset(user, Household.objects.all()).aggregate(
            count=Count("pk"), area=Sum("floor_area")
        )
        return {
            "inline": True,  # one line above the work panels: the size of the user's area
            "estate_count": access.scope_queryset(user, Estate.objects.all()).count(),
            "household_count": households["count"],
            "total_area": households["area"] or 0,
        }

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings

        settings.CELERY_BEAT_SCHEDULE["communities-expire-imports"] = {
            "task": "communities.import_jobs_expire",
            "schedule": crontab(hour=3, minute=20),
        }
