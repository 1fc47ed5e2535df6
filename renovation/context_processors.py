from django.apps import apps
from django.urls import reverse

from renovation import access


def navigation(request):
    """The main menu, gathered from each app's `AppConfig.nav`:
    a list of (label, url name, perm) tuples; an entry shows when the user holds `perm`."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": []}
    items = []
    for config in apps.get_app_configs():
        for label, url_name, perm in getattr(config, "nav", ()):
            if access.has_any_perm(user, perm):
                url = reverse(url_name)
                items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items}
