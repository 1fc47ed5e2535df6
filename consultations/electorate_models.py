"""The frozen electorate of a consultation: the dwellings that count, with their floor areas
and owner votes, copied from the registry when voting opens (`ElectorateEntry`), and each
freeze with who, when, why and what it changed (`ElectorateFreeze`). The services are in
`consultations/electorate.py`; the tally counts against these rows, never the registry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ElectorateFreeze(models.Model):
    """One freeze of a consultation's electorate: when voting opened, or an explicit re-freeze
    while it is open (with the reason). The entries hold the electorate as it stands now; each
    freeze keeps its totals and what it changed, so the history says who changed what, and why."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Voting opened")
        REFREEZE = "refreeze", _("Re-frozen by staff")
        MIGRATION = "migration", _("Frozen when the electorate snapshot was introduced")

    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="freezes",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    # The electorate after this freeze (what the tally divides by).
    dwellings = models.PositiveIntegerField(_("dwellings"))
    owner_votes = models.PositiveIntegerField(_("owner votes"))
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=12, decimal_places=2)
    # What this freeze changed: {"added": [...], "removed": [...], "area_changed": [...]},
    # each dwelling as {"id", "label", "area"} (and "old_area" for a changed area).
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    region_lookup = "consultation__estate__community"

    class Meta:
        verbose_name = _("electorate freeze")
        verbose_name_plural = _("electorate freezes")
        ordering = ["consultation", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="refreeze") | ~Q(reason=""),
                name="%(app_label)s_%(class)s_refreeze_has_reason",
                violation_error_message=_("Say why the electorate is re-frozen."),
            ),
        ]

    def __str__(self):
        return f"{self.consultation} · {self.frozen_at:%Y-%m-%d %H:%M}"


class ElectorateEntry(models.Model):
    """A dwelling of the frozen electorate, with the floor area (建筑面积) and the owner votes
    it counts for. One dwelling is one owner vote (the 司法解释 on 第278条), so `owner_votes` is
    1 unless the snapshot records otherwise; the tally sums it and never reads the registry."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="electorate",
    )
    # PROTECT: a frozen result must not change because a dwelling left the registry.
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="electorate_entries",
    )
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2)
    owner_votes = models.PositiveSmallIntegerField(_("owner votes"), default=1)

    region_lookup = "consultation__estate__community"

    class Meta:
        verbose_name = _("electorate entry")
        verbose_name_plural = _("electorate entries")
        ordering = ["consultation", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "household"],
                name="%(app_label)s_%(class)s_once_per_dwelling",
                violation_error_message=_("This dwelling is already in the electorate."),
            ),
            models.CheckConstraint(
                condition=Q(floor_area__gt=0),
                name="%(app_label)s_%(class)s_area_positive",
                violation_error_message=_("The floor area must be greater than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.consultation} · {self.household}"
