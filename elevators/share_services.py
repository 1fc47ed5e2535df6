"""The share table of a retrofit: computing a version (every earlier version is kept, with its
date and reason; one is current) with each paying dwelling's schedule, and dwellings declining
and joining again. Plans and payments build on it in `elevators/payment_services.py`.

Each write locks the retrofit's row first: a recompute, a plan change and a payment for the same
stairwell then happen one after the other, never interleaved.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities.models import Household
from elevators.models import (
    Decline,
    Instalment,
    InstalmentPlan,
    Retrofit,
    Share,
    ShareVersion,
    SharingScheme,
)
from elevators.sharing import Claimant, allocate_fen, from_fen, schedule_rows, to_fen
from renovation import dates

Kind = Share.Kind
Reason = ShareVersion.Reason


def dwelling_label(household: Household) -> str:
    return _("room %(room)s (floor %(floor)s)") % {
        "room": household.room_number,
        "floor": household.floor,
    }


def check_in_stairwell(retrofit: Retrofit, household: Household) -> None:
    """Refuse a dwelling that is not in the retrofit's stairwell."""
    if household.stairwell_id != retrofit.stairwell_id:
        raise ValidationError(
            {
                "household": _(
                    "%(dwelling)s is in %(other)s, not in this retrofit's stairwell "
                    "(%(stairwell)s)."
                )
                % {
                    "dwelling": dwelling_label(household),
                    "other": household.stairwell,
                    "stairwell": retrofit.stairwell,
                }
            }
        )


def check_not_future(on: date, field: str = "on") -> None:
    if on > dates.today():
        raise ValidationError({field: _("The date %(on)s is in the future.") % {"on": on}})


def lock_retrofit(retrofit: Retrofit) -> Retrofit:
    """The retrofit's row, locked until the transaction ends (every write to its money)."""
    return (
        Retrofit.objects.select_for_update(of=("self",))
        .select_related("scheme")
        .get(pk=retrofit.pk)
    )


# ---------------------------------------------------------------------------------------------
# The share table
# ---------------------------------------------------------------------------------------------


@dataclass
class DraftLine:
    household: Household
    kind: str
    coefficient: Decimal
    weight: Decimal
    amount_fen: int = 0
    compensation_fen: int = 0


@dataclass
class Draft:
    """A share table as it would be computed now (nothing saved)."""

    scheme: SharingScheme
    cost_fen: int
    subsidy_fen: int
    compensation_fen: int
    amount_shared_fen: int
    lines: list[DraftLine]

    @property
    def residents_total_fen(self) -> int:
        return self.cost_fen - self.subsidy_fen


def weights_draft(
    *, scheme: SharingScheme, households: list[Household], declined: set[int]
) -> list[DraftLine]:
    """Each dwelling's coefficient and weight under `scheme`; refuses a floor without one."""
    coefficients = dict(scheme.floors.values_list("floor", "coefficient"))
    missing = sorted({h.floor for h in households} - coefficients.keys())
    if missing:
        raise ValidationError(
            {
                "scheme": _(
                    "The sharing scheme “%(scheme)s” has no coefficient for floor %(floors)s; "
                    "give every floor of the stairwell one."
                )
                % {"scheme": scheme, "floors": ", ".join(str(f) for f in missing)}
            }
        )
    lines = []
    for h in households:
        coefficient = coefficients[h.floor]
        weight = coefficient * h.floor_area if scheme.area_weighted else coefficient
        if h.pk in declined:
            lines.append(DraftLine(h, Kind.DECLINED, coefficient, Decimal("0")))
        else:
            lines.append(
                DraftLine(h, Kind.PAYING if weight > 0 else Kind.ZERO, coefficient, weight)
            )
    return lines


def allocate(total_fen: int, lines: list[DraftLine], *, scheme: SharingScheme) -> None:
    """Give each paying line its part of `total_fen` (largest remainder, exact sum)."""
    paying = [line for line in lines if line.kind == Kind.PAYING]
    if total_fen > 0 and not paying:
        raise ValidationError(
            {
                "scheme": _(
                    "Under the sharing scheme “%(scheme)s” every taking-part dwelling's weight "
                    "is zero, so nobody would pay the ¥%(total)s."
                )
                % {"scheme": scheme, "total": from_fen(total_fen)}
            }
        )
    shares = allocate_fen(
        total_fen,
        [
            Claimant(
                line.household.pk,
                Fraction(line.weight),
                line.household.floor,
                line.household.room_number,
            )
            for line in paying
        ],
    )
    for line in paying:
        line.amount_fen = shares[line.household.pk]


