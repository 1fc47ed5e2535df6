import logging

from celery import shared_task

from consultations import services

log = logging.getLogger(__name__)


@shared_task(name="consultations.tasks.close_due")
def close_due() -> int:
    closed = services.consultations_close_due()
    if closed:
        log.info("closed %s consultation(s) whose voting period ended", closed)
    return closed
