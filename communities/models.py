"""The registry: the administrative tree, estates down to households and owners, and staff
membership. Every scoped model names the path to its region in `region_lookup`, which is all
`renovation.access.scope_queryset` needs to know about it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """A node of the administrative tree: city → district → subdistrict → community."""

    class Level(models.IntegerChoices):
        CITY = 1, _("City")
        DISTRICT = 2, _("District")
        SUBDISTRICT = 3, _("Subdistrict")
        COMMUNITY = 4, _("Community")

    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("administrative code"), max_length=20, blank=True)
    # Materialized path of primary keys ("1.4.17."): "everything below X" is one indexed
    # prefix match, which every scoped query in the portal relies on.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    history = HistoricalRecords()
    region_lookup = ""

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_parent",
                violation_error_message=_("A region with this name already exists here."),
            ),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="%(app_label)s_%(class)s_only_cities_are_roots",
                violation_error_message=_("Only a city has no parent region."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["path"],
                name="communities_region_path_like",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path follows from the row and its parent alone; it needs the new pk, hence two steps.
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else ''}{self.pk}."
        if path != self.path:
            self.path = path
            Region.objects.filter(pk=self.pk).update(path=path)

    def clean(self):
        if self.parent_id and self.parent.level != self.level - 1:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit directly under a %(parent)s.")
                    % {
                        "level": self.get_level_display(),
                        "parent": Region.Level(self.level - 1).label,
                    }
                }
            )

    def ancestors(self):
        ids = [int(p) for p in self.path.split(".") if p]
        return Region.objects.filter(pk__in=ids).order_by("level")


class Estate(models.Model):
    """A residential estate (小区/院落): the unit of a renovation project."""

    class Management(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional property management")
        WORK_UNIT = "work_unit", _("Work-unit managed")
        SELF_MANAGED = "self_managed", _("Self-managed by residents")
        NONE = "none", _("Unmanaged")

    community = models.ForeignKey(
        Region,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="estates",
        limit_choices_to={"level": Region.Level.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=255)
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    management_type = models.CharField(
        _("management type"), max_length=20, choices=Management.choices, default=Management.NONE
    )
    property_company = models.CharField(_("property company"), max_length=150, blank=True)
    # WGS-84, as phones and GPS report it; maps on GCJ-02 tiles shift it only for drawing.
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS-84 degrees north, as a phone reports it, e.g. 31.190512."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS-84 degrees east, e.g. 121.462231."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    region_lookup = "community"

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_community",
                violation_error_message=_("This community already has an estate with this name."),
            ),
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
            # A location is a point: half of one would put the estate on the equator or the
            # prime meridian on every map.
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_location_both_or_neither",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self):
        return self.name


class Building(models.Model):
    """A building (楼栋) of an estate."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), on_delete=models.CASCADE, related_name="buildings"
    )
    number = models.CharField(_("building number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), validators=[MinValueValidator(1)])
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    history = HistoricalRecords()
    region_lookup = "estate__community"

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "number"],
                name="%(app_label)s_%(class)s_unique_number_in_estate",
                violation_error_message=_("This estate already has a building with this number."),
            ),
            models.CheckConstraint(
                condition=Q(floors__gte=1),
                name="%(app_label)s_%(class)s_floors_at_least_one",
                violation_error_message=_("A building has at least one floor."),
            ),
        ]

    def __str__(self):
        return _("%(estate)s building %(number)s") % {"estate": self.estate, "number": self.number}


