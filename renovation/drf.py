"""Permission and pagination classes named in REST_FRAMEWORK settings. Kept apart from
renovation.api because DRF imports these while its views module loads."""

from rest_framework import pagination, permissions

from renovation import access


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000


class RolePermission(permissions.BasePermission):
    """Authenticated staff only; reading needs `view`, writing needs the viewset's
    `write_perm` (default `manage`) on the object's part of the tree."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.has_any_perm(user, getattr(view, "write_perm", access.MANAGE))

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.has_perm(request.user, getattr(view, "write_perm", access.MANAGE), obj)
