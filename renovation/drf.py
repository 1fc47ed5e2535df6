"""DRF plumbing named in the REST_FRAMEWORK settings: API-token authentication and its rate
limit, permission, pagination and the exception handler. Kept apart from renovation.api
because DRF imports these while its views module loads."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions, pagination, permissions, throttling
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from renovation import access


class ApiTokenAuthentication(TokenAuthentication):
    """django-rest-knox's token authentication (`Authorization: Token <token>`; only digests
    are stored) for the portal's read-only API tokens. An expired token is refused with a
    message saying so and kept, so its owner still sees it in the portal until they revoke it
    (knox deletes expired tokens, and others of the same user, on each use); a use is
    recorded at most once a minute."""

    def _cleanup_token(self, auth_token) -> bool:
        # Checked after the digest matches (validate_user), never by deleting rows.
        return False

    def validate_user(self, auth_token):
        from renovation.api_tokens import api_token_touch

        if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("This API token expired on %(day)s; create a new one in the portal.")
                % {"day": formats.date_format(timezone.localtime(auth_token.expiry))}
            )
        user, token = super().validate_user(auth_token)
        api_token_touch(token)
        return user, token


class ApiTokenRateThrottle(throttling.SimpleRateThrottle):
    """Each API token's own limit (`requests_per_minute`), counted in the cache; requests
    without a token (the portal's own pages, session auth) are not limited here."""

    scope = "api-token"
    rate = "60/min"  # replaced per token in allow_request

    def allow_request(self, request, view):
        token = request.auth
        if not getattr(token, "read_only", False):
            return True
        self.num_requests, self.duration = token.requests_per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.digest[:40]}


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000


class RolePermission(permissions.BasePermission):
    """Authenticated staff only; reading needs `view`, writing needs the viewset's
    `write_perm` (default `manage`) on the object's part of the tree. A read-only API token
    never writes, whatever its owner may do."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(request.auth, "read_only", False):
            self.message = _("API tokens are read-only: sign in to the portal to make changes.")
            return False
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
