import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


@shared_task(name="projects.record_strikes")
def record_strikes() -> int:
    """Daily: a strike row per missed milestone (claimed once, so reruns are harmless)."""
    recorded = services.strikes_record()
    log.info("projects: %s strikes recorded", recorded)
    return recorded
