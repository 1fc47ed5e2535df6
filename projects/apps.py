from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")
    # Main-menu entries: (label, url name, perm from renovation.access).
    nav = ()
