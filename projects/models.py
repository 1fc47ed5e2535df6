"""Renovation programmes and projects: one project per estate per programme, its works items,
funding lines, milestones, progress reports with photos, complaints and acceptance.

Every scoped model names its path to a `communities.Region` in `region_lookup`, which is all
`renovation.access.scope_queryset` needs. Rules that must always hold are database constraints;
the workflow and the cross-row rules live in `projects.services`."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from communities.models import Estate, Region

ZERO = Decimal("0")
PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class Programme(models.Model):
    """A yearly batch (批次) of renovation projects covering one node of the tree."""

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region covered"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    target_estates = models.PositiveIntegerField(_("target estates"), default=0)
    target_households = models.PositiveIntegerField(_("target households"), default=0)
    target_investment = models.DecimalField(
        _("target investment (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    satisfaction_threshold = models.DecimalField(
        _("satisfaction threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80.00"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "A project is completed only with a resident satisfaction rate at or above this."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    region_lookup = "region"

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-year", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_region",
                violation_error_message=_("This region already has a programme with this name."),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_threshold__gte=0, satisfaction_threshold__lte=100),
                name="%(app_label)s_%(class)s_threshold_percent",
                violation_error_message=_("The satisfaction threshold must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=Q(target_investment__gte=0),
                name="%(app_label)s_%(class)s_investment_not_negative",
                violation_error_message=_("The target investment cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name


class Project(models.Model):
    """The renovation of one estate within one programme ("一小区一方案")."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONSULTING = "consulting", _("Consulting residents")
        DESIGNING = "designing", _("Designing")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        ACCEPTING = "accepting", _("Acceptance")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")

    class AcceptanceResult(models.TextChoices):
        PENDING = "", _("Not yet accepted")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="projects"
    )
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.PROTECT, related_name="projects"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # Where a suspended project goes back to when it resumes.
    resume_status = models.CharField(
        _("status before suspension"), max_length=20, choices=Status.choices, blank=True
    )
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    buildings_covered = models.PositiveIntegerField(_("buildings covered"), default=0)
    households_covered = models.PositiveIntegerField(_("households covered"), default=0)
    official_name = models.CharField(_("responsible official"), max_length=50)
    official_phone = models.CharField(_("official's phone"), max_length=20, blank=True)
    contractor = models.CharField(_("contractor"), max_length=150, blank=True)
    designer = models.CharField(_("designer"), max_length=150, blank=True)
    supervisor = models.CharField(_("supervisor"), max_length=150, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    planned_completion_date = models.DateField(_("planned completion date"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    acceptance_date = models.DateField(_("professional acceptance date"), null=True, blank=True)
    acceptance_result = models.CharField(
        _("professional acceptance result"),
        max_length=10,
        blank=True,
        choices=AcceptanceResult.choices,
        default=AcceptanceResult.PENDING,
    )
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    satisfaction_rate = models.DecimalField(
        _("resident satisfaction rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    region_lookup = "estate__community"

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["programme", "estate__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "estate"],
                name="%(app_label)s_%(class)s_one_per_estate_per_programme",
                violation_error_message=_("This estate already has a project in this programme."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(planned_completion_date__isnull=True)
                | Q(planned_completion_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
                violation_error_message=_(
                    "The planned completion date cannot be before the start date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="suspended") | ~Q(suspension_reason=""),
                name="%(app_label)s_%(class)s_suspension_has_reason",
                violation_error_message=_("A suspended project needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_rate__isnull=True)
                | Q(satisfaction_rate__gte=0, satisfaction_rate__lte=100),
                name="%(app_label)s_%(class)s_satisfaction_percent",
                violation_error_message=_("The satisfaction rate must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=~Q(status="completed")
                | Q(acceptance_result="passed", satisfaction_rate__isnull=False),
                name="%(app_label)s_%(class)s_completed_needs_acceptance",
                violation_error_message=_(
                    "A project can be completed only after passing professional acceptance "
                    "and the resident satisfaction rating."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status"], name="projects_project_status")]

    def __str__(self):
        return f"{self.estate} · {self.programme}"


class WorksCategory(models.TextChoices):
    BASIC = "basic", _("Basic")
    IMPROVEMENT = "improvement", _("Improvement")
    ENHANCEMENT = "enhancement", _("Enhancement")


class Unit(models.TextChoices):
    METRE = "m", _("m")
    SQUARE_METRE = "m2", _("m²")
    PIECES = "pcs", _("pcs")
    SETS = "sets", _("sets")
    ITEMS = "items", _("items")


class WorksType(models.Model):
    """A kind of works in the configurable catalogue (seeded by migration 0002)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=WorksCategory.choices)
    default_unit = models.CharField(_("default unit"), max_length=10, choices=Unit.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("works type")
        verbose_name_plural = _("works catalogue")
        ordering = ["category", "sort_order", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_category_display()})"


class WorksItem(models.Model):
    """One item of a project's works: what, how much, at what budget, how far along."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="works_items"
    )
    works_type = models.ForeignKey(
        WorksType, verbose_name=_("works type"), on_delete=models.PROTECT, related_name="items"
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    budget = models.DecimalField(
        _("budget (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=PERCENT_VALIDATORS
    )

    region_lookup = "project__estate__community"

    class Meta:
        verbose_name = _("works item")
        verbose_name_plural = _("works items")
        ordering = ["project", "works_type__category", "works_type__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="%(app_label)s_%(class)s_quantity_not_negative",
                violation_error_message=_("The quantity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="%(app_label)s_%(class)s_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="%(app_label)s_%(class)s_progress_percent",
                violation_error_message=_("Progress must be between 0 and 100%."),
            ),
        ]

    def __str__(self):
        return self.description or self.works_type.name


class FundingLine(models.Model):
    """Money for a project from one source; the project budget is the sum of its lines."""

    class Source(models.TextChoices):
        CENTRAL = "central", _("Central subsidy")
        PROVINCIAL = "provincial", _("Provincial funds")
        MUNICIPAL = "municipal", _("Municipal funds")
        DISTRICT = "district", _("District funds")
        UTILITY = "utility", _("Utility companies")
        SOCIAL = "social", _("Social capital")
        RESIDENTS = "residents", _("Residents' contributions")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding_lines"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    amount = models.DecimalField(
        _("amount (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    per_household = models.DecimalField(
        _("per household (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("For residents' contributions: what each household pays."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    region_lookup = "project__estate__community"

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["project", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source"],
                name="%(app_label)s_%(class)s_one_line_per_source",
                violation_error_message=_(
                    "This project already has a funding line for this source."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(per_household__isnull=True) | Q(per_household__gte=0),
                name="%(app_label)s_%(class)s_per_household_not_negative",
                violation_error_message=_("The amount per household cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"


class Milestone(models.Model):
    """A planned step of a project. Unfinished after its planned date, it is overdue and one
    strike against the project's responsible official."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=100)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    region_lookup = "project__estate__community"

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "planned_date", "sort_order", "pk"]
        indexes = [
            models.Index(
                fields=["planned_date"],
                condition=Q(actual_date__isnull=True),
                name="projects_milestone_open",
            )
        ]

    def __str__(self):
        return self.name


class Strike(models.Model):
    """A missed milestone recorded against the official responsible at the time (written by the
    daily task; one row per milestone, so a rerun is harmless)."""

    milestone = models.OneToOneField(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="strike"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="strikes"
    )
    official_name = models.CharField(_("responsible official"), max_length=50)
    official_phone = models.CharField(_("official's phone"), max_length=20, blank=True)
    recorded_on = models.DateField(_("recorded on"))

    region_lookup = "project__estate__community"

    class Meta:
        verbose_name = _("strike")
        verbose_name_plural = _("strikes")
        ordering = ["-recorded_on", "pk"]

    def __str__(self):
        return f"{self.official_name} · {self.milestone}"


class ProgressReport(models.Model):
    """A dated report of how far each works item has come, with photos."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    report_date = models.DateField(_("report date"))
    note = models.TextField(_("note"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    region_lookup = "project__estate__community"

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-report_date", "-pk"]

    def __str__(self):
        return f"{self.project} · {self.report_date}"


class ProgressEntry(models.Model):
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    works_item = models.ForeignKey(
        WorksItem, verbose_name=_("works item"), on_delete=models.CASCADE, related_name="entries"
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=PERCENT_VALIDATORS)

    region_lookup = "report__project__estate__community"

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["report", "works_item"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "works_item"],
                name="%(app_label)s_%(class)s_one_per_item",
                violation_error_message=_("This report already gives progress for this item."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="%(app_label)s_%(class)s_progress_percent",
                violation_error_message=_("Progress must be between 0 and 100%."),
            ),
        ]

    def __str__(self):
        return f"{self.works_item_id}: {self.progress}%"


class ProgressPhoto(models.Model):
    """A site photo, stored stripped of its metadata (no GPS, no device data)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(_("photo"), upload_to="projects/progress/%Y/%m/")

    region_lookup = "report__project__estate__community"

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["report", "pk"]

    def __str__(self):
        return self.image.name


class Complaint(models.Model):
    """A resident complaint about a project (e.g. through the 12345 city hotline)."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("City hotline 12345")
        LETTERS = "letters", _("Letters and visits")
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        OTHER = "other", _("Other")

    class Category(models.TextChoices):
        QUALITY = "quality", _("Construction quality")
        SAFETY = "safety", _("Safety")
        NOISE = "noise", _("Noise and dust")
        SCHEDULE = "schedule", _("Delays")
        SCOPE = "scope", _("Scope of works")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="complaints"
    )
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    text = models.TextField(_("complaint"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    region_lookup = "project__estate__community"

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("received_on")),
                name="%(app_label)s_%(class)s_resolved_after_received",
                violation_error_message=_("A complaint cannot be resolved before it was received."),
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | ~Q(reply=""),
                name="%(app_label)s_%(class)s_resolution_has_reply",
                violation_error_message=_("A resolved complaint needs a reply."),
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.received_on}"
