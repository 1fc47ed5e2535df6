"""A retrofit's cost and subsidy: the estimate as lines, the final cost that replaces it, and
the effective subsidy (the amount granted, else the policy's figure, never more than the cost),
both stored on the retrofit so the bureau's totals are plain sums. When they move the shares,
the share table follows with a new version."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from elevators.models import CostLine, Retrofit, ShareVersion
from elevators.share_services import share_table_follow
from elevators.sharing import from_fen, subsidy_fen, to_fen
from renovation import dates

Reason = ShareVersion.Reason


def subsidy_effective(retrofit: Retrofit) -> Decimal:
    """The subsidy for the cost in force: the amount granted if recorded, else the policy's
    figure, never more than the cost."""
    cost_fen = to_fen(retrofit.cost)
    if retrofit.subsidy_granted is not None:
        granted = to_fen(retrofit.subsidy_granted)
        if granted > cost_fen:
            raise ValidationError(
                {
                    "subsidy_granted": _(
                        "The subsidy granted (¥%(subsidy)s) is more than the cost (¥%(cost)s)."
                    )
                    % {"subsidy": retrofit.subsidy_granted, "cost": retrofit.cost}
                }
            )
        return from_fen(granted)
    policy = retrofit.subsidy_policy
    if policy is None:
        return Decimal("0.00")
    return from_fen(
        subsidy_fen(
            kind=policy.kind,
            cost_fen=cost_fen,
            amount=policy.amount,
            percent=policy.percent,
            cap=policy.cap,
            served_floors=retrofit.served_floors or retrofit.stairwell.floors,
        )
    )


def refresh_money(retrofit: Retrofit) -> None:
    """Store the estimate (sum of the lines) and the effective subsidy on the retrofit."""
    retrofit.estimated_cost = retrofit.cost_lines.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    retrofit.subsidy = subsidy_effective(retrofit)
    retrofit.full_clean(exclude=["stairwell", "scheme"])
    retrofit.save()


def money_changed(retrofit, before: tuple, *, actor, on, reason_kind, reason) -> None:
    after = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
    if after != before:
        share_table_follow(
            retrofit=retrofit, reason_kind=reason_kind, reason=reason, actor=actor, on=on
        )


def locked_retrofit(retrofit: Retrofit) -> Retrofit:
    return (
        Retrofit.objects.select_for_update(of=("self",))
        .select_related("stairwell__building__estate", "scheme", "subsidy_policy")
        .get(pk=retrofit.pk)
    )


def cost_line_save(*, retrofit: Retrofit, line: CostLine, actor=None) -> CostLine:
    """Add or change a line of the estimate; the share table follows the new total."""
    if line.amount is None or line.amount < 0:
        raise ValidationError({"amount": _("A cost line cannot be negative.")})
    line.retrofit = retrofit
    line.full_clean()
    with transaction.atomic():
        retrofit = locked_retrofit(retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_estimate = retrofit.estimated_cost
        line.save()
        refresh_money(retrofit)
        money_changed(
            retrofit,
            before,
            actor=actor,
            on=dates.today(),
            reason_kind=Reason.COST,
            reason=_("Estimate changed from ¥%(old)s to ¥%(new)s.")
            % {"old": old_estimate, "new": retrofit.estimated_cost},
        )
    return line


def cost_line_delete(*, line: CostLine, actor=None) -> None:
    with transaction.atomic():
        retrofit = locked_retrofit(line.retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_estimate = retrofit.estimated_cost
        line.delete()
        refresh_money(retrofit)
        money_changed(
            retrofit,
            before,
            actor=actor,
            on=dates.today(),
            reason_kind=Reason.COST,
            reason=_("Estimate changed from ¥%(old)s to ¥%(new)s.")
            % {"old": old_estimate, "new": retrofit.estimated_cost},
        )


def final_cost_set(
    *, retrofit: Retrofit, final_cost: Decimal | None, actor=None, note: str = ""
) -> Retrofit:
    """Record the final cost (or clear it): it replaces the estimate, and the shares follow."""
    if final_cost is not None and final_cost < 0:
        raise ValidationError({"final_cost": _("The final cost cannot be negative.")})
    with transaction.atomic():
        retrofit = locked_retrofit(retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_cost = retrofit.cost
        retrofit.final_cost = final_cost
        try:
            refresh_money(retrofit)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "subsidy_granted" in exc.error_dict:
                raise ValidationError({"final_cost": exc.error_dict["subsidy_granted"]}) from exc
            raise
        money_changed(
            retrofit,
            before,
            actor=actor,
            on=dates.today(),
            reason_kind=Reason.COST,
            reason=(
                _("Final cost ¥%(new)s replaces ¥%(old)s.")
                % {"new": retrofit.cost, "old": old_cost}
                + (" " + note.strip() if note.strip() else "")
            ),
        )
    return retrofit
