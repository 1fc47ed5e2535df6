"""Registry import jobs: the services the import pages and the Celery tasks call.

upload → checked (the preview, with the column mapping staff may correct) → confirmed →
written. A file of up to INLINE_ROWS rows is checked and written inside the request (the
3,000-row template file takes about a second); a longer one is handed to a Celery worker,
which keeps `done`/`total` on the job row current for the page's progress bar."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.importing.applying import apply_plan
from communities.importing.columns import (
    BY_KEY,
    duplicate_targets,
    find_header,
    normalise_header,
)
from communities.importing.guard import ImportFileError
from communities.importing.preview import check_file, preview_of
from communities.importing.reading import read_table
from communities.models import ImportJob, ImportMapping, Membership
from renovation import access

logger = logging.getLogger(__name__)

INLINE_ROWS = 5_000
# An upload nobody confirmed is dropped (its file with its owners' names) after this long.
KEEP_UNCONFIRMED = timedelta(days=7)
# What the job page needs back after a step run in the request (not the uploaded file).
SHOWN = ["status", "mapping", "done", "total", "error", "preview", "plan_digest", "result"]
# pg_try_advisory_xact_lock(LOCK_SPACE, job id): one writer per job.
LOCK_SPACE = 0x1A7


# ---- the office's remembered mapping --------------------------------------------------------


def _office(user):
    """The region of the user's managing membership nearest the root (their office)."""
    memberships = [
        m
        for m in Membership.objects.filter(user=user).select_related("region")
        if access.MANAGE in access.ROLE_PERMS.get(m.role, set())
    ]
    memberships.sort(key=lambda m: (len(m.region.path), m.region.path))
    return memberships[0].region if memberships else None


def _mapping_row(user):
    office = _office(user)
    if office is not None:
        return ImportMapping.objects.filter(region=office).first(), {"region": office}
    return ImportMapping.objects.filter(user=user, region=None).first(), {"user": user}


def import_mapping_for(*, user) -> dict:
    """{normalised header: target} the user's office chose for earlier files."""
    row, _where = _mapping_row(user)
    return dict(row.headers) if row else {}


def import_mapping_remember(*, user, headers: list[str], targets: list[str]) -> None:
    row, where = _mapping_row(user)
    remembered = dict(row.headers) if row else {}
    for header, target in zip(headers, targets, strict=True):
        key = normalise_header(header)
        if key:
            remembered[key] = target
    defaults = {"headers": remembered}
    if "region" in where:
        defaults["user"] = user  # who saved it last
    # Two people of one office saving a mapping at once: the unique constraint keeps one row.
    ImportMapping.objects.update_or_create(**where, defaults=defaults)


# ---- progress -------------------------------------------------------------------------------


class Progress:
    """Writes done/total (and status) on the job row as the work goes. While the import's own
    transaction is open its writes are invisible to the page, so they go through a second
    connection of their own."""

    def __init__(self, job_id: int, *, separate: bool):
        self.job_id = job_id
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS) if separate else None
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        step = max(total // 50, 1)
        if done == total or done - self.last >= step or done < self.last:
            self.last = done
            self.write(done=done, total=total)

    def write(self, **fields) -> None:
        if self.conn is None:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
            return
        columns = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in fields)
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET {columns} WHERE id = %s",  # noqa: S608
                [*fields.values(), self.job_id],
            )

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# ---- the steps ------------------------------------------------------------------------------


def _reason(job: ImportJob) -> str:
    return _("Registry import #%(id)s: %(file)s") % {"id": job.pk, "file": job.filename}


def import_job_start(*, user, filename: str, data: bytes) -> ImportJob:
    """Read the upload (a file that cannot be read raises ImportFileError and leaves no job),
    then check it here or queue the check, by its length."""
    table = read_table(data, filename)
    header = find_header(table.rows, import_mapping_for(user=user))
    rows = len(table.rows) - (header + 1 if header is not None else 0)
    job = ImportJob.objects.create(user=user, filename=filename[:255], data=data, total=rows)
    if rows <= INLINE_ROWS:
        _check(job, table=table)
        job.refresh_from_db(fields=SHOWN)
    else:
        _queue(job, "check")
    return job


def _queue(job: ImportJob, step: str) -> None:
    from communities import tasks

    task = tasks.import_job_check if step == "check" else tasks.import_job_apply
    transaction.on_commit(lambda: task.delay(job.pk))


