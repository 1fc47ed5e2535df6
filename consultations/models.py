"""Consultations: what residents are asked, the ballots they (or staff, from paper) cast, the
per-dwelling access links that let them in without an account, and the objections lodged
while a result is publicised.

How a ballot is cast lives in `consultations/ballots.py` (`ballot_cast`), how the result is
counted in `consultations/tally.py` (`tally_compute`), how the electorate is frozen in
`consultations/electorate.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The frozen electorate lives in its own module; imported here so `consultations.models` has
# every model of the app.
from consultations.electorate_models import ElectorateEntry, ElectorateFreeze

__all__ = [
    "MAX_TEXT",
    "AccessLink",
    "Answer",
    "Attachment",
    "Ballot",
    "Choice",
    "Consultation",
    "ElectorateEntry",
    "ElectorateFreeze",
    "Objection",
    "Question",
]

# The longest free text a resident may write: an answer to a text question, an objection.
MAX_TEXT = 2000


class Consultation(models.Model):
    """A question put to the dwellings of an estate, a building or a stairwell."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Willingness survey")
        PLAN_CHOICE = "plan_choice", _("Plan choice")
        DECISION = "decision", _("Owner decision")
        SATISFACTION = "satisfaction", _("Satisfaction rating")
        IDEAS = "ideas", _("Idea collection")

    class Rule(models.TextChoices):
        MAJOR = "major", _("Major matter (2/3 participate, 3/4 approve)")
        ORDINARY = "ordinary", _("Ordinary matter (2/3 participate, more than 1/2 approve)")
        SIMPLE = "simple", _("Simple majority of ballots cast")
        NONE = "none", _("No decision rule (survey only)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Voting open")
        CLOSED = "closed", _("Voting closed")
        PUBLICITY = "publicity", _("In publicity")
        DECIDED = "decided", _("Decided")

    estate = models.ForeignKey(
        "communities.Estate",
        verbose_name=_("estate"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    # Narrower scopes: the estate is always stored too, so scoping is one path for all.
    building = models.ForeignKey(
        "communities.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    stairwell = models.ForeignKey(
        "communities.Stairwell",
        verbose_name=_("stairwell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description for residents"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    decision_rule = models.CharField(
        _("decision rule"), max_length=20, choices=Rule.choices, default=Rule.NONE
    )
    require_no_objection = models.BooleanField(
        _("no affected owner may object"),
        default=False,
        help_text=_("When set, a single 'no' ballot makes the decision fail."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    publicity_days = models.PositiveSmallIntegerField(_("publicity period (days)"), default=7)
    publicity_starts_at = models.DateTimeField(_("publicity starts"), null=True, blank=True)
    publicity_ends_at = models.DateTimeField(_("publicity ends"), null=True, blank=True)
    result_notice = models.TextField(_("publicity notice"), blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    region_lookup = "estate__community"

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="%(app_label)s_%(class)s_closes_after_opening",
                violation_error_message=_("Voting must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(stairwell__isnull=True) | Q(building__isnull=False),
                name="%(app_label)s_%(class)s_stairwell_needs_building",
                violation_error_message=_("A stairwell consultation must also name its building."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="decision") | ~Q(decision_rule="none"),
                name="%(app_label)s_%(class)s_decision_has_rule",
                violation_error_message=_("An owner decision needs a decision rule."),
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at

    @property
    def results_visible(self) -> bool:
        """Choices stay hidden from everyone until voting has closed."""
        return self.status in (self.Status.CLOSED, self.Status.PUBLICITY, self.Status.DECIDED)

    @property
    def scope_label(self) -> str:
        if self.stairwell_id:
            return str(self.stairwell)
        if self.building_id:
            return str(self.building)
        return str(self.estate)


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating 1–5")
        TEXT = "text", _("Free text")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.SINGLE)
    required = models.BooleanField(_("answer required"), default=True)
    min_choices = models.PositiveSmallIntegerField(_("at least (choices)"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("at most (choices)"), default=1)
    # The single-choice question whose yes/no/abstain answers the decision rule counts.
    is_decision = models.BooleanField(_("decides the matter"), default=False)

    region_lookup = "consultation__estate__community"

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["consultation", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_choices__lte=models.F("max_choices")),
                name="%(app_label)s_%(class)s_min_not_above_max",
                violation_error_message=_("'At least' cannot be more than 'at most'."),
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(is_decision=True),
                name="%(app_label)s_%(class)s_one_decision_question",
                violation_error_message=_("A consultation has only one deciding question."),
            ),
        ]

    def __str__(self):
        return self.text


class Choice(models.Model):
    class Meaning(models.TextChoices):
        NONE = "", _("—")
        YES = "yes", _("Agree")
        NO = "no", _("Disagree")
        ABSTAIN = "abstain", _("Abstain")

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("choice"), max_length=200)
    meaning = models.CharField(
        _("meaning"), max_length=10, choices=Meaning.choices, default="", blank=True
    )

    region_lookup = "question__consultation__estate__community"

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text


class Attachment(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="consultations/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    region_lookup = "consultation__estate__community"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["consultation", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_image(self) -> bool:
        return self.file.name.lower().rsplit(".", 1)[-1] in {"png", "jpg", "jpeg", "gif", "webp"}


class AccessLink(models.Model):
    """A dwelling's way in: the token itself is shown once (printed), only its sha256 is kept."""

    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.CASCADE,
        related_name="access_links",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    region_lookup = "household__stairwell__building__estate__community"

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")
        ordering = ["household", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(revoked_at__isnull=True),
                name="%(app_label)s_%(class)s_one_active_per_household",
                violation_error_message=_("This dwelling already has an active link; re-issue it."),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.issued_at:%Y-%m-%d}"


class Ballot(models.Model):
    """One submission for a dwelling. Only the latest (`is_current`) counts; earlier ones are
    kept as history, whatever the channel."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online (resident link)")
        PAPER = "paper", _("Paper ballot")
        DOOR_TO_DOOR = "door_to_door", _("Door to door")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="ballots",
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)
    is_current = models.BooleanField(_("counts"), default=True)
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    # A paper or door-to-door ballot that replaced a resident's online one says which, and why.
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replace_reason = models.TextField(_("why it replaces the online ballot"), blank=True)

    region_lookup = "consultation__estate__community"

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["consultation", "household", "-cast_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "household"],
                condition=Q(is_current=True),
                name="%(app_label)s_%(class)s_one_counted_per_household",
                violation_error_message=_("This dwelling already has a counted ballot."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="online") | Q(entered_by__isnull=True),
                name="%(app_label)s_%(class)s_online_has_no_clerk",
                violation_error_message=_(
                    "An online ballot is cast by the resident, not by staff."
                ),
            ),
            models.CheckConstraint(
                condition=Q(replace_reason="") | Q(replaces__isnull=False),
                name="%(app_label)s_%(class)s_reason_names_the_replaced",
                violation_error_message=_(
                    "A replacement reason belongs to a ballot that replaces one."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "is_current"], name="consult_ballot_current"),
        ]

    def __str__(self):
        return f"{self.consultation} · {self.household}"


class Answer(models.Model):
    class Moderation(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("choice"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, blank=True, default=""
    )

    region_lookup = "ballot__consultation__estate__community"

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["ballot", "question", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="%(app_label)s_%(class)s_rating_1_to_5",
                violation_error_message=_("A rating is from 1 to 5."),
            ),
            models.UniqueConstraint(
                fields=["ballot", "question", "choice"],
                name="%(app_label)s_%(class)s_choice_once_per_ballot",
                violation_error_message=_("A choice can be picked only once."),
            ),
        ]

    def __str__(self):
        if self.choice_id:
            return str(self.choice)
        return str(self.rating) if self.rating else self.text[:40]


class Objection(models.Model):
    """An objection lodged during publicity, and the staff's answer to it."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("objection"))
    lodged_at = models.DateTimeField(_("lodged at"), default=timezone.now)
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    region_lookup = "consultation__estate__community"

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["consultation", "lodged_at", "pk"]

    def __str__(self):
        return self.text[:40]
