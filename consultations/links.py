"""Resident access links: each dwelling gets a link (printed as a QR code on the paper notice)
that opens a voting session for that dwelling. Only the token's sha256 is stored; issuing a new
link revokes the old one, and a revoked or re-issued link stops working at once."""

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from communities.models import Household
from consultations.models import AccessLink


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_links_issue(
    *, households: QuerySet, issued_by=None, now: datetime | None = None
) -> list[tuple[Household, str]]:
    """Issue a fresh link for each dwelling, revoking its previous one. The plain tokens are
    returned once, for printing; only their sha256 is stored."""
    now = now or timezone.now()
    with transaction.atomic():
        # Re-issuing the same dwelling twice at once: the row locks order the two issues.
        locked = list(
            households.select_for_update(of=("self",))
            .select_related("stairwell__building")
            .order_by("stairwell__building__number", "stairwell__number", "floor", "room_number")
        )
        ids = [h.pk for h in locked]
        AccessLink.objects.filter(household_id__in=ids, revoked_at__isnull=True).update(
            revoked_at=now
        )
        issued = [(h, secrets.token_urlsafe(24)) for h in locked]
        AccessLink.objects.bulk_create(
            AccessLink(household=h, token_hash=token_hash(t), issued_at=now, issued_by=issued_by)
            for h, t in issued
        )
    return issued


def access_link_issue(
    *, household: Household, issued_by=None, now: datetime | None = None
) -> tuple[AccessLink, str]:
    """(Re-)issue one dwelling's link; the old one stops working at once."""
    [(household, token)] = access_links_issue(
        households=Household.objects.filter(pk=household.pk), issued_by=issued_by, now=now
    )
    return AccessLink.objects.get(token_hash=token_hash(token)), token


def access_link_revoke(*, household: Household, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return AccessLink.objects.filter(household=household, revoked_at__isnull=True).update(
        revoked_at=now
    )


def access_link_resolve(
    *, token: str, now: datetime | None = None, touch: bool = True
) -> AccessLink | None:
    """The active link for `token`, or None (wrong, revoked or re-issued). `touch` records
    the use (a resident opening it; not staff printing its QR code)."""
    if not token or len(token) > 100:
        return None
    link = (
        AccessLink.objects.select_related("household__stairwell__building__estate")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if link is not None and touch:
        AccessLink.objects.filter(pk=link.pk).update(last_used_at=now or timezone.now())
    return link


def access_link_for_session(*, link_id: int, household_id: int) -> AccessLink | None:
    """The link that opened a resident session, while it is still active (revoking or
    re-issuing it ends the session at the next request)."""
    return (
        AccessLink.objects.select_related("household__stairwell__building__estate")
        .filter(pk=link_id, household_id=household_id, revoked_at__isnull=True)
        .first()
    )
