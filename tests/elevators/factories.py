"""Retrofits built through the real services, and consent votes run to a decided result."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from consultations import services as consultation_services
from elevators import cost_services, services
from elevators.models import CostLine, SchemeFloor, SharingScheme, SubsidyPolicy
from tests.consultations.factories import vote

D = Decimal


def make_scheme(coefficients, *, name=None, area_weighted=False, compensation="0", **extra):
    """A sharing scheme with one coefficient per floor (floor 1 first)."""
    scheme = SharingScheme.objects.create(
        name=name or f"方案{SharingScheme.objects.count() + 1}-{coefficients}",
        area_weighted=area_weighted,
        compensation_per_dwelling=D(compensation),
        **extra,
    )
    SchemeFloor.objects.bulk_create(
        SchemeFloor(scheme=scheme, floor=i, coefficient=D(str(c)))
        for i, c in enumerate(coefficients, start=1)
    )
    return scheme


def make_policy(kind="fixed", *, amount=None, percent=None, cap=None, name=None):
    return SubsidyPolicy.objects.create(
        name=name or f"补贴{SubsidyPolicy.objects.count() + 1}",
        kind=kind,
        amount=D(amount) if amount is not None else None,
        percent=D(percent) if percent is not None else None,
        cap=D(cap) if cap is not None else None,
    )


def make_retrofit(user, stairwell, *, scheme=None, policy=None, costs=("600000",), **extra):
    """A proposed retrofit with one cost line per amount in `costs`."""
    scheme = scheme or make_scheme([0, 0, "0.7", "0.8", "0.9", "1.0", "1.1"][: stairwell.floors])
    retrofit = services.retrofit_create(
        user=user, stairwell=stairwell, scheme=scheme, subsidy_policy=policy, **extra
    )
    for amount in costs:
        cost_services.cost_line_save(
            retrofit=retrofit,
            line=CostLine(kind=CostLine.Kind.EQUIPMENT, amount=D(amount)),
            actor=user,
        )
    retrofit.refresh_from_db()
    return retrofit


def run_consent(retrofit, user, *, yes, no=(), abstain=()):
    """Start the consent vote, cast the given ballots and take it to a decided result."""
    now = timezone.now()
    start = now - timedelta(days=30)
    retrofit = services.retrofit_consent_start(
        retrofit=retrofit,
        actor=user,
        opens_at=start,
        closes_at=start + timedelta(days=10),
    )
    consultation = retrofit.consultation
    consultation_services.consultation_open(consultation=consultation, now=start)
    for meaning, households in (("yes", yes), ("no", no), ("abstain", abstain)):
        for household in households:
            vote(consultation, household, meaning, now=start + timedelta(hours=1))
    consultation_services.consultation_close(
        consultation=consultation, now=start + timedelta(days=10)
    )
    consultation_services.consultation_publish(
        consultation=consultation, notice="表决结果公示", days=7, now=start + timedelta(days=11)
    )
    consultation_services.consultation_decide(
        consultation=consultation, now=start + timedelta(days=19)
    )
    retrofit.refresh_from_db()
    return retrofit
