"""Access scoping, once. Every page, API view, export, bulletin and PDF starts from
`scope_queryset(user, queryset)`; writes check `has_perm(user, perm, obj_or_region)`.
A single object is fetched with `scoped_get_or_404(user, queryset, perm, pk=...)`; an object
already in hand is checked with `require_perm(user, perm, obj)`. Out of scope is 404, never 403.

A membership grants a role at one node of the administrative tree; it reaches everything
below that node and nothing beside it. Each scoped model names the path from itself to its
region (a `communities.Region`) in the class attribute `region_lookup` ("" for Region itself,
"community" for Estate, "estate__community" for Building, ...). Models of other apps do the
same, e.g. `region_lookup = "estate__community"` on a project.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

# What each role may do. "personal": see owners' names and phones unmasked.
VIEW, MANAGE, INSPECT, BALLOT, PERSONAL = "view", "manage", "inspect", "ballot", "personal"
ROLE_PERMS = {
    "bureau": {VIEW},
    "district": {VIEW, MANAGE},
    "subdistrict": {VIEW, MANAGE, INSPECT, BALLOT, PERSONAL},
    "community": {VIEW, MANAGE, INSPECT, BALLOT, PERSONAL},
    "grid_worker": {VIEW, INSPECT, BALLOT, PERSONAL},
}


def _grants(user) -> list[tuple[str, set[str]]]:
    """(region path, perms) for each of the user's memberships, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_huanxin_grants", None)
    if cached is None:
        cached = [
            (path, ROLE_PERMS.get(role, set()))
            for path, role in user.memberships.values_list("region__path", "role")
        ]
        user._huanxin_grants = cached
    return cached


def region_paths(user, perm: str = VIEW) -> list[str] | None:
    """Region path prefixes the user may `perm` in; None means everywhere (superuser)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    return [path for path, perms in _grants(user) if perm in perms]


def _path_field(model) -> str:
    lookup = getattr(model, "region_lookup", None)
    if lookup is None:
        raise TypeError(f"{model.__name__} has no region_lookup; it cannot be scoped.")
    return f"{lookup}__path" if lookup else "path"


def scope_q(user, model, perm: str = VIEW) -> Q | None:
    """The filter that limits `model` to what `user` may `perm`; None means no limit."""
    paths = region_paths(user, perm)
    if paths is None:
        return None
    field = _path_field(model) + "__startswith"
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{field: path})
    return q


def scope_queryset(user, queryset: QuerySet, perm: str = VIEW) -> QuerySet:
    """`queryset` limited to the part of the tree where `user` holds `perm`."""
    q = scope_q(user, queryset.model, perm)
    return queryset if q is None else queryset.filter(q)


def region_path_of(obj) -> str:
    """The region path an object hangs under (one query unless it is a Region)."""
    model = type(obj)
    if model.region_lookup == "":
        return obj.path
    return model._default_manager.filter(pk=obj.pk).values_list(_path_field(model), flat=True).get()


def has_perm(user, perm: str, obj) -> bool:
    """Whether `user` may `perm` on `obj` (a scoped model instance, a Region or a path)."""
    paths = region_paths(user, perm)
    if paths is None:
        return True
    if not paths:
        return False
    path = obj if isinstance(obj, str) else region_path_of(obj)
    return any(path.startswith(p) for p in paths)


def scoped_get_or_404(user, queryset: QuerySet, perm: str = VIEW, **lookup):
    """One object from the user's `perm` scope, or 404 — never 403, which would confirm it
    exists."""
    try:
        return scope_queryset(user, queryset, perm).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def require_perm(user, perm: str, obj) -> None:
    """Raise 404 when `user` may not `perm` on `obj` (out of scope looks like absent)."""
    if not has_perm(user, perm, obj):
        raise Http404


def has_any_perm(user, perm: str) -> bool:
    """Whether `user` may `perm` anywhere (to show or hide a button, a menu entry)."""
    paths = region_paths(user, perm)
    return paths is None or bool(paths)


def sees_personal_data(user, obj) -> bool:
    """Owners' names and phones are shown unmasked only inside the owning scope."""
    return has_perm(user, PERSONAL, obj)


def mask_name(name: str) -> str:
    """张三丰 → 张**; Alice → A****."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
