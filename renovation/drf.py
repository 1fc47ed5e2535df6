"""DRF plumbing named in the REST_FRAMEWORK settings: permission, pagination and the exception
handler. Kept apart from renovation.api because DRF imports these while its views module loads."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination, permissions
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

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


def as_api_error(exc: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's: the same messages keyed by field, and messages
    that name no field under `non_field_errors`."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})
    detail: dict[str, list[str]] = {}
    for field, errors in exc.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field
        detail.setdefault(key, []).extend(errors)
    return ValidationError(detail)


def exception_handler(exc, context):
    """DRF's handler, plus: a Django ValidationError raised by a service becomes a 400 carrying
    its messages by field (see `as_api_error`), so API views call services without try/except."""
    # Imported here: rest_framework.views imports this module while it loads.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    return drf_exception_handler(exc, context)
