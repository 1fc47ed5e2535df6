from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from renovation import access


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")
    nav_label = _("Overview")  # this app's section of the main menu
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = ((_("Dashboard"), "bulletins:dashboard", access.VIEW),)
