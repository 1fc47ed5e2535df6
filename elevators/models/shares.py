"""The share table and the money: every version of a stairwell's share table is kept (with its
date and reason; one is current), each dwelling's share in it, the instalment schedule of that
share, the plan that shapes the schedule, and the payments received."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from elevators.models.retrofits import Retrofit

MONEY = {"max_digits": 12, "decimal_places": 2}


class ShareVersion(models.Model):
    """One version of a retrofit's share table, with the figures it was computed from."""

    class Reason(models.TextChoices):
        INITIAL = "initial", _("First share table")
        RECOMPUTED = "recomputed", _("Recomputed by staff")
        COST = "cost", _("Cost changed")
        SUBSIDY = "subsidy", _("Subsidy changed")
        SCHEME = "scheme", _("Sharing scheme changed")
        DECLINED = "declined", _("A dwelling declined")
        JOINED = "joined", _("A dwelling joined")

    retrofit = models.ForeignKey(
        Retrofit, verbose_name=_("retrofit"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    effective_on = models.DateField(_("effective from"))
    reason_kind = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reason = models.TextField(_("details"), blank=True)
    scheme = models.ForeignKey(
        "elevators.SharingScheme",
        verbose_name=_("sharing scheme"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cost = models.DecimalField(_("cost (¥)"), **MONEY)
    subsidy = models.DecimalField(_("subsidy (¥)"), **MONEY)
    residents_total = models.DecimalField(_("residents' total (¥)"), **MONEY)
    compensation_total = models.DecimalField(_("compensation (¥)"), default=Decimal("0"), **MONEY)
    amount_shared = models.DecimalField(
        _("amount shared (¥)"),
        help_text=_("The residents' total plus any compensation paid from the shares."),
        **MONEY,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    region_lookup = "retrofit__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("share table version")
        verbose_name_plural = _("share table versions")
        ordering = ["retrofit", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["retrofit", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("This version of the share table already exists."),
            ),
            models.UniqueConstraint(
                fields=["retrofit"],
                condition=Q(is_current=True),
                name="%(app_label)s_%(class)s_one_current",
                violation_error_message=_("A retrofit has one current share table."),
            ),
            models.CheckConstraint(
                condition=Q(residents_total=F("cost") - F("subsidy")),
                name="%(app_label)s_%(class)s_residents_pay_cost_less_subsidy",
                violation_error_message=_("The residents' total is the cost less the subsidy."),
            ),
            models.CheckConstraint(
                condition=Q(residents_total__gte=0, compensation_total__gte=0),
                name="%(app_label)s_%(class)s_totals_not_negative",
                violation_error_message=_("The subsidy cannot be more than the cost."),
            ),
        ]

    def __str__(self):
        return f"{self.retrofit} · v{self.number}"


class Share(models.Model):
    """One dwelling's line in a version of the share table (its figures frozen with it)."""

    class Kind(models.TextChoices):
        PAYING = "paying", _("Pays a share")
        ZERO = "zero", _("Coefficient 0: pays nothing")
        DECLINED = "declined", _("Declined: takes no share")

    version = models.ForeignKey(
        ShareVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="shares"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    floor = models.PositiveSmallIntegerField(_("floor"))
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2)
    coefficient = models.DecimalField(_("coefficient"), max_digits=6, decimal_places=4)
    # coefficient (4 places) × area (2 places): exact with 6 places.
    weight = models.DecimalField(_("weight"), max_digits=18, decimal_places=6)
    amount = models.DecimalField(_("share (¥)"), **MONEY)
    compensation = models.DecimalField(_("compensation owed (¥)"), default=Decimal("0"), **MONEY)

    region_lookup = "version__retrofit__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["version", "-floor", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "household"],
                name="%(app_label)s_%(class)s_one_per_dwelling",
                violation_error_message=_("A dwelling has one share per version."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, compensation__gte=0, weight__gte=0),
                name="%(app_label)s_%(class)s_not_negative",
                violation_error_message=_("A share cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(kind="paying") | Q(amount=0),
                name="%(app_label)s_%(class)s_only_paying_dwellings_pay",
                violation_error_message=_(
                    "A dwelling that declined or has coefficient 0 pays nothing."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.household} ¥{self.amount}"


class InstalmentPlan(models.Model):
    """How one dwelling pays its share: a down payment, then monthly instalments."""

    class InterestBorneBy(models.TextChoices):
        RESIDENT = "resident", _("The resident")
        BUILDER = "builder", _("The builder")

    retrofit = models.ForeignKey(
        Retrofit, verbose_name=_("retrofit"), on_delete=models.CASCADE, related_name="plans"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    down_payment = models.DecimalField(_("down payment (¥)"), default=Decimal("0"), **MONEY)
    months = models.PositiveSmallIntegerField(
        _("monthly instalments"),
        default=0,
        validators=[MaxValueValidator(120)],
        help_text=_("0: the whole share at once."),
    )
    first_due_on = models.DateField(_("first payment due"))
    interest_borne_by = models.CharField(
        _("interest borne by"),
        max_length=20,
        choices=InterestBorneBy.choices,
        default=InterestBorneBy.BUILDER,
    )
    annual_rate = models.DecimalField(
        _("yearly interest rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    region_lookup = "retrofit__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("instalment plan")
        verbose_name_plural = _("instalment plans")
        ordering = ["retrofit", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["retrofit", "household"],
                name="%(app_label)s_%(class)s_one_per_dwelling",
                violation_error_message=_("This dwelling already has an instalment plan."),
            ),
            models.CheckConstraint(
                condition=Q(down_payment__gte=0),
                name="%(app_label)s_%(class)s_down_payment_not_negative",
                violation_error_message=_("The down payment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(months__lte=120),
                name="%(app_label)s_%(class)s_at_most_120_months",
                violation_error_message=_("Instalments run for at most 120 months."),
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0, annual_rate__lte=24),
                name="%(app_label)s_%(class)s_rate_in_range",
                violation_error_message=_("The yearly interest rate is between 0 and 24%."),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.months}"


class Instalment(models.Model):
    """One row of a share's schedule; the principal of the rows adds up to the share."""

    share = models.ForeignKey(
        Share, verbose_name=_("share"), on_delete=models.CASCADE, related_name="schedule"
    )
    number = models.PositiveSmallIntegerField(_("instalment"))  # 0: the down payment
    due_on = models.DateField(_("due on"))
    principal = models.DecimalField(_("principal (¥)"), **MONEY)
    interest = models.DecimalField(_("interest (¥)"), default=Decimal("0"), **MONEY)

    region_lookup = "share__version__retrofit__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["share", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["share", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("This instalment already exists."),
            ),
            models.CheckConstraint(
                condition=Q(principal__gt=0, interest__gte=0),
                name="%(app_label)s_%(class)s_positive",
                violation_error_message=_("An instalment is more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.share} #{self.number} {self.due_on}"

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


class Payment(models.Model):
    """Money received from a dwelling towards its share (applied to its schedule in order)."""

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        CASH = "cash", _("Cash")
        MOBILE = "mobile", _("WeChat / Alipay")
        LOAN = "loan", _("Instalment loan (paid by the lender)")
        MAINTENANCE_FUND = "fund", _("Housing maintenance fund")

    retrofit = models.ForeignKey(
        Retrofit, verbose_name=_("retrofit"), on_delete=models.PROTECT, related_name="payments"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("amount (¥)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    reference = models.CharField(_("receipt or reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    region_lookup = "retrofit__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["retrofit", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="%(app_label)s_%(class)s_amount_positive",
                violation_error_message=_("A payment is more than zero."),
            ),
        ]
        indexes = [
            models.Index(fields=["retrofit", "household"], name="elevators_payment_dwelling"),
        ]

    def __str__(self):
        return f"{self.household} ¥{self.amount} {self.paid_on}"
