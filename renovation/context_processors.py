from django.apps import apps
from django.urls import reverse

from renovation import access


def navigation(request):
    """The main menu, gathered from each app's `AppConfig.nav`: a list of (label, url name,
    perm) tuples; an entry shows when the user holds `perm`. Each app's entries form one
    section of the menu (labelled `AppConfig.nav_label`, else its verbose name): the top bar
    lists the sections, the active section's entries show below it (and all of them in the
    phone menu). One entry is active: the one whose address is the longest prefix of the page's."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": [], "nav_sections": [], "nav_section": None}
    sections, items = [], []
    for config in apps.get_app_configs():
        entries = [
            {"label": label, "url": reverse(url_name), "active": False}
            for label, url_name, perm in getattr(config, "nav", ())
            if access.has_any_perm(user, perm)
        ]
        if entries:
            label = getattr(config, "nav_label", None) or config.verbose_name
            sections.append({"label": label, "url": entries[0]["url"], "items": entries})
            items.extend(entries)
    matching = [item for item in items if request.path.startswith(item["url"])]
    active = max(matching, key=lambda item: len(item["url"]), default=None)
    current = None
    if active is not None:
        active["active"] = True
        current = next(s for s in sections if active in s["items"])
        current["active"] = True
    return {"nav_items": items, "nav_sections": sections, "nav_section": current}
