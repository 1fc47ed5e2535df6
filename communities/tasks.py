"""Thin Celery tasks calling the registry import services (communities/importing/jobs.py)."""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from communities.importing import jobs

logger = logging.getLogger(__name__)


@shared_task(name="communities.import_job_check")
def import_job_check(job_id: int) -> None:
    """Check a long registry file and store its preview. A rerun checks it again, harmlessly."""
    try:
        jobs.import_job_check(job_id=job_id)
    except Exception:
        logger.exception("import job %s: the check failed", job_id)
        jobs.import_job_fail(job_id=job_id, message=_("The file could not be checked."))
        raise


@shared_task(name="communities.import_job_apply")
def import_job_apply(job_id: int) -> None:
    """Write a confirmed registry import. A rerun finds the job written and does nothing."""
    try:
        jobs.import_job_apply(job_id=job_id)
    except Exception:
        logger.exception("import job %s: writing failed; nothing was written", job_id)
        jobs.import_job_fail(
            job_id=job_id, message=_("The import failed; nothing was written. Try again.")
        )
        raise


@shared_task(name="communities.import_jobs_expire")
def import_jobs_expire() -> int:
    """Daily: drop the files of uploads nobody confirmed within a week."""
    count = jobs.import_jobs_expire()
    logger.info("communities: %s unconfirmed import(s) expired", count)
    return count