def import_job_check(*, job_id: int) -> None:
    """The Celery side of checking a long file."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=(ImportJob.Status.CHECK_QUEUED, ImportJob.Status.CHECKING)
    ).update(status=ImportJob.Status.CHECKING, done=0)
    if not claimed:
        logger.info("import job %s: nothing to check", job_id)
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    progress = Progress(job.pk, separate=False)
    try:
        _check(job, progress=progress)
    finally:
        progress.close()


def _check(job: ImportJob, *, table=None, progress=None, note: str = "") -> None:
    running = (ImportJob.Status.CHECK_QUEUED, ImportJob.Status.CHECKING)
    job_qs = ImportJob.objects.filter(pk=job.pk, status__in=running)
    try:
        table = table or read_table(bytes(job.data), job.filename)
        plan = check_file(
            user=job.user,
            table=table,
            remembered=import_mapping_for(user=job.user),
            mapping=job.mapping,
            progress=progress,
        )
    except ImportFileError as exc:
        job_qs.update(status=ImportJob.Status.FAILED, error=str(exc), finished_at=timezone.now())
        return
    # Only a check still wanted is stored (staff may have confirmed or re-mapped meanwhile).
    job_qs.update(
        status=ImportJob.Status.CHECKED,
        preview=preview_of(plan, table),
        mapping={
            "header_row": plan.header_row,
            "targets": [c.target for c in plan.columns],
            "replace_owners": bool((job.mapping or {}).get("replace_owners")),
        },
        plan_digest=plan.digest() if plan.ok else "",
        done=F("total"),
        error=note,
    )


def import_job_remap(
    *, job: ImportJob, user, targets: list[str] | None = None, replace_owners: bool | None = None
) -> ImportJob:
    """Staff corrected the column mapping in the preview (remembered for the office's next
    file), or chose what happens to registered owners the file does not name: check the file
    again with it."""
    if job.status != ImportJob.Status.CHECKED or not job.mapping:
        raise ValidationError(_("This import is not waiting for a mapping any more."))
    mapping = dict(job.mapping)
    if targets is not None:
        columns = job.preview["columns"]
        if len(targets) != len(columns) or any(t and t not in BY_KEY for t in targets):
            raise ValidationError(
                _("The mapping does not fit this file's columns. Reload the page.")
            )
        twice = duplicate_targets(targets)
        if twice:
            raise ValidationError(
                _("Each target may be chosen for one column only: %(targets)s.")
                % {"targets": "、".join(str(BY_KEY[t].label) for t in twice)}
            )
        headers = [c["header"] for c in columns]
        import_mapping_remember(user=user, headers=headers, targets=targets)
        mapping["targets"] = targets
    if replace_owners is not None:
        mapping["replace_owners"] = replace_owners
    job.mapping = mapping
    job.status = ImportJob.Status.CHECK_QUEUED
    job.save(update_fields=["mapping", "status"])
    if job.total <= INLINE_ROWS:
        _check(job)
        job.refresh_from_db(fields=SHOWN)
    else:
        _queue(job, "check")
    return job


def import_job_confirm(*, job: ImportJob, user) -> ImportJob:
    """Staff confirmed the preview: write it (here, or by a worker for a long file)."""
    preview = job.preview or {}
    if preview.get("error_count") or not preview.get("writes"):
        raise ValidationError(_("There is nothing to write until the problems are fixed."))
    # A double click or two tabs: the conditional update lets one confirmation through.
    claimed = ImportJob.objects.filter(
        pk=job.pk, user=user, status=ImportJob.Status.CHECKED
    ).update(status=ImportJob.Status.APPLY_QUEUED, error="", done=0)
    if not claimed:
        raise ValidationError(
            _("This import was confirmed already or has changed. Reload the page.")
        )
    if job.total <= INLINE_ROWS:
        try:
            import_job_apply(job_id=job.pk, separate_progress=False)
        except Exception:
            # Nothing was written (one transaction); the job must not wait for a worker.
            logger.exception("import job %s: writing failed", job.pk)
            import_job_fail(
                job_id=job.pk, message=_("The import failed; nothing was written. Try again.")
            )
    else:
        _queue(job, "apply")
    job.refresh_from_db(fields=SHOWN)
    return job


def import_job_apply(*, job_id: int, separate_progress: bool = True) -> None:
    """Check the file again under row locks and write it, all or nothing. When the registry
    changed since the preview, nothing is written and the new preview is shown instead."""
    progress = Progress(job_id, separate=separate_progress)
    outcome = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A redelivered or doubled task must not write the file twice: one writer
                # per job, holding this lock until it commits.
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_SPACE, job_id])
                if not cursor.fetchone()[0]:
                    logger.info("import job %s is being written by another worker", job_id)
                    return
            job = ImportJob.objects.select_related("user").get(pk=job_id)
            if job.status not in (ImportJob.Status.APPLY_QUEUED, ImportJob.Status.APPLYING):
                logger.info("import job %s: nothing to write (%s)", job_id, job.status)
                return
            progress.write(status=ImportJob.Status.APPLYING, done=0)
            table = read_table(bytes(job.data), job.filename)
            plan = check_file(
                user=job.user, table=table, remembered={}, mapping=job.mapping, lock=True
            )
            if not plan.ok or plan.digest() != job.plan_digest:
                outcome = "changed"
                transaction.set_rollback(True)
            else:
                counts = apply_plan(
                    plan=plan, user=job.user, reason=_reason(job), progress=progress
                )
                ImportJob.objects.filter(pk=job_id).update(
                    status=ImportJob.Status.DONE,
                    result=counts,
                    data=b"",
                    finished_at=timezone.now(),
                    done=F("total"),
                )
    except IntegrityError as exc:
        # Someone saved the same numbers between our check and the insert.
        logger.warning("import job %s: the registry changed while writing: %s", job_id, exc)
        outcome = "changed"
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED, error=str(exc))
    finally:
        progress.close()
    if outcome == "changed":
        _recheck(job_id)


def _recheck(job_id: int) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    job.status = ImportJob.Status.CHECK_QUEUED
    job.save(update_fields=["status"])
    _check(
        job,
        note=_(
            "The registry changed after the file was checked, so nothing was written. "
            "Here is the file checked again: look at it and confirm once more."
        ),
    )


def import_job_fail(*, job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def import_jobs_expire(*, now=None) -> int:
    """Drop the files of uploads left unconfirmed for KEEP_UNCONFIRMED (daily, from beat).
    A conditional update: a rerun, or a job confirmed meanwhile, is left alone."""
    cutoff = (now or timezone.now()) - KEEP_UNCONFIRMED
    return (
        ImportJob.objects.filter(
            created_at__lt=cutoff,
            status__in=(ImportJob.Status.CHECKED, ImportJob.Status.FAILED),
        )
        .exclude(data=b"")
        .update(
            data=b"",
            status=ImportJob.Status.FAILED,
            error=_("Not confirmed within a week: the file was removed. Upload it again."),
            finished_at=timezone.now(),
        )
    )
