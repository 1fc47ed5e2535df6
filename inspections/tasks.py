"""Thin Celery tasks calling inspections.services."""

import logging

from celery import shared_task

from inspections import services

logger = logging.getLogger(__name__)


@shared_task(name="inspections.mark_overdue_points")
def mark_overdue_points() -> int:
    """Daily: points whose notice deadline passed unmet become overdue. A rerun is harmless."""
    count = services.points_mark_overdue()
    logger.info("inspections: %s point(s) marked overdue", count)
    return count
