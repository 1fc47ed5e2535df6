"""The portal's own tables: API tokens for machine clients (the bureau's dashboards)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


def default_rate() -> int:
    return settings.API_TOKEN_REQUESTS_PER_MINUTE


class ApiToken(AbstractAuthToken):
    """A read-only API token (django-rest-knox's model, swapped in by KNOX_TOKEN_MODEL): only
    its digest is stored, the token itself is shown once when it is created. It reads what its
    owner may read and never writes (`read_only`), until `expiry`, at most
    `requests_per_minute` requests a minute. Revoking deletes it."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who or what uses it, e.g. the district dashboard.")
    )
    expiry = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=default_rate,
        validators=[MinValueValidator(1), MaxValueValidator(6000)],
    )

    # Checked by renovation.drf.RolePermission: a token never writes, whatever its owner may.
    read_only = True

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="%(app_label)s_%(class)s_unique_name_per_user",
                violation_error_message=_("You already have a token with this name."),
            ),
            models.CheckConstraint(
                condition=Q(requests_per_minute__gte=1, requests_per_minute__lte=6000),
                name="%(app_label)s_%(class)s_rate_in_range",
                violation_error_message=_("Allow between 1 and 6000 requests a minute."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expiry <= timezone.now()
