"""Subsidy policies and sharing schemes: the rules cities differ on, kept as data that staff
choose and edit, never as code. A row without a region is shipped with the portal and offered
everywhere; a row with a region is offered to that part of the tree."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SubsidyPolicy(models.Model):
    """What the government grants towards one elevator."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed amount per elevator")
        PERCENT = "percent", _("Percentage of the cost, with an optional cap")
        PER_FLOOR = "per_floor", _("Amount per served floor")

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "communities.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the policy applies; empty: offered everywhere."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Per elevator (fixed) or per served floor."),
    )
    percent = models.DecimalField(
        _("percentage of the cost"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    cap = models.DecimalField(_("cap (¥)"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    region_lookup = "region"

    class Meta:
        verbose_name = _("subsidy policy")
        verbose_name_plural = _("subsidy policies")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("A subsidy policy with this name already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["fixed", "per_floor"]) | Q(amount__gt=0),
                name="%(app_label)s_%(class)s_amount_for_fixed_and_per_floor",
                violation_error_message=_(
                    "A fixed or per-floor subsidy needs an amount greater than zero."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(percent__gt=0, percent__lte=100),
                name="%(app_label)s_%(class)s_percent_in_range",
                violation_error_message=_(
                    "A percentage subsidy needs a percentage above 0 and at most 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gt=0),
                name="%(app_label)s_%(class)s_cap_positive",
                violation_error_message=_("A cap must be greater than zero (or left empty)."),
            ),
        ]

    def __str__(self):
        return self.name


class SharingScheme(models.Model):
    """How the residents' part is split: a coefficient per floor, optionally times each
    dwelling's floor area, and what dwellings that pay nothing are owed."""

    class Compensation(models.TextChoices):
        FROM_SHARES = "from_shares", _("Paid from the other dwellings' shares")
        OWN_RULE = "own_rule", _("Settled by the scheme's own rule (recorded only)")

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "communities.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the scheme is offered; empty: everywhere."),
    )
    area_weighted = models.BooleanField(
        _("multiply by floor area"),
        default=False,
        help_text=_("Weight = floor coefficient × the dwelling's floor area."),
    )
    require_no_objection = models.BooleanField(
        _("consent needs no objection"),
        default=False,
        help_text=_("The consent vote fails if any affected dwelling disagrees."),
    )
    compensation_per_dwelling = models.DecimalField(
        _("compensation per non-paying dwelling (¥)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("Owed to each dwelling whose coefficient is 0 (usually the ground floors)."),
    )
    compensation_funding = models.CharField(
        _("compensation paid"),
        max_length=20,
        choices=Compensation.choices,
        default=Compensation.FROM_SHARES,
    )
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    region_lookup = "region"

    class Meta:
        verbose_name = _("sharing scheme")
        verbose_name_plural = _("sharing schemes")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("A sharing scheme with this name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(compensation_per_dwelling__gte=0),
                name="%(app_label)s_%(class)s_compensation_not_negative",
                violation_error_message=_("The compensation cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def coefficient_list(self) -> list[str]:
        """The coefficients from floor 1 up, as written (e.g. "0.7")."""
        return [f"{f.coefficient.normalize():f}" for f in self.floors.all()]


class SchemeFloor(models.Model):
    """One floor's coefficient in a scheme (e.g. 1F 0, 3F 0.7, 7F 1.1)."""

    scheme = models.ForeignKey(
        SharingScheme,
        verbose_name=_("sharing scheme"),
        on_delete=models.CASCADE,
        related_name="floors",
    )
    floor = models.PositiveSmallIntegerField(_("floor"))
    coefficient = models.DecimalField(_("coefficient"), max_digits=6, decimal_places=4)

    class Meta:
        verbose_name = _("floor coefficient")
        verbose_name_plural = _("floor coefficients")
        ordering = ["scheme", "floor"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "floor"],
                name="%(app_label)s_%(class)s_one_per_floor",
                violation_error_message=_("A scheme has one coefficient per floor."),
            ),
            models.CheckConstraint(
                condition=Q(floor__gte=1),
                name="%(app_label)s_%(class)s_floor_at_least_one",
                violation_error_message=_("The floor must be 1 or higher."),
            ),
            models.CheckConstraint(
                condition=Q(coefficient__gte=0),
                name="%(app_label)s_%(class)s_coefficient_not_negative",
                violation_error_message=_("A floor coefficient cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.floor}F × {self.coefficient}"
