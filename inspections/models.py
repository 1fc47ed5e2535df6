"""Inspections: points (点位) of illegal structures, safety hazards and disorder, the patrols
that find and re-check them, their photos, and the append-only history of the rectification
workflow. The workflow itself (which step may follow which) lives in `inspections.services`."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A kind of inspection point. The list is data (seeded by a migration, edited in the
    admin), so a city can add its own kinds without a release."""

    class Group(models.TextChoices):
        ILLEGAL_STRUCTURE = "illegal_structure", _("Illegal structure")
        SAFETY_HAZARD = "safety_hazard", _("Safety hazard")
        DISORDER = "disorder", _("Disorder")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    default_deadline_days = models.PositiveSmallIntegerField(
        _("default notice deadline (days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Days a rectification notice gives the responsible party, unless set otherwise."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("inspection category")
        verbose_name_plural = _("inspection categories")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_deadline_days__gte=1),
                name="%(app_label)s_%(class)s_deadline_at_least_one_day",
                violation_error_message=_("The default deadline is at least one day."),
            ),
        ]

    def __str__(self):
        return f"{self.get_group_display()} · {self.name}"


class Status(models.TextChoices):
    FOUND = "found", _("Found")
    NOTICE_SERVED = "notice_served", _("Notice served")
    RECTIFIED_BY_PARTY = "rectified_by_party", _("Rectified by the party")
    DEMOLITION_AGREED = "demolition_agreed", _("Assisted demolition agreed")
    DEMOLISHED = "demolished", _("Demolished")
    OVERDUE = "overdue", _("Overdue")
    INTERVIEWED = "interviewed", _("Formal interview held")
    CASE_FILED = "case_filed", _("Case filed")
    ENFORCED = "enforced", _("Enforced")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


class Point(models.Model):
    """An inspection point (点位): one illegal structure, hazard or disorder at one place."""

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    estate = models.ForeignKey(
        "communities.Estate",
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="inspection_points",
    )
    building = models.ForeignKey(
        "communities.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_points",
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_points",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="points"
    )
    location = models.CharField(_("location"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area = models.DecimalField(
        _("area (m²)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    responsible_party = models.CharField(_("responsible party"), max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FOUND
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=50, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("found by"),
        on_delete=models.PROTECT,
        related_name="inspection_points_found",
    )
    found_at = models.DateTimeField(_("found at"))
    updated_at = models.DateTimeField(_("last step at"))

    region_lookup = "estate__community"

    class Meta:
        verbose_name = _("inspection point")
        verbose_name_plural = _("inspection points")
        ordering = ["-found_at", "-pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="inspections_point_status_dl")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
                violation_error_message=_("Latitude must be between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
                violation_error_message=_("Longitude must be between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(area__gte=0),
                name="%(app_label)s_%(class)s_area_not_negative",
                violation_error_message=_("The area cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["case_filed", "enforced"]) | ~Q(case_number=""),
                name="%(app_label)s_%(class)s_case_needs_number",
                violation_error_message=_("A filed case needs its case number."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["notice_served", "overdue"]) | Q(deadline__isnull=False),
                name="%(app_label)s_%(class)s_notice_needs_deadline",
                violation_error_message=_("A served notice needs a deadline."),
            ),
        ]

    def __str__(self):
        return f"{self.estate} · {self.category.name} · {self.location}"


class Step(models.Model):
    """One transition of a point's workflow. Append-only: rows are written once by
    `inspections.services` and never changed or deleted; the admin shows them read-only."""

    point = models.ForeignKey(
        Point, verbose_name=_("point"), on_delete=models.PROTECT, related_name="steps"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    # Null for steps the system takes by itself (the daily overdue check).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_steps",
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=50, blank=True)

    region_lookup = "point__estate__community"

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["point", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


def _photo_path(instance, filename):
    # A random name: photos are served through the scoped photo view, and a guessable media
    # path would be a way around it wherever the media folder is exposed.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"inspections/{instance.point_id}/{uuid.uuid4().hex}.{extension}"


class Photo(models.Model):
    """A photo of a point. Only the copy without metadata (no GPS, no device data) is stored,
    so nothing served can leak where a phone was."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        STEP = "step", _("During")
        AFTER = "after", _("After")

    point = models.ForeignKey(
        Point, verbose_name=_("point"), on_delete=models.PROTECT, related_name="photos"
    )
    step = models.ForeignKey(
        Step,
        verbose_name=_("step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    image = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    region_lookup = "point__estate__community"

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.point_id} · {self.get_kind_display()}"


class Patrol(models.Model):
    """A patrol round (巡查) of a grid worker over one estate."""

    estate = models.ForeignKey(
        "communities.Estate",
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        on_delete=models.PROTECT,
        related_name="inspection_patrols",
    )
    started_at = models.DateTimeField(_("started at"))
    note = models.TextField(_("note"), blank=True)
    points = models.ManyToManyField(
        Point, through="PatrolVisit", related_name="patrols", verbose_name=_("points")
    )

    region_lookup = "estate__community"

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.estate} · {self.worker} · {self.started_at:%Y-%m-%d}"


class PatrolVisit(models.Model):
    """A point found or re-checked on a patrol."""

    class Finding(models.TextChoices):
        FOUND = "found", _("Found")
        RECHECKED = "rechecked", _("Re-checked")

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.PROTECT, related_name="visits"
    )
    point = models.ForeignKey(
        Point, verbose_name=_("point"), on_delete=models.PROTECT, related_name="visits"
    )
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    region_lookup = "patrol__estate__community"

    class Meta:
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        ordering = ["patrol", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "point"],
                name="%(app_label)s_%(class)s_once_per_patrol",
                violation_error_message=_("This point is already on this patrol."),
            ),
        ]

    def __str__(self):
        return f"{self.patrol} · {self.point_id} · {self.get_finding_display()}"
