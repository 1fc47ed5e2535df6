"""API tokens for machine clients (the bureau's dashboards): staff create them in the portal
(or `manage.py api_token`), each read-only, with a name, an expiry and a rate limit, and revoke
them there. django-rest-knox keeps only the token's digest; the token is shown once."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renovation.models import ApiToken


def api_tokens_of(*, user) -> QuerySet:
    """The user's tokens, newest first (expired ones too, until revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created")


def api_token_create(
    *, user, name: str, days: int, requests_per_minute: int | None = None
) -> tuple[ApiToken, str]:
    """A new read-only token for `user`, valid for `days` days: the row and the token itself
    (shown once: only its digest is kept)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Name the token after who or what will use it.")
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = _("A token lasts from 1 to %(max)s days.") % {
            "max": settings.API_TOKEN_MAX_DAYS
        }
    rate = requests_per_minute or settings.API_TOKEN_REQUESTS_PER_MINUTE
    if not 1 <= rate <= 6000:
        errors["requests_per_minute"] = _("Allow between 1 and 6000 requests a minute.")
    if not user.is_active:
        errors["__all__"] = _("An inactive account cannot have API tokens.")
    if errors:
        raise ValidationError(errors)
    try:
        # The unique (user, name) constraint closes the race of two creations with one name.
        with transaction.atomic():
            return ApiToken.objects.create(
                user=user,
                expiry=datetime.timedelta(days=days),
                prefix=settings.REST_KNOX["TOKEN_PREFIX"],
                name=name,
                requests_per_minute=rate,
            )
    except IntegrityError as exc:
        raise ValidationError({"name": _("You already have a token with this name.")}) from exc


def api_token_revoke(*, user, digest: str) -> ApiToken:
    """Delete one of `user`'s tokens: it stops working at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, digest=digest).first()
        if token is None:
            raise ValidationError(_("There is no such token of yours; it may be revoked already."))
        token.delete()
    return token


def api_token_touch(token: ApiToken, *, every: int = 60) -> None:
    """Record that `token` was used, at most once every `every` seconds (a conditional UPDATE:
    a busy dashboard costs one write a minute, not one a request)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= every:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
