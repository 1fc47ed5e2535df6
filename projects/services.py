"""What the projects app does: the status workflow, the acceptance gate, progress reports with
photos, and recording strikes for missed milestones. Every write is atomic and refuses bad
input with a message a person can act on; nothing is half-saved."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from renovation import dates
from renovation.images import strip_metadata, validate_image

from .models import (
    Complaint,
    FundingLine,
    Milestone,
    Programme,
    ProgressEntry,
    ProgressPhoto,
    ProgressReport,
    Project,
    Strike,
    WorksItem,
)

S = Project.Status

# The workflow: where a project may go from each status. Suspension is possible from any
# active status; a suspended project resumes to where it was.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (S.CONSULTING, S.SUSPENDED),
    S.CONSULTING: (S.DESIGNING, S.SUSPENDED),
    S.DESIGNING: (S.UNDER_CONSTRUCTION, S.SUSPENDED),
    S.UNDER_CONSTRUCTION: (S.ACCEPTING, S.SUSPENDED),
    S.ACCEPTING: (S.COMPLETED, S.UNDER_CONSTRUCTION, S.SUSPENDED),
    S.SUSPENDED: (),  # resumes to `resume_status` only
    S.COMPLETED: (),
}


def allowed_transitions(project: Project) -> list[str]:
    """The statuses `project` may move to next."""
    if project.status == S.SUSPENDED:
        return [project.resume_status] if project.resume_status else []
    return list(TRANSITIONS.get(project.status, ()))


def acceptance_problems(project: Project) -> list[str]:
    """Why `project` cannot be completed yet (empty when it can)."""
    problems = []
    if project.acceptance_result != Project.AcceptanceResult.PASSED:
        problems.append(_("it has not passed professional acceptance"))
    threshold = project.programme.satisfaction_threshold
    if project.satisfaction_rate is None:
        problems.append(_("no resident satisfaction rate has been entered"))
    elif project.satisfaction_rate < threshold:
        problems.append(
            _(
                "the resident satisfaction rate %(rate)s%% is below the programme's threshold of "
                "%(threshold)s%%"
            )
            % {"rate": project.satisfaction_rate, "threshold": threshold}
        )
    return problems


@transaction.atomic
def project_transition(
    *, project: Project, to_status: str, reason: str = "", today: datetime.date | None = None
) -> Project:
    """Move `project` to `to_status` if the workflow allows it; refuse with a clear message."""
    # Lock the row: two clerks pressing buttons at once must not both move it.
    project = Project.objects.select_for_update().select_related("programme").get(pk=project.pk)
    labels = dict(S.choices)
    if to_status not in labels:
        raise ValidationError(_("“%(status)s” is not a project status.") % {"status": to_status})
    if to_status not in allowed_transitions(project):
        allowed = ", ".join(str(labels[s]) for s in allowed_transitions(project)) or _("none")
        raise ValidationError(
            _(
                "A project that is “%(current)s” cannot move to “%(target)s”. Allowed next: "
                "%(allowed)s."
            )
            % {"current": labels[project.status], "target": labels[to_status], "allowed": allowed},
            code="transition_refused",
        )
    if to_status == S.SUSPENDED:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Give a reason for suspending the project."), code="no_reason")
        project.resume_status = project.status
        project.suspension_reason = reason
    elif project.status == S.SUSPENDED:
        project.resume_status = ""
        project.suspension_reason = ""
    if to_status == S.COMPLETED:
        problems = acceptance_problems(project)
        if problems:
            raise ValidationError(
                _("The project cannot be completed: %(problems)s.")
                % {"problems": "; ".join(problems)},
                code="acceptance_gate",
            )
        project.completed_on = today or dates.today()
    project.status = to_status
    project.full_clean()
    project.save()
    return project


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def programme_save(*, programme: Programme) -> Programme:
    return _save(programme)


@transaction.atomic
def project_save(*, project: Project) -> Project:
    """Create or update a project's plan (not its status: that goes through the workflow)."""
    if project.pk is None:
        project.status = S.PLANNED
    if project.programme_id and project.estate_id:
        estate_path = project.estate.community.path
        if not estate_path.startswith(project.programme.region.path):
            raise ValidationError(
                {
                    "estate": _("%(estate)s is not in %(region)s, which this programme covers.")
                    % {"estate": project.estate, "region": project.programme.region}
                }
            )
    return _save(project)


@transaction.atomic
def works_item_save(*, item: WorksItem) -> WorksItem:
    if item.works_type_id and not item.unit:
        item.unit = item.works_type.default_unit
    return _save(item)


@transaction.atomic
def funding_line_save(*, line: FundingLine) -> FundingLine:
    if line.source != FundingLine.Source.RESIDENTS and line.per_household is not None:
        raise ValidationError(
            {"per_household": _("An amount per household is only for residents' contributions.")}
        )
    return _save(line)


@transaction.atomic
def milestone_save(*, milestone: Milestone, today: datetime.date | None = None) -> Milestone:
    if milestone.actual_date and milestone.actual_date > (today or dates.today()):
        raise ValidationError(
            {
                "actual_date": _(
                    "The actual date cannot be in the future; record it when it happens."
                )
            }
        )
    return _save(milestone)


