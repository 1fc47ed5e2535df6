from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from renovation import access


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")
    nav_label = _("Consultations")  # this app's section of the main menu
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = (
        (_("Consultations"), "consultations:list", access.VIEW),
        (_("Resident links"), "consultations:links", access.BALLOT),
    )

    home_panel = "consultations/_home_panel.html"

    def home_context(self, request) -> dict:
        """Open consultations in the user's scope with their turnout so far: counted ballots
        against the electorate frozen when voting opened (one query)."""
        from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce

        from consultations.models import Ballot, Consultation, ElectorateFreeze

        voted = (
            Ballot.objects.filter(
                consultation=OuterRef("pk"),
                is_current=True,
                household__electorate_entries__consultation=OuterRef("pk"),
            )
            .order_by()
            .values("consultation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        electorate = (
            ElectorateFreeze.objects.filter(consultation=OuterRef("pk"))
            .order_by("-pk")
            .values("dwellings")[:1]
        )
        open_now = list(
            access.scope_queryset(request.user, Consultation.objects.select_related("estate"))
            .filter(status=Consultation.Status.OPEN)
            .annotate(
                voted=Coalesce(Subquery(voted), Value(0), output_field=IntegerField()),
                dwellings=Coalesce(Subquery(electorate), Value(0), output_field=IntegerField()),
            )
            .order_by("closes_at")[:5]
        )
        return {"open_consultations": open_now}

    def ready(self):
        from django.conf import settings

        # Voting closes by itself when its period ends (every 5 minutes is close enough:
        # ballot_cast already refuses anything after closes_at).
        settings.CELERY_BEAT_SCHEDULE["consultations-close-due"] = {
            "task": "consultations.tasks.close_due",
            "schedule": 300.0,
        }