def share_draft(retrofit: Retrofit) -> Draft:
    """The share table `retrofit` would get now, from its cost in force, subsidy, scheme and
    the dwellings that declined. Refuses (with the reason) what cannot be shared."""
    scheme = retrofit.scheme
    households = list(
        Household.objects.filter(stairwell_id=retrofit.stairwell_id).order_by(
            "floor", "room_number", "pk"
        )
    )
    if not households:
        raise ValidationError(
            _("The stairwell has no dwellings in the registry; add them before sharing the cost.")
        )
    declined = set(
        retrofit.declines.filter(rejoined_on__isnull=True).values_list("household_id", flat=True)
    )
    lines = weights_draft(scheme=scheme, households=households, declined=declined)
    cost_fen, subsidy_fen = to_fen(retrofit.cost), to_fen(retrofit.subsidy)
    if subsidy_fen > cost_fen:
        raise ValidationError(
            {
                "subsidy_granted": _(
                    "The subsidy (¥%(subsidy)s) is more than the cost (¥%(cost)s)."
                )
                % {"subsidy": retrofit.subsidy, "cost": retrofit.cost}
            }
        )
    compensation_each = to_fen(scheme.compensation_per_dwelling)
    compensation_fen = 0
    for line in lines:
        if line.kind == Kind.ZERO:
            line.compensation_fen = compensation_each
            compensation_fen += compensation_each
    amount_shared = cost_fen - subsidy_fen
    if scheme.compensation_funding == SharingScheme.Compensation.FROM_SHARES:
        amount_shared += compensation_fen
    allocate(amount_shared, lines, scheme=scheme)
    return Draft(scheme, cost_fen, subsidy_fen, compensation_fen, amount_shared, lines)


def _same_as_current(draft: Draft, current: ShareVersion | None) -> bool:
    if current is None:
        return False
    if (
        current.scheme_id != draft.scheme.pk
        or to_fen(current.cost) != draft.cost_fen
        or to_fen(current.subsidy) != draft.subsidy_fen
    ):
        return False
    stored = {
        s.household_id: (s.kind, to_fen(s.amount), to_fen(s.compensation))
        for s in current.shares.all()
    }
    wanted = {
        line.household.pk: (line.kind, line.amount_fen, line.compensation_fen)
        for line in draft.lines
    }
    return stored == wanted


