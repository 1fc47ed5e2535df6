"""The retrofit of one stairwell: its status (changed only by `services.retrofit_transition`,
each change one dated `RetrofitStep`), its consent vote, cost lines, subsidy and the dwellings
that declined to take part."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Retrofit(models.Model):
    """Adding an elevator to one stairwell (单元加装电梯)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONSENT_VOTE = "consent_vote", _("Consent vote")
        CONSENT_REACHED = "consent_reached", _("Consent reached")
        CONSENT_FAILED = "consent_failed", _("Consent failed")
        DESIGN = "design", _("Design")
        APPROVED = "approved", _("Approved (permit)")
        CONSTRUCTION = "construction", _("Under construction")
        INSPECTED = "inspected", _("Inspected")
        IN_SERVICE = "in_service", _("In service")

    stairwell = models.ForeignKey(
        "communities.Stairwell",
        verbose_name=_("stairwell"),
        on_delete=models.PROTECT,
        related_name="elevator_retrofits",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    status_changed_on = models.DateField(_("status since"))
    due_on = models.DateField(
        _("next step due by"),
        null=True,
        blank=True,
        help_text=_("When the next step should be reached; past it the retrofit is overdue."),
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consent vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scheme = models.ForeignKey(
        "elevators.SharingScheme",
        verbose_name=_("sharing scheme"),
        on_delete=models.PROTECT,
        related_name="retrofits",
    )
    subsidy_policy = models.ForeignKey(
        "elevators.SubsidyPolicy",
        verbose_name=_("subsidy policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retrofits",
    )
    subsidy_granted = models.DecimalField(
        _("subsidy granted (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The amount actually approved, when it differs from the policy's figure."),
    )
    served_floors = models.PositiveSmallIntegerField(
        _("served floors"),
        null=True,
        blank=True,
        help_text=_("Floors the elevator stops at (for per-floor subsidies); empty: all floors."),
    )
    # Kept by the services: the sum of the cost lines, and the effective subsidy for the cost
    # in force, so that the bureau's totals are plain SQL sums.
    estimated_cost = models.DecimalField(
        _("estimated cost (¥)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    final_cost = models.DecimalField(
        _("final cost (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Replaces the estimate once known; the shares follow it."),
    )
    subsidy = models.DecimalField(
        _("subsidy (¥)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    payment_due_on = models.DateField(
        _("shares due by"),
        null=True,
        blank=True,
        help_text=_("When a dwelling without an instalment plan pays its share."),
    )
    builder = models.CharField(_("builder"), max_length=150, blank=True)
    permit_number = models.CharField(_("permit number"), max_length=60, blank=True)
    annual_maintenance = models.DecimalField(
        _("yearly maintenance (¥)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    annual_electricity = models.DecimalField(
        _("yearly electricity (¥)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    running_scheme = models.ForeignKey(
        "elevators.SharingScheme",
        verbose_name=_("scheme for running costs"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the same scheme as the construction cost."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    region_lookup = "stairwell__building__estate__community"

    class Meta:
        verbose_name = _("elevator retrofit")
        verbose_name_plural = _("elevator retrofits")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stairwell"],
                name="%(app_label)s_%(class)s_one_per_stairwell",
                violation_error_message=_("This stairwell already has an elevator retrofit."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0)
                & (Q(final_cost__isnull=True) | Q(final_cost__gte=0)),
                name="%(app_label)s_%(class)s_cost_not_negative",
                violation_error_message=_("A cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(subsidy__gte=0)
                & (Q(subsidy_granted__isnull=True) | Q(subsidy_granted__gte=0)),
                name="%(app_label)s_%(class)s_subsidy_not_negative",
                violation_error_message=_("A subsidy cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(subsidy__lte=Coalesce(F("final_cost"), F("estimated_cost"))),
                name="%(app_label)s_%(class)s_subsidy_within_cost",
                violation_error_message=_("The subsidy cannot be more than the cost."),
            ),
            models.CheckConstraint(
                condition=Q(annual_maintenance__gte=0, annual_electricity__gte=0),
                name="%(app_label)s_%(class)s_running_costs_not_negative",
                violation_error_message=_("Running costs cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(served_floors__isnull=True) | Q(served_floors__gte=1),
                name="%(app_label)s_%(class)s_served_floors_at_least_one",
                violation_error_message=_("An elevator serves at least one floor."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="elevators_retrofit_due")]

    def __str__(self):
        return str(_("Elevator for %(stairwell)s") % {"stairwell": self.stairwell})

    @property
    def cost(self) -> Decimal:
        """The cost in force: the final cost once known, else the estimate."""
        return self.final_cost if self.final_cost is not None else self.estimated_cost

    @property
    def residents_total(self) -> Decimal:
        return self.cost - self.subsidy


S = Retrofit.Status
# Once consent is reached the money is committed: the subsidy counts, payments are taken.
PAST_CONSENT = (
    S.CONSENT_REACHED,
    S.DESIGN,
    S.APPROVED,
    S.CONSTRUCTION,
    S.INSPECTED,
    S.IN_SERVICE,
)
# Still moving: a retrofit in one of these may be overdue for its next step.
ACTIVE = (
    S.PROPOSED,
    S.CONSENT_VOTE,
    S.CONSENT_REACHED,
    S.DESIGN,
    S.APPROVED,
    S.CONSTRUCTION,
    S.INSPECTED,
)


class RetrofitStep(models.Model):
    """One change of status: when it happened, who recorded it and why."""

    retrofit = models.ForeignKey(
        Retrofit, verbose_name=_("retrofit"), on_delete=models.CASCADE, related_name="steps"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Retrofit.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Retrofit.Status.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consent vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
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
        verbose_name = _("retrofit step")
        verbose_name_plural = _("retrofit steps")
        ordering = ["retrofit", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class CostLine(models.Model):
    """One line of the cost estimate."""

    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment")
        CIVIL_WORKS = "civil_works", _("Civil works")
        PIPE_RELOCATION = "pipe_relocation", _("Pipe relocation")
        DESIGN = "design", _("Design")
        SUPERVISION = "supervision", _("Supervision")
        INSPECTION = "inspection", _("Inspection")
        OTHER = "other", _("Other")

    retrofit = models.ForeignKey(
        Retrofit, verbose_name=_("retrofit"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)

    region_lookup = "retrofit__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["retrofit", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_not_negative",
                violation_error_message=_("A cost line cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ¥{self.amount}"


class Decline(models.Model):
    """A dwelling that declined to take part (and pays nothing); `rejoined_on` closes it."""

    retrofit = models.ForeignKey(
        Retrofit, verbose_name=_("retrofit"), on_delete=models.CASCADE, related_name="declines"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declined_on = models.DateField(_("declined on"))
    reason = models.TextField(_("reason"), blank=True)
    rejoined_on = models.DateField(_("joined again on"), null=True, blank=True)
    rejoin_note = models.TextField(_("note on joining again"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    region_lookup = "retrofit__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("declined dwelling")
        verbose_name_plural = _("declined dwellings")
        ordering = ["retrofit", "declined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["retrofit", "household"],
                condition=Q(rejoined_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_dwelling",
                violation_error_message=_("This dwelling has already declined."),
            ),
            models.CheckConstraint(
                condition=Q(rejoined_on__isnull=True) | Q(rejoined_on__gte=F("declined_on")),
                name="%(app_label)s_%(class)s_rejoins_after_declining",
                violation_error_message=_("A dwelling joins again after it declined, not before."),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.declined_on}"
