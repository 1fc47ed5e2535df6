"""How a dwelling pays its share: its instalment plan (which reshapes its schedule in the
current table) and the payments it makes, never more than it owes. Each write locks the
retrofit's row first, like every write to a share table."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from communities.models import Household
from elevators.models import Instalment, InstalmentPlan, Payment, Retrofit, Share
from elevators.models.retrofits import PAST_CONSENT
from elevators.share_services import (
    Kind,
    check_in_stairwell,
    check_not_future,
    dwelling_label,
    lock_retrofit,
    schedule_of,
)


def dwelling_share(*, retrofit: Retrofit, household: Household) -> Share | None:
    """The dwelling's line in the current share table, or None."""
    return (
        Share.objects.filter(
            version__retrofit=retrofit, version__is_current=True, household=household
        )
        .select_related("version")
        .first()
    )


def plan_save(
    *,
    retrofit: Retrofit,
    household: Household,
    down_payment: Decimal,
    months: int,
    first_due_on: date,
    interest_borne_by: str = InstalmentPlan.InterestBorneBy.BUILDER,
    annual_rate: Decimal = Decimal("0"),
) -> InstalmentPlan:
    """Set how a dwelling pays its share, and rewrite its schedule in the current table."""
    check_in_stairwell(retrofit, household)
    errors = {}
    if down_payment is None or down_payment < 0:
        errors["down_payment"] = _("The down payment cannot be negative (0 is allowed).")
    if months is None or not 0 <= months <= 120:
        errors["months"] = _("Give between 0 and 120 monthly instalments.")
    if annual_rate is None or not 0 <= annual_rate <= 24:
        errors["annual_rate"] = _("The yearly interest rate is between 0 and 24%.")
    if first_due_on is None:
        errors["first_due_on"] = _("Give the date the first payment is due.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        retrofit = lock_retrofit(retrofit)
        share = dwelling_share(retrofit=retrofit, household=household)
        if share is None:
            raise ValidationError(_("Compute the share table before setting instalment plans."))
        if share.kind != Kind.PAYING:
            raise ValidationError(
                _("%(dwelling)s pays nothing in the current share table (%(kind)s).")
                % {"dwelling": dwelling_label(household), "kind": share.get_kind_display()}
            )
        if down_payment > share.amount:
            raise ValidationError(
                {
                    "down_payment": _(
                        "The down payment (¥%(down)s) is more than the share (¥%(share)s)."
                    )
                    % {"down": down_payment, "share": share.amount}
                }
            )
        if months == 0 and down_payment not in (Decimal("0"), share.amount):
            raise ValidationError(
                {
                    "months": _(
                        "Without monthly instalments the whole share is due at once; "
                        "give the number of months or leave the down payment at 0."
                    )
                }
            )
        plan, _created = InstalmentPlan.objects.update_or_create(
            retrofit=retrofit,
            household=household,
            defaults={
                "down_payment": down_payment,
                "months": months,
                "first_due_on": first_due_on,
                "interest_borne_by": interest_borne_by,
                "annual_rate": annual_rate,
            },
        )
        share.schedule.all().delete()
        Instalment.objects.bulk_create(schedule_of(retrofit, share.version, share, plan))
    return plan


def dwelling_outstanding(*, retrofit: Retrofit, household: Household) -> Decimal:
    """What the dwelling still owes under the current table: its schedule (principal and any
    interest it bears) less what it has paid. Negative: to be refunded."""
    scheduled = Instalment.objects.filter(
        share__version__retrofit=retrofit,
        share__version__is_current=True,
        share__household=household,
    ).aggregate(p=Sum("principal"), i=Sum("interest"))
    paid = Payment.objects.filter(retrofit=retrofit, household=household).aggregate(s=Sum("amount"))
    zero = Decimal("0")
    return (scheduled["p"] or zero) + (scheduled["i"] or zero) - (paid["s"] or zero)


def payment_record(
    *,
    retrofit: Retrofit,
    household: Household,
    amount: Decimal,
    paid_on: date,
    method: str,
    reference: str = "",
    note: str = "",
    actor=None,
) -> Payment:
    """Money received from a dwelling; never more than it still owes."""
    check_in_stairwell(retrofit, household)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("A payment is more than zero.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Give the amount in yuan with at most two decimals.")})
    check_not_future(paid_on, "paid_on")
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    with transaction.atomic():
        # Two clerks entering payments for one dwelling at once could together pass what it
        # owes: the retrofit row lock makes the second see the first.
        retrofit = lock_retrofit(retrofit)
        if retrofit.status not in PAST_CONSENT:
            raise ValidationError(
                _("Payments are taken once consent is reached; this retrofit is at “%(s)s”.")
                % {"s": retrofit.get_status_display()}
            )
        due = dwelling_outstanding(retrofit=retrofit, household=household)
        if amount > due:
            raise ValidationError(
                {
                    "amount": _("¥%(amount)s is more than %(dwelling)s still owes (¥%(due)s).")
                    % {"amount": amount, "dwelling": dwelling_label(household), "due": max(due, 0)}
                }
            )
        return Payment.objects.create(
            retrofit=retrofit,
            household=household,
            amount=amount,
            paid_on=paid_on,
            method=method,
            reference=reference.strip(),
            note=note.strip(),
            recorded_by=actor,
        )