def share_table_compute(
    *,
    retrofit: Retrofit,
    reason_kind: str,
    reason: str = "",
    actor=None,
    on: date | None = None,
    only_if_changed: bool = False,
) -> ShareVersion | None:
    """A new current version of the share table (the previous one is kept, no longer current),
    with each paying dwelling's schedule. With `only_if_changed`, nothing is written (and None
    returned) when the table would come out exactly as the current one."""
    on = on or dates.today()
    with transaction.atomic():
        # A recompute racing another recompute or a payment: the row lock orders them, and the
        # partial unique constraint keeps a single current version.
        retrofit = lock_retrofit(retrofit)
        draft = share_draft(retrofit)
        current = retrofit.versions.filter(is_current=True).first()
        if only_if_changed and _same_as_current(draft, current):
            return None
        number = (
            retrofit.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        retrofit.versions.filter(is_current=True).update(is_current=False)
        version = ShareVersion.objects.create(
            retrofit=retrofit,
            number=number,
            is_current=True,
            effective_on=on,
            reason_kind=reason_kind,
            reason=reason.strip(),
            scheme=draft.scheme,
            cost=from_fen(draft.cost_fen),
            subsidy=from_fen(draft.subsidy_fen),
            residents_total=from_fen(draft.residents_total_fen),
            compensation_total=from_fen(draft.compensation_fen),
            amount_shared=from_fen(draft.amount_shared_fen),
            created_by=actor,
        )
        shares = Share.objects.bulk_create(
            Share(
                version=version,
                household=line.household,
                kind=line.kind,
                floor=line.household.floor,
                floor_area=line.household.floor_area,
                coefficient=line.coefficient,
                weight=line.weight,
                amount=from_fen(line.amount_fen),
                compensation=from_fen(line.compensation_fen),
            )
            for line in draft.lines
        )
        assert sum(to_fen(s.amount) for s in shares) == draft.amount_shared_fen
        _schedules_create(retrofit, version, shares)
    return version


def share_table_follow(
    *, retrofit: Retrofit, reason_kind: str, reason: str, actor=None, on: date | None = None
) -> ShareVersion | None:
    """After a change that may move the shares: a new version if a share table exists and
    its figures change; nothing before the first table has been computed."""
    if not retrofit.versions.exists():
        return None
    return share_table_compute(
        retrofit=retrofit,
        reason_kind=reason_kind,
        reason=reason,
        actor=actor,
        on=on,
        only_if_changed=True,
    )


# ---------------------------------------------------------------------------------------------
# Schedules and plans
# ---------------------------------------------------------------------------------------------


def schedule_of(retrofit: Retrofit, version: ShareVersion, share: Share, plan) -> list:
    """The unsaved instalment rows of `share`: shaped by the dwelling's plan, or one row on the
    retrofit's due date (else the version's date) when it has none."""
    if share.kind != Kind.PAYING:
        return []
    if plan is None:
        terms = {
            "down_payment_fen": 0,
            "months": 0,
            "first_due_on": retrofit.payment_due_on or version.effective_on,
        }
    else:
        terms = {
            "down_payment_fen": to_fen(plan.down_payment),
            "months": plan.months,
            "first_due_on": plan.first_due_on,
            "annual_rate": plan.annual_rate
            if plan.interest_borne_by == InstalmentPlan.InterestBorneBy.RESIDENT
            else Decimal("0"),
        }
    return [
        Instalment(
            share=share,
            number=row.number,
            due_on=row.due_on,
            principal=from_fen(row.principal_fen),
            interest=from_fen(row.interest_fen),
        )
        for row in schedule_rows(share_fen=to_fen(share.amount), **terms)
    ]


def _schedules_create(retrofit: Retrofit, version: ShareVersion, shares: list[Share]) -> None:
    plans = {p.household_id: p for p in retrofit.plans.all()}
    Instalment.objects.bulk_create(
        row
        for share in shares
        for row in schedule_of(retrofit, version, share, plans.get(share.household_id))
    )


def schedules_follow_due_date(retrofit: Retrofit) -> None:
    """The due date for dwellings without a plan moved: rewrite their rows in the current
    table (the shares themselves do not change, so no new version)."""
    version = retrofit.versions.filter(is_current=True).first()
    if version is None:
        return
    planned = retrofit.plans.values("household_id")
    shares = list(version.shares.filter(kind=Kind.PAYING).exclude(household_id__in=planned))
    Instalment.objects.filter(share__in=shares).delete()
    Instalment.objects.bulk_create(
        row for share in shares for row in schedule_of(retrofit, version, share, None)
    )


# ---------------------------------------------------------------------------------------------
# Declining and joining again
# ---------------------------------------------------------------------------------------------


def decline_record(
    *, retrofit: Retrofit, household: Household, on: date, reason: str = "", actor=None
) -> Decline:
    """The dwelling takes no share from `on`; the others' shares are recomputed."""
    check_in_stairwell(retrofit, household)
    check_not_future(on, "declined_on")
    try:
        with transaction.atomic():
            retrofit = lock_retrofit(retrofit)
            decline = Decline.objects.create(
                retrofit=retrofit,
                household=household,
                declined_on=on,
                reason=reason.strip(),
                recorded_by=actor,
            )
            share_table_follow(
                retrofit=retrofit,
                reason_kind=Reason.DECLINED,
                reason=_("%(dwelling)s declined. %(reason)s")
                % {"dwelling": dwelling_label(household), "reason": reason.strip()},
                actor=actor,
                on=on,
            )
    except IntegrityError as exc:
        # Two clerks recording the same decline: the partial unique constraint refuses the second.
        raise ValidationError(
            {
                "household": _("%(dwelling)s has already declined.")
                % {"dwelling": dwelling_label(household)}
            }
        ) from exc
    return decline


def rejoin_record(
    *, retrofit: Retrofit, household: Household, on: date, note: str = "", actor=None
) -> Decline:
    """A dwelling that declined takes part again: it pays its share from `on`."""
    check_in_stairwell(retrofit, household)
    check_not_future(on, "rejoined_on")
    with transaction.atomic():
        retrofit = lock_retrofit(retrofit)
        decline = (
            Decline.objects.select_for_update()
            .filter(retrofit=retrofit, household=household, rejoined_on__isnull=True)
            .first()
        )
        if decline is None:
            raise ValidationError(
                {
                    "household": _("%(dwelling)s has not declined, so it cannot join again.")
                    % {"dwelling": dwelling_label(household)}
                }
            )
        if on < decline.declined_on:
            raise ValidationError(
                {
                    "rejoined_on": _("It declined on %(declined)s; it cannot join again before.")
                    % {"declined": decline.declined_on}
                }
            )
        decline.rejoined_on, decline.rejoin_note = on, note.strip()
        decline.save(update_fields=["rejoined_on", "rejoin_note"])
        # It pays from now on: its first payment is due when it joins (or when shares fall due).
        first_due = max(on, retrofit.payment_due_on or on)
        InstalmentPlan.objects.get_or_create(
            retrofit=retrofit, household=household, defaults={"first_due_on": first_due}
        )
        share_table_follow(
            retrofit=retrofit,
            reason_kind=Reason.JOINED,
            reason=_("%(dwelling)s joined again. %(note)s")
            % {"dwelling": dwelling_label(household), "note": note.strip()},
            actor=actor,
            on=on,
        )
    return decline