@transaction.atomic
def acceptance_record(
    *,
    project: Project,
    acceptance_date: datetime.date | None,
    acceptance_result: str,
    satisfaction_rate: Decimal | None,
    note: str = "",
    today: datetime.date | None = None,
) -> Project:
    """Record professional acceptance and the resident satisfaction rate."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if acceptance_date and acceptance_date > (today or dates.today()):
        raise ValidationError(
            {"acceptance_date": _("The acceptance date cannot be in the future.")}
        )
    if acceptance_result and not acceptance_date:
        raise ValidationError(
            {"acceptance_date": _("Give the date of the professional acceptance.")}
        )
    if project.start_date and acceptance_date and acceptance_date < project.start_date:
        raise ValidationError(
            {"acceptance_date": _("The acceptance date cannot be before the project's start date.")}
        )
    project.acceptance_date = acceptance_date
    project.acceptance_result = acceptance_result
    project.satisfaction_rate = satisfaction_rate
    project.acceptance_note = note
    return _save(project)


@transaction.atomic
def complaint_save(*, complaint: Complaint, today: datetime.date | None = None) -> Complaint:
    today = today or dates.today()
    if complaint.received_on and complaint.received_on > today:
        raise ValidationError({"received_on": _("The received date cannot be in the future.")})
    if complaint.resolved_on and complaint.resolved_on > today:
        raise ValidationError({"resolved_on": _("The resolved date cannot be in the future.")})
    return _save(complaint)


@transaction.atomic
def complaint_resolve(
    *,
    complaint: Complaint,
    resolved_on: datetime.date,
    reply: str,
    today: datetime.date | None = None,
) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not (reply or "").strip():
        raise ValidationError({"reply": _("Write the reply given to the resident.")})
    complaint.resolved_on = resolved_on
    complaint.reply = reply.strip()
    return complaint_save(complaint=complaint, today=today)


@transaction.atomic
def progress_report_create(
    *,
    project: Project,
    report_date: datetime.date,
    progress: dict[int, int] | None = None,
    photos: Sequence = (),
    note: str = "",
    reporter=None,
    today: datetime.date | None = None,
) -> ProgressReport:
    """A dated report: `progress` maps works item ids of `project` to a percentage (0–100).
    Photos are validated and stored stripped of metadata. The items take the reported progress
    unless a later report already exists for them."""
    today = today or dates.today()
    errors: dict[str, list[str]] = {}
    if report_date > today:
        errors.setdefault("report_date", []).append(_("The report date cannot be in the future."))
    if project.start_date and report_date < project.start_date:
        errors.setdefault("report_date", []).append(
            _("The report date cannot be before the project's start date (%(date)s).")
            % {"date": project.start_date}
        )
    items = {item.pk: item for item in WorksItem.objects.filter(project=project)}
    cleaned: dict[int, int] = {}
    for item_id, value in (progress or {}).items():
        item = items.get(int(item_id))
        if item is None:
            errors.setdefault("progress", []).append(
                _("Works item %(id)s does not belong to this project.") % {"id": item_id}
            )
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 100:
            errors.setdefault("progress", []).append(
                _("Progress for “%(item)s” must be a whole number between 0 and 100.")
                % {"item": item}
            )
            continue
        cleaned[item.pk] = value
    for photo in photos:
        try:
            validate_image(photo)
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
    if not cleaned and not photos and not note.strip() and not errors:
        errors.setdefault("progress", []).append(
            _("A report needs progress for at least one works item, a photo or a note.")
        )
    if errors:
        raise ValidationError(errors)

    report = ProgressReport.objects.create(
        project=project, report_date=report_date, note=note.strip(), reporter=reporter
    )
    ProgressEntry.objects.bulk_create(
        ProgressEntry(report=report, works_item_id=item_id, progress=value)
        for item_id, value in cleaned.items()
    )
    for photo in photos:
        ProgressPhoto.objects.create(report=report, image=strip_metadata(photo))
    # An older report entered late must not overwrite what a newer one said.
    newer = ProgressEntry.objects.filter(
        Q(report__report_date__gt=report_date)
        | Q(report__report_date=report_date, report__pk__gt=report.pk),
        works_item_id__in=list(cleaned),
    ).values_list("works_item_id", flat=True)
    stale = set(newer)
    for item_id, value in cleaned.items():
        if item_id not in stale:
            WorksItem.objects.filter(pk=item_id).update(progress=value)
    return report


def strikes_record(*, today: datetime.date | None = None) -> int:
    """Record a strike row for every milestone missed by `today` that has none yet, against the
    project's current official. Returns how many milestones were newly recorded; a rerun
    records nothing new."""
    today = today or dates.today()
    missed = list(
        Milestone.objects.filter(planned_date__lt=today, strike__isnull=True)
        .filter(Q(actual_date__isnull=True) | Q(actual_date__gt=F("planned_date")))
        .values_list("pk", "project_id", "project__official_name", "project__official_phone")
    )
    rows = [
        Strike(
            milestone_id=pk,
            project_id=project_id,
            official_name=name,
            official_phone=phone,
            recorded_on=today,
        )
        for pk, project_id, name, phone in missed
    ]
    # The one-to-one on milestone claims each strike once: a concurrent or repeated run that
    # picked the same milestones inserts nothing for them.
    Strike.objects.bulk_create(rows, ignore_conflicts=True)
    return Strike.objects.filter(
        milestone_id__in=[row.milestone_id for row in rows], recorded_on=today
    ).count()
