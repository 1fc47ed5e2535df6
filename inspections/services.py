"""What inspections *do*: record points and patrols, and move a point along its rectification
workflow. The workflow is the table `TRANSITIONS`; `point_transition` is the only way a
point's status changes, and every change appends one `Step` (actor, time, note, photos).
Nothing here deletes anything."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Building, Estate, Household
from inspections.models import Category, Patrol, PatrolVisit, Photo, Point, Status, Step
from renovation import dates
from renovation.images import read_gps, strip_metadata, validate_image

S = Status

# found → notice served → rectified by the party | assisted demolition agreed → demolished
#   → verified → closed; a notice (or an agreement) whose deadline passes unmet → overdue
#   → formal interview → case filed → enforced → verified → closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.FOUND: (S.NOTICE_SERVED,),
    S.NOTICE_SERVED: (S.RECTIFIED_BY_PARTY, S.DEMOLITION_AGREED, S.OVERDUE),
    S.DEMOLITION_AGREED: (S.DEMOLISHED, S.OVERDUE),
    S.RECTIFIED_BY_PARTY: (S.VERIFIED,),
    S.DEMOLISHED: (S.VERIFIED,),
    S.OVERDUE: (S.INTERVIEWED,),
    S.INTERVIEWED: (S.CASE_FILED, S.RECTIFIED_BY_PARTY),
    S.CASE_FILED: (S.ENFORCED,),
    S.ENFORCED: (S.VERIFIED,),
    S.VERIFIED: (S.CLOSED,),
    S.CLOSED: (),
}

# States waiting on a deadline: when it passes unmet, the point is overdue.
DEADLINE_STATES = (S.NOTICE_SERVED, S.DEMOLITION_AGREED)
# States in which the problem has been removed (by the party, by demolition or by enforcement).
REMEDIED_STATES = (S.RECTIFIED_BY_PARTY, S.DEMOLISHED, S.ENFORCED, S.VERIFIED, S.CLOSED)
# Escalation after a missed deadline, until the problem is removed.
ESCALATED_STATES = (S.OVERDUE, S.INTERVIEWED, S.CASE_FILED)
# The steps that record the rectification itself; closing (销号) needs a second person.
RECTIFICATION_STATES = (S.RECTIFIED_BY_PARTY, S.DEMOLISHED, S.ENFORCED)


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a point in `status` may move to (the system's overdue step included)."""
    return TRANSITIONS.get(status, ())


def rectification_step(steps: Iterable[Step]) -> Step | None:
    """The latest step that recorded the rectification, among a point's steps (in order)."""
    found = None
    for step in steps:
        if step.to_status in RECTIFICATION_STATES:
            found = step
    return found


def close_refusal(*, steps: Iterable[Step], actor) -> str | None:
    """Why `actor` may not close (销号) a point with these steps, or None: the closing is
    checked by someone other than the person who recorded the rectification."""
    rectified = rectification_step(steps)
    if rectified is None or rectified.actor_id != getattr(actor, "pk", None):
        return None
    return _(
        "You recorded the rectification (%(step)s, %(day)s), so someone else must close the "
        "point: closing is checked by a second person."
    ) % {
        "step": S(rectified.to_status).label,
        "day": dates.today(rectified.at).isoformat(),
    }


def default_deadline(*, category: Category, today: date | None = None) -> date:
    """The deadline a notice gives unless the officer sets one: today + the category's days."""
    return (today or dates.today()) + timedelta(days=category.default_deadline_days)


def is_overdue(point: Point, *, today: date | None = None) -> bool:
    """Whether the point's deadline has passed unmet (or it was already marked overdue)."""
    if point.status == S.OVERDUE:
        return True
    return (
        point.status in DEADLINE_STATES
        and point.deadline is not None
        and point.deadline < (today or dates.today())
    )


def _save_photos(
    *, point: Point, step: Step | None, uploads: Sequence, kind: str, actor, now: datetime
) -> list[Photo]:
    """Stores the metadata-free copy of each (already validated) upload; the original with its
    GPS and device data is never written anywhere."""
    photos = []
    for upload in uploads:
        photo = Photo(point=point, step=step, kind=kind, uploaded_by=actor, uploaded_at=now)
        clean = strip_metadata(upload)
        photo.image.save(clean.name, clean, save=False)
        photo.save()
        photos.append(photo)
    return photos


