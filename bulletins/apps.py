from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = ()
