from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElevatorsConfig(AppConfig):
    name = "elevators"
    verbose_name = _("Elevators")
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = ()