def photos_validate(uploads: Iterable) -> list:
    """Every upload must be a readable JPEG/PNG/WebP within the size limit; all errors at once."""
    uploads = list(uploads or [])
    errors = []
    for upload in uploads:
        try:
            validate_image(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return uploads


def point_create(
    *,
    actor,
    estate: Estate,
    category: Category,
    location: str,
    building: Building | None = None,
    household: Household | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    area: Decimal | None = None,
    responsible_party: str = "",
    priority: int = Point.Priority.NORMAL,
    description: str = "",
    photos: Sequence = (),
    patrol: Patrol | None = None,
    now: datetime | None = None,
) -> Point:
    """Records a newly found point with its "before" photos. Without a location from the
    phone, the first photo carrying GPS in its EXIF supplies it."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = [
            _("Building %(building)s is not in %(estate)s.")
            % {"building": building.number, "estate": estate}
        ]
    if household is not None:
        if building is not None and household.stairwell.building_id != building.pk:
            errors["household"] = [_("This dwelling is not in the chosen building.")]
        elif household.stairwell.building.estate_id != estate.pk:
            errors["household"] = [_("This dwelling is not in %(estate)s.") % {"estate": estate}]
    if not category.is_active:
        errors["category"] = [_("This category is no longer in use; please choose another.")]
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    if not (location or "").strip():
        errors["location"] = [_("Describe where the point is (e.g. roof of building 3).")]
    if patrol is not None and patrol.estate_id != estate.pk:
        errors["patrol"] = [_("The patrol was over another estate.")]
    try:
        uploads = photos_validate(photos)
    except ValidationError as exc:
        errors["photos"] = exc.messages
    if errors:
        raise ValidationError(errors)

    if latitude is None:
        for upload in uploads:
            gps = read_gps(upload)
            if gps:
                latitude, longitude = gps
                break
    if household is not None and building is None:
        building = household.stairwell.building

    with transaction.atomic():
        point = Point.objects.create(
            estate=estate,
            building=building,
            household=household,
            category=category,
            location=location.strip(),
            latitude=latitude,
            longitude=longitude,
            area=area,
            responsible_party=responsible_party.strip(),
            priority=priority,
            description=description,
            status=S.FOUND,
            found_by=actor,
            found_at=now,
            updated_at=now,
        )
        step = Step.objects.create(
            point=point, from_status="", to_status=S.FOUND, actor=actor, at=now, note=description
        )
        _save_photos(
            point=point, step=step, uploads=uploads, kind=Photo.Kind.BEFORE, actor=actor, now=now
        )
        if patrol is not None:
            PatrolVisit.objects.create(
                patrol=patrol, point=point, finding=PatrolVisit.Finding.FOUND
            )
    return point


def point_transition(
    *,
    point: Point,
    actor,
    to_status: str,
    note: str = "",
    photos: Sequence = (),
    deadline: date | None = None,
    case_number: str = "",
    now: datetime | None = None,
    today: date | None = None,
) -> Step:
    """Moves `point` to `to_status` if the workflow allows it, appending one step.

    - notice served: a deadline (default: the category's days from today), never in the past;
    - overdue: only once the deadline has passed;
    - case filed: the case number is required;
    - verified: at least one "after" photo is required;
    - closed (销号): by someone other than the person who recorded the rectification.
    """
    now = now or timezone.now()
    today = today or dates.today(now)
    try:
        uploads = photos_validate(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    case_number = (case_number or "").strip()

    with transaction.atomic():
        # Two officers acting on the same point at once: the second sees the first's status.
        locked = Point.objects.select_for_update().select_related("category").get(pk=point.pk)
        current = locked.status
        if to_status not in S.values:
            raise ValidationError(
                {"to_status": _("Unknown status “%(status)s”.") % {"status": to_status}}
            )
        if to_status not in allowed_next(current):
            allowed = ", ".join(str(S(s).label) for s in allowed_next(current)) or _(
                "none: the point is closed"
            )
            raise ValidationError(
                {
                    "to_status": _(
                        "A point that is “%(current)s” cannot become “%(target)s”; next steps allowed: %(allowed)s."
                    )
                    % {
                        "current": S(current).label,
                        "target": S(to_status).label,
                        "allowed": allowed,
                    }
                }
            )
        errors: dict[str, list[str]] = {}
        new_deadline = locked.deadline
        if to_status == S.NOTICE_SERVED:
            new_deadline = deadline or default_deadline(category=locked.category, today=today)
        elif to_status == S.DEMOLITION_AGREED and deadline:
            new_deadline = deadline
        elif deadline:
            errors["deadline"] = [
                _("A deadline is set only when serving a notice or agreeing a demolition.")
            ]
        if to_status in (S.NOTICE_SERVED, S.DEMOLITION_AGREED) and deadline and deadline < today:
            errors["deadline"] = [
                _("The deadline %(deadline)s is in the past; choose today or a later day.")
                % {"deadline": deadline.isoformat()}
            ]
        if to_status == S.OVERDUE and not (locked.deadline and locked.deadline < today):
            errors["to_status"] = [
                _("The deadline %(deadline)s has not passed yet.")
                % {"deadline": locked.deadline.isoformat() if locked.deadline else "—"}
            ]
        if to_status == S.CASE_FILED and not case_number:
            errors["case_number"] = [_("Filing a case needs its case number.")]
        if to_status != S.CASE_FILED and case_number:
            errors["case_number"] = [_("A case number is entered only when filing a case.")]
        if to_status == S.CLOSED:
            refusal = close_refusal(steps=locked.steps.order_by("at", "pk"), actor=actor)
            if refusal:
                errors["to_status"] = [refusal]
        if to_status == S.VERIFIED and not uploads:
            errors["photos"] = [
                _("Verification needs at least one photo taken after the rectification.")
            ]
        if errors:
            raise ValidationError(errors)

        step = Step.objects.create(
            point=locked,
            from_status=current,
            to_status=to_status,
            actor=actor,
            at=now,
            note=note.strip(),
            deadline=new_deadline if new_deadline != locked.deadline else None,
            case_number=case_number,
        )
        kind = Photo.Kind.AFTER if to_status in REMEDIED_STATES else Photo.Kind.STEP
        _save_photos(point=locked, step=step, uploads=uploads, kind=kind, actor=actor, now=now)
        locked.status = to_status
        locked.deadline = new_deadline
        if case_number:
            locked.case_number = case_number
        locked.updated_at = now
        locked.save(update_fields=["status", "deadline", "case_number", "updated_at"])
    point.status, point.deadline, point.case_number, point.updated_at = (
        locked.status,
        locked.deadline,
        locked.case_number,
        locked.updated_at,
    )
    return step


def points_mark_overdue(*, today: date | None = None, now: datetime | None = None) -> int:
    """Marks every point whose deadline passed unmet as overdue, with a system step each.
    Safe to run twice or concurrently: the points are claimed by a locked, conditional update,
    so a point already marked (or claimed by another run) is skipped."""
    now = now or timezone.now()
    today = today or dates.today(now)
    with transaction.atomic():
        # Two beat runs at once (or a retry): SKIP LOCKED leaves the other run's rows alone, and
        # the status condition in the UPDATE makes a repeat a no-op.
        due = list(
            Point.objects.select_for_update(skip_locked=True)
            .filter(status__in=DEADLINE_STATES, deadline__lt=today)
            .values_list("pk", "status")
        )
        if not due:
            return 0
        claimed = Point.objects.filter(
            pk__in=[pk for pk, _ in due], status__in=DEADLINE_STATES
        ).update(status=S.OVERDUE, updated_at=now)
        Step.objects.bulk_create(
            Step(
                point_id=pk,
                from_status=status,
                to_status=S.OVERDUE,
                actor=None,
                at=now,
                note=_("Deadline passed unmet (daily check)."),
            )
            for pk, status in due
        )
    return claimed


def patrol_record(
    *,
    worker,
    estate: Estate,
    points: Iterable[Point] = (),
    note: str = "",
    started_at: datetime | None = None,
) -> Patrol:
    """Records a patrol round over `estate` with the points re-checked on it (points found on
    it are added by `point_create(patrol=...)`)."""
    points = list(points)
    strangers = [p for p in points if p.estate_id != estate.pk]
    if strangers:
        raise ValidationError(
            {
                "points": _("These points are not in %(estate)s: %(points)s.")
                % {"estate": estate, "points": ", ".join(str(p.pk) for p in strangers)}
            }
        )
    with transaction.atomic():
        patrol = Patrol.objects.create(
            estate=estate, worker=worker, started_at=started_at or timezone.now(), note=note.strip()
        )
        PatrolVisit.objects.bulk_create(
            PatrolVisit(patrol=patrol, point=p, finding=PatrolVisit.Finding.RECHECKED)
            for p in points
        )
    return patrol
