from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from renovation import access


class ElevatorsConfig(AppConfig):
    name = "elevators"
    verbose_name = _("Elevators")
    nav_label = _("Elevators")  # this app's section of the main menu
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = (
        (_("Elevator retrofits"), "elevators:list", access.VIEW),
        (_("Elevator statistics"), "elevators:statistics", access.VIEW),
    )

    home_panel = "elevators/_home_panel.html"

    def home_context(self, request) -> dict:
        """Retrofits per status and the money committed over the user's scope (four queries)."""
        from elevators.selectors import retrofit_statistics

        stats = retrofit_statistics(user=request.user)
        return {
            "by_status": [s for s in stats["by_status"] if s["count"]],
            "totals": stats["totals"],
        }

    def resident_links(self, household) -> list[tuple[str, str]]:
        """The resident's home page (consultations) links here when the stairwell has a
        retrofit."""
        from django.urls import reverse

        from elevators.selectors import household_retrofit

        if household_retrofit(household=household) is not None:
            return [(_("Your elevator: status, share and payments"), reverse("elevators:resident"))]
        return []