class Stairwell(models.Model):
    """A stairwell (单元) of a building: the unit of an elevator retrofit and its vote."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="stairwells"
    )
    number = models.CharField(_("stairwell number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), validators=[MinValueValidator(1)])
    has_elevator = models.BooleanField(_("has elevator"), default=False)

    history = HistoricalRecords()
    region_lookup = "building__estate__community"

    class Meta:
        verbose_name = _("stairwell")
        verbose_name_plural = _("stairwells")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"],
                name="%(app_label)s_%(class)s_unique_number_in_building",
                violation_error_message=_(
                    "This building already has a stairwell with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(floors__gte=1),
                name="%(app_label)s_%(class)s_floors_at_least_one",
                violation_error_message=_("A stairwell serves at least one floor."),
            ),
        ]

    def __str__(self):
        return _("%(building)s, stairwell %(number)s") % {
            "building": self.building,
            "number": self.number,
        }

    def clean(self):
        if self.building_id and self.floors and self.floors > self.building.floors:
            raise ValidationError(
                {"floors": _("The building has only %(n)s floors.") % {"n": self.building.floors}}
            )


class Household(models.Model):
    """A dwelling (户, 专有部分): one dwelling is one owner vote and carries its floor area."""

    class Ownership(models.TextChoices):
        PRIVATE = "private", _("Private")
        PUBLIC_RENTAL = "public_rental", _("Public rental")
        OTHER = "other", _("Other")

    stairwell = models.ForeignKey(
        Stairwell, verbose_name=_("stairwell"), on_delete=models.CASCADE, related_name="households"
    )
    floor = models.PositiveSmallIntegerField(_("floor"), validators=[MinValueValidator(1)])
    room_number = models.CharField(_("room number"), max_length=20)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    ownership_type = models.CharField(
        _("ownership"), max_length=20, choices=Ownership.choices, default=Ownership.PRIVATE
    )
    occupants = models.PositiveSmallIntegerField(_("occupants"), default=0)

    history = HistoricalRecords()
    region_lookup = "stairwell__building__estate__community"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["stairwell", "floor", "room_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["stairwell", "room_number"],
                name="%(app_label)s_%(class)s_unique_room_in_stairwell",
                violation_error_message=_(
                    "This stairwell already has a dwelling with this room number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(floor_area__gt=0),
                name="%(app_label)s_%(class)s_area_positive",
                violation_error_message=_("The floor area must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(floor__gte=1),
                name="%(app_label)s_%(class)s_floor_at_least_one",
                violation_error_message=_("The floor must be 1 or higher."),
            ),
        ]
        # "floor within the stairwell's floors" spans two tables: a trigger in migration 0002
        # enforces it in the database; clean() gives the same rule a friendly message.

    def __str__(self):
        return _("%(stairwell)s, room %(room)s") % {
            "stairwell": self.stairwell,
            "room": self.room_number,
        }

    def clean(self):
        if self.stairwell_id and self.floor and self.floor > self.stairwell.floors:
            raise ValidationError(
                {"floor": _("The stairwell has only %(n)s floors.") % {"n": self.stairwell.floors}}
            )


class Owner(models.Model):
    """An owner (业主) of a dwelling. Name and phone are personal data: masked outside the
    owning scope and never in the API's aggregate endpoints."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="owners"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_primary = models.BooleanField(_("primary owner"), default=True)

    history = HistoricalRecords()
    region_lookup = "household__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["household", "-is_primary", "name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A staff member's role at one node of the tree: they see everything below it."""

    class Role(models.TextChoices):
        BUREAU = "bureau", _("Housing bureau")
        DISTRICT = "district", _("District staff")
        SUBDISTRICT = "subdistrict", _("Subdistrict (street office) staff")
        COMMUNITY = "community", _("Community staff")
        GRID_WORKER = "grid_worker", _("Grid worker")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    region_lookup = "region"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region", "role"],
                name="%(app_label)s_%(class)s_unique_role_at_node",
                violation_error_message=_("This user already holds this role here."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.region}"


class ImportJob(models.Model):
    """One registry file on its way in: uploaded, checked (the preview staff confirm), written.
    The file itself is kept in the row (not on disk) so that a Celery worker on another host
    can read it; it is dropped once the job has finished. Large files are checked and written
    by a worker, which keeps `done`/`total` current for the page's progress bar."""

    class Status(models.TextChoices):
        CHECK_QUEUED = "check_queued", _("Waiting to be checked")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked: waiting for confirmation")
        APPLY_QUEUED = "apply_queued", _("Waiting to be written")
        APPLYING = "applying", _("Writing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.CHECK_QUEUED, Status.CHECKING, Status.APPLY_QUEUED, Status.APPLYING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"), default=b"")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CHECK_QUEUED
    )
    # Target key per column of the file ("" = ignored), as detected or as staff corrected it.
    mapping = models.JSONField(_("column mapping"), null=True, blank=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    error = models.TextField(_("error"), blank=True)
    preview = models.JSONField(_("preview"), null=True, blank=True)
    # Fingerprint of what the preview promised to write: the import is refused when the
    # registry changed between the preview and the confirmation.
    plan_digest = models.CharField(max_length=64, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # Not scoped by region: a job is its uploader's own, and its pages look it up by user.

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")),
                name="%(app_label)s_%(class)s_done_within_total",
                violation_error_message=_("An import cannot have done more rows than it has."),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.filename}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def status_label(self) -> str:
        """The status as the pages say it: a checked file has problems, nothing to change, or
        waits for its confirmation."""
        preview = self.preview or {}
        if self.status == self.Status.CHECKED and preview.get("error_count"):
            return str(_("Checked: problems to fix"))
        if self.status == self.Status.CHECKED and not preview.get("writes"):
            return str(_("Checked: nothing changes"))
        return self.get_status_display()

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


class ImportMapping(models.Model):
    """An office's column mapping, remembered for its next file: {normalised header: target
    key, "" for a column it ignores}. One per office region (the region of the user's managing
    membership); a user without one (a superuser) keeps their own."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_mappings",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_mappings",
    )
    headers = models.JSONField(_("headers"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    region_lookup = "region"

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(region__isnull=False),
                name="%(app_label)s_%(class)s_one_per_region",
                violation_error_message=_("This office already has a column mapping."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(region__isnull=True),
                name="%(app_label)s_%(class)s_one_per_user_without_region",
                violation_error_message=_("This user already has a column mapping."),
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=False) | Q(user__isnull=False),
                name="%(app_label)s_%(class)s_region_or_user",
                violation_error_message=_("A column mapping belongs to an office or a user."),
            ),
        ]

    def __str__(self):
        return str(self.region or self.user)
