"""Dates as the portal's users mean them: the calendar day in the portal's time zone
(`settings.TIME_ZONE`, Asia/Shanghai), never UTC's — between midnight and 08:00 in Shanghai,
UTC's date is still yesterday, and a deadline or a milestone would be a day off."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def today(now: datetime | None = None) -> date:
    """The local date in the portal's time zone: today's, or the date of moment `now`."""
    return timezone.localdate(now)


def day_end(day: date) -> datetime:
    """The first moment after `day` in the portal's time zone: a record stamped before it
    happened on or before `day`."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def weeks_until(*, until: date, weeks: int) -> list[tuple[date, date]]:
    """(Monday, as-of day) of `weeks` weeks ending with the one holding `until`, oldest first:
    a past week stands as of its Sunday, the last one as of `until`."""
    monday = until - timedelta(days=until.weekday())
    found = []
    for back in range(weeks - 1, -1, -1):
        start = monday - timedelta(weeks=back)
        found.append((start, min(start + timedelta(days=6), until)))
    return found
