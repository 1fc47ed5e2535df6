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
        """Open consultations in the user's scope with their turnout so far: ballots against
        the dwellings in scope (one query)."""
        from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value, When
        from django.db.models.expressions import Case
        from django.db.models.functions import Coalesce

        from communities.models import Household
        from consultations.models import Consultation

        def dwellings(**where):
            counted = (
                Household.objects.filter(**where).order_by().values(*where).annotate(n=Count("pk"))
            )
            return Coalesce(Subquery(counted.values("n")), Value(0), output_field=IntegerField())

        open_now = list(
            access.scope_queryset(request.user, Consultation.objects.select_related("estate"))
            .filter(status=Consultation.Status.OPEN)
            .annotate(
                voted=Count("ballots", filter=Q(ballots__is_current=True)),
                electorate=Case(
                    When(stairwell__isnull=False, then=dwellings(stairwell=OuterRef("stairwell"))),
                    When(
                        building__isnull=False,
                        then=dwellings(stairwell__building=OuterRef("building")),
                    ),
                    default=dwellings(stairwell__building__estate=OuterRef("estate")),
                ),
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
