"""What the elevators app does: keep subsidy policies and sharing schemes, create a retrofit for
a stairwell, move it along its workflow (the table `TRANSITIONS`; `retrofit_transition` is the
only way its status changes, each change one dated step), run its consent vote through
`consultations`, and keep its cost and subsidy. The share table, plans and payments are in
`elevators/share_services.py`; the arithmetic in `elevators/sharing.py`.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from communities.models import Stairwell
from consultations.models import Consultation
from consultations.services import consultation_create
from elevators.models import (
    CostLine,
    Retrofit,
    RetrofitStep,
    SchemeFloor,
    ShareVersion,
    SharingScheme,
    SubsidyPolicy,
)
from elevators.models.retrofits import PAST_CONSENT
from elevators.share_services import (
    check_not_future,
    schedules_follow_due_date,
    share_table_follow,
)
from elevators.shared import today as local_today
from elevators.sharing import from_fen, subsidy_fen, to_fen
from renovation import access

S = Retrofit.Status
Reason = ShareVersion.Reason

# proposed → consent vote → consent reached | consent failed (→ proposed, for a new vote);
# consent reached → design → approved (permit) → construction → inspected → in service.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PROPOSED: (S.CONSENT_VOTE,),
    S.CONSENT_VOTE: (S.CONSENT_REACHED, S.CONSENT_FAILED),
    S.CONSENT_FAILED: (S.PROPOSED,),
    S.CONSENT_REACHED: (S.DESIGN,),
    S.DESIGN: (S.APPROVED,),
    S.APPROVED: (S.CONSTRUCTION,),
    S.CONSTRUCTION: (S.INSPECTED,),
    S.INSPECTED: (S.IN_SERVICE,),
    S.IN_SERVICE: (),
}


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


# ---------------------------------------------------------------------------------------------
# Policies and schemes (reference data at a node of the tree, or shipped for everywhere)
# ---------------------------------------------------------------------------------------------


def may_edit_reference(user, obj) -> bool:
    """Shipped rows (no region) are edited in the admin only; a region's rows by its managers."""
    if obj.region_id is None:
        return bool(getattr(user, "is_superuser", False))
    return access.has_perm(user, access.MANAGE, obj.region)


def _check_reference_write(user, obj, model) -> None:
    if not may_edit_reference(user, obj):
        raise ValidationError(
            {
                "region": _("You may only keep %(what)s for a part of the city you manage.")
                % {"what": model._meta.verbose_name_plural}
            }
        )


def _in_use(obj, figures: Sequence[str]) -> None:
    """A policy or scheme that a retrofit uses keeps its figures: what residents voted on and
    what the share tables were computed from must not move underneath them."""
    if obj.pk is None:
        return
    stored = type(obj).objects.get(pk=obj.pk)
    changed = [f for f in figures if getattr(stored, f) != getattr(obj, f)]
    used = obj.retrofits.count()
    if changed and used:
        raise ValidationError(
            _(
                "“%(name)s” is used by %(n)s retrofit(s), so its figures cannot change; "
                "save a copy under a new name instead."
            )
            % {"name": stored.name, "n": used}
        )


def policy_save(*, user, policy: SubsidyPolicy) -> SubsidyPolicy:
    """Create or change a subsidy policy; only the figures its kind uses are kept."""
    _check_reference_write(user, policy, SubsidyPolicy)
    errors = {}
    if policy.kind in (SubsidyPolicy.Kind.FIXED, SubsidyPolicy.Kind.PER_FLOOR):
        if policy.amount is None or policy.amount <= 0:
            errors["amount"] = _("Give the amount (more than zero).")
        policy.percent = None
        if policy.kind == SubsidyPolicy.Kind.FIXED:
            policy.cap = None
    elif policy.kind == SubsidyPolicy.Kind.PERCENT:
        if policy.percent is None or not 0 < policy.percent <= 100:
            errors["percent"] = _("Give a percentage above 0 and at most 100.")
        policy.amount = None
    if policy.cap is not None and policy.cap <= 0:
        errors["cap"] = _("A cap must be more than zero (or left empty).")
    if errors:
        raise ValidationError(errors)
    _in_use(policy, ("kind", "amount", "percent", "cap"))
    policy.full_clean()
    with transaction.atomic():
        policy.save()
    return policy


def parse_coefficients(values: Sequence) -> list[Decimal]:
    """One coefficient per floor from the 1st up; every problem named with its floor."""
    values = list(values)
    if not values:
        raise ValidationError(
            {"coefficients": _("Give one coefficient per floor, from the 1st floor up.")}
        )
    if len(values) > 40:
        raise ValidationError({"coefficients": _("At most 40 floors.")})
    result, errors = [], []
    for floor, raw in enumerate(values, start=1):
        text = "" if raw is None else str(raw).strip()
        if not text:
            errors.append(_("Floor %(floor)s has no coefficient.") % {"floor": floor})
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors.append(
                _("Floor %(floor)s: “%(text)s” is not a number.") % {"floor": floor, "text": text}
            )
            continue
        if not value.is_finite():
            errors.append(
                _("Floor %(floor)s: “%(text)s” is not a number.") % {"floor": floor, "text": text}
            )
        elif value < 0:
            errors.append(
                _("Floor %(floor)s: the coefficient %(value)s is negative.")
                % {"floor": floor, "value": value}
            )
        elif value != value.quantize(Decimal("0.0001")) or value >= 100:
            errors.append(
                _("Floor %(floor)s: use at most 4 decimal places and less than 100.")
                % {"floor": floor}
            )
        result.append(value)
    if errors:
        raise ValidationError({"coefficients": errors})
    if all(v == 0 for v in result):
        raise ValidationError(
            {"coefficients": _("Every floor's coefficient is 0: nobody would pay anything.")}
        )
    return result


def scheme_save(*, user, scheme: SharingScheme, coefficients: Sequence) -> SharingScheme:
    """Create or change a sharing scheme with its coefficients (floor 1 first)."""
    _check_reference_write(user, scheme, SharingScheme)
    parsed = parse_coefficients(coefficients)
    _in_use(scheme, ("area_weighted", "compensation_per_dwelling", "compensation_funding"))
    if scheme.pk:
        stored = list(scheme.floors.order_by("floor").values_list("coefficient", flat=True))
        used = scheme.retrofits.count()
        if stored != parsed and used:
            raise ValidationError(
                {
                    "coefficients": _(
                        "“%(name)s” is used by %(n)s retrofit(s), so its coefficients cannot "
                        "change; save a copy under a new name instead."
                    )
                    % {"name": scheme.name, "n": used}
                }
            )
    scheme.full_clean()
    with transaction.atomic():
        scheme.save()
        scheme.floors.all().delete()
        SchemeFloor.objects.bulk_create(
            SchemeFloor(scheme=scheme, floor=floor, coefficient=value)
            for floor, value in enumerate(parsed, start=1)
        )
    return scheme


# ---------------------------------------------------------------------------------------------
# Cost and subsidy
# ---------------------------------------------------------------------------------------------


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


def _refresh_money(retrofit: Retrofit) -> None:
    """Store the estimate (sum of the lines) and the effective subsidy on the retrofit."""
    retrofit.estimated_cost = retrofit.cost_lines.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    retrofit.subsidy = subsidy_effective(retrofit)
    retrofit.full_clean(exclude=["stairwell", "scheme"])
    retrofit.save()


def _money_changed(retrofit, before: tuple, *, actor, on, reason_kind, reason) -> None:
    after = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
    if after != before:
        share_table_follow(
            retrofit=retrofit, reason_kind=reason_kind, reason=reason, actor=actor, on=on
        )


def _locked(retrofit: Retrofit) -> Retrofit:
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
        retrofit = _locked(retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_estimate = retrofit.estimated_cost
        line.save()
        _refresh_money(retrofit)
        _money_changed(
            retrofit,
            before,
            actor=actor,
            on=local_today(),
            reason_kind=Reason.COST,
            reason=_("Estimate changed from ¥%(old)s to ¥%(new)s.")
            % {"old": old_estimate, "new": retrofit.estimated_cost},
        )
    return line


def cost_line_delete(*, line: CostLine, actor=None) -> None:
    with transaction.atomic():
        retrofit = _locked(line.retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_estimate = retrofit.estimated_cost
        line.delete()
        _refresh_money(retrofit)
        _money_changed(
            retrofit,
            before,
            actor=actor,
            on=local_today(),
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
        retrofit = _locked(retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_cost = retrofit.cost
        retrofit.final_cost = final_cost
        try:
            _refresh_money(retrofit)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "subsidy_granted" in exc.error_dict:
                raise ValidationError({"final_cost": exc.error_dict["subsidy_granted"]}) from exc
            raise
        _money_changed(
            retrofit,
            before,
            actor=actor,
            on=local_today(),
            reason_kind=Reason.COST,
            reason=(
                _("Final cost ¥%(new)s replaces ¥%(old)s.")
                % {"new": retrofit.cost, "old": old_cost}
                + (" " + note.strip() if note.strip() else "")
            ),
        )
    return retrofit


# ---------------------------------------------------------------------------------------------
# Creating and editing a retrofit
# ---------------------------------------------------------------------------------------------


def schemes_offered(user):
    """Sharing schemes a user may choose: shipped ones and those of their part of the tree or
    above it (a city's scheme is offered to its streets)."""
    return offered(user, SharingScheme.objects.filter(is_active=True))


def policies_offered(user):
    return offered(user, SubsidyPolicy.objects.filter(is_active=True))


def offered(user, queryset):
    """`queryset` (of policies or schemes) limited to the shipped rows and those kept at, above
    or below the user's nodes of the tree."""
    paths = access.region_paths(user)
    if paths is None:
        return queryset
    q = Q(region__isnull=True)
    for path in paths:
        q |= Q(region__path__startswith=path)
        # The nodes above the user's node: their prefixes of the user's path.
        parts = [p for p in path.split(".") if p]
        for i in range(1, len(parts)):
            q |= Q(region__path=".".join(parts[:i]) + ".")
    return queryset.filter(q)


def retrofit_create(
    *,
    user,
    stairwell: Stairwell,
    scheme: SharingScheme,
    subsidy_policy: SubsidyPolicy | None = None,
    served_floors: int | None = None,
    builder: str = "",
    note: str = "",
    on: date | None = None,
) -> Retrofit:
    """A proposed retrofit for `stairwell` (one per stairwell)."""
    if not access.has_perm(user, access.MANAGE, stairwell):
        raise ValidationError({"stairwell": _("You may not start a retrofit in this stairwell.")})
    if stairwell.has_elevator:
        raise ValidationError({"stairwell": _("%(s)s already has an elevator.") % {"s": stairwell}})
    existing = Retrofit.objects.filter(stairwell=stairwell).first()
    if existing is not None:
        raise ValidationError(
            {
                "stairwell": _("%(s)s already has an elevator retrofit (%(status)s).")
                % {"s": stairwell, "status": existing.get_status_display()}
            }
        )
    if not schemes_offered(user).filter(pk=scheme.pk).exists():
        raise ValidationError({"scheme": _("This sharing scheme is not offered here.")})
    if (
        subsidy_policy is not None
        and not policies_offered(user).filter(pk=subsidy_policy.pk).exists()
    ):
        raise ValidationError({"subsidy_policy": _("This subsidy policy is not offered here.")})
    on = on or local_today()
    retrofit = Retrofit(
        stairwell=stairwell,
        scheme=scheme,
        subsidy_policy=subsidy_policy,
        served_floors=served_floors,
        builder=builder.strip(),
        note=note.strip(),
        status=S.PROPOSED,
        status_changed_on=on,
        created_by=user,
    )
    if served_floors is not None and served_floors > stairwell.floors:
        raise ValidationError(
            {"served_floors": _("The stairwell has only %(n)s floors.") % {"n": stairwell.floors}}
        )
    retrofit.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            retrofit.save()
            RetrofitStep.objects.create(
                retrofit=retrofit, from_status="", to_status=S.PROPOSED, on=on, actor=user
            )
    except IntegrityError as exc:
        # Two clerks proposing the same stairwell at once: the unique constraint keeps one.
        raise ValidationError(
            {"stairwell": _("%(s)s already has an elevator retrofit.") % {"s": stairwell}}
        ) from exc
    return retrofit


UPDATABLE = (
    "scheme",
    "subsidy_policy",
    "subsidy_granted",
    "served_floors",
    "payment_due_on",
    "builder",
    "permit_number",
    "annual_maintenance",
    "annual_electricity",
    "running_scheme",
    "due_on",
    "note",
)


def retrofit_update(*, user, retrofit: Retrofit, data: dict) -> Retrofit:
    """Change a retrofit's plan; a new share table follows when the shares move."""
    unknown = set(data) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    with transaction.atomic():
        retrofit = _locked(retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_scheme, old_subsidy = retrofit.scheme, retrofit.subsidy
        old_due = retrofit.payment_due_on
        offered_schemes = schemes_offered(user)
        for name, value in data.items():
            setattr(retrofit, name, value)
        if (
            "scheme" in data
            and data["scheme"] != old_scheme
            and not offered_schemes.filter(pk=retrofit.scheme_id).exists()
        ):
            raise ValidationError({"scheme": _("This sharing scheme is not offered here.")})
        if (
            retrofit.served_floors is not None
            and retrofit.served_floors > retrofit.stairwell.floors
        ):
            raise ValidationError(
                {
                    "served_floors": _("The stairwell has only %(n)s floors.")
                    % {"n": retrofit.stairwell.floors}
                }
            )
        _refresh_money(retrofit)
        if retrofit.scheme_id != old_scheme.pk:
            kind = Reason.SCHEME
            reason = _("Sharing scheme “%(old)s” replaced by “%(new)s”.") % {
                "old": old_scheme,
                "new": retrofit.scheme,
            }
        else:
            kind = Reason.SUBSIDY
            reason = _("Subsidy changed from ¥%(old)s to ¥%(new)s.") % {
                "old": old_subsidy,
                "new": retrofit.subsidy,
            }
        _money_changed(
            retrofit, before, actor=user, on=local_today(), reason_kind=kind, reason=reason
        )
        if retrofit.payment_due_on != old_due:
            schedules_follow_due_date(retrofit)
    return retrofit


# ---------------------------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------------------------


def consent_problem(retrofit: Retrofit) -> str | None:
    """Why the retrofit cannot move past consent (None when its vote was decided and passed)."""
    c = retrofit.consultation
    if c is None:
        return _("No consent vote has been held for this retrofit.")
    if c.status != Consultation.Status.DECIDED:
        return _(
            "The consent vote “%(title)s” is at “%(status)s”; the retrofit moves on once its "
            "result has been decided."
        ) % {"title": c.title, "status": c.get_status_display()}
    if not c.passed:
        return _("The consent vote “%(title)s” did not pass.") % {"title": c.title}
    return None


def _check_consultation(retrofit: Retrofit, consultation: Consultation) -> None:
    errors = []
    if consultation.stairwell_id != retrofit.stairwell_id:
        errors.append(_("it is not held in this stairwell"))
    if consultation.kind != Consultation.Kind.DECISION:
        errors.append(_("it is not an owner decision"))
    if consultation.decision_rule != Consultation.Rule.MAJOR:
        errors.append(_("it does not use the major-matter rule (2/3 take part, 3/4 agree)"))
    if retrofit.scheme.require_no_objection and not consultation.require_no_objection:
        errors.append(_("the sharing scheme requires that no dwelling objects"))
    if Retrofit.objects.filter(consultation=consultation).exclude(pk=retrofit.pk).exists():
        errors.append(_("it is already the consent vote of another retrofit"))
    if errors:
        raise ValidationError(
            {
                "consultation": _("This consultation cannot be the consent vote: %(why)s.")
                % {"why": "; ".join(str(e) for e in errors)}
            }
        )


def consent_title(retrofit: Retrofit) -> str:
    return _("Elevator for %(s)s: owners' consent") % {"s": retrofit.stairwell}


def consent_description(retrofit: Retrofit) -> str:
    return _(
        "Proposal to add an elevator to %(stairwell)s. Cost ¥%(cost)s, subsidy ¥%(subsidy)s; "
        "the residents' ¥%(total)s is shared under “%(scheme)s”. Your dwelling's share is shown "
        "on your resident page."
    ) % {
        "stairwell": retrofit.stairwell,
        "cost": retrofit.cost,
        "subsidy": retrofit.subsidy,
        "total": retrofit.residents_total,
        "scheme": retrofit.scheme,
    }


def retrofit_consent_start(
    *,
    retrofit: Retrofit,
    actor,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    title: str = "",
    description: str = "",
    publicity_days: int = 7,
    consultation: Consultation | None = None,
    on: date | None = None,
) -> Retrofit:
    """Put the retrofit to its stairwell's vote: a new owner decision (major-matter rule, and
    "no objection" when the scheme asks for it) as a draft to open from the consultation's
    page — or, given `consultation`, one that staff already prepared."""
    with transaction.atomic():
        retrofit = _locked(retrofit)
        if retrofit.status != S.PROPOSED:
            raise ValidationError(
                _("A consent vote starts from “%(proposed)s”; this retrofit is at “%(s)s”.")
                % {"proposed": S.PROPOSED.label, "s": retrofit.get_status_display()}
            )
        if consultation is None:
            if opens_at is None or closes_at is None:
                raise ValidationError({"opens_at": _("Give the voting period.")})
            stairwell = retrofit.stairwell
            consultation = consultation_create(
                estate=stairwell.building.estate,
                building=stairwell.building,
                stairwell=stairwell,
                title=title.strip() or consent_title(retrofit),
                kind=Consultation.Kind.DECISION,
                decision_rule=Consultation.Rule.MAJOR,
                require_no_objection=retrofit.scheme.require_no_objection,
                description=description.strip() or consent_description(retrofit),
                opens_at=opens_at,
                closes_at=closes_at,
                publicity_days=publicity_days,
                created_by=actor,
            )
        else:
            _check_consultation(retrofit, consultation)
        retrofit.consultation = consultation
        retrofit.save(update_fields=["consultation"])
        return retrofit_transition(retrofit=retrofit, to_status=S.CONSENT_VOTE, actor=actor, on=on)


# ---------------------------------------------------------------------------------------------
# The workflow
# ---------------------------------------------------------------------------------------------


def retrofit_transition(
    *,
    retrofit: Retrofit,
    to_status: str,
    actor,
    on: date | None = None,
    note: str = "",
    due_on: date | None = None,
    permit_number: str | None = None,
) -> Retrofit:
    """Move `retrofit` to `to_status` if the workflow allows it, appending one dated step."""
    on = on or local_today()
    labels = dict(S.choices)
    if to_status not in labels:
        raise ValidationError(
            {"to_status": _("“%(s)s” is not a retrofit status.") % {"s": to_status}}
        )
    check_not_future(on)
    with transaction.atomic():
        # Two clerks moving the same retrofit at once: the row lock orders them.
        retrofit = _locked(retrofit)
        current = retrofit.status
        if to_status not in allowed_next(current):
            allowed = ", ".join(str(labels[s]) for s in allowed_next(current)) or _("none")
            raise ValidationError(
                {
                    "to_status": _(
                        "A retrofit at “%(current)s” cannot move to “%(target)s”. Allowed next: "
                        "%(allowed)s."
                    )
                    % {"current": labels[current], "target": labels[to_status], "allowed": allowed}
                }
            )
        if to_status == S.CONSENT_VOTE and retrofit.consultation_id is None:
            raise ValidationError(_("Start the consent vote first (it creates the consultation)."))
        if to_status in PAST_CONSENT:
            problem = consent_problem(retrofit)
            if problem:
                raise ValidationError({"to_status": problem})
        if to_status == S.CONSENT_FAILED:
            c = retrofit.consultation
            if c.status != Consultation.Status.DECIDED or c.passed:
                raise ValidationError(
                    {
                        "to_status": _(
                            "Consent fails only when the vote was decided and did not pass."
                        )
                    }
                )
        if to_status == S.APPROVED:
            retrofit.permit_number = (permit_number or retrofit.permit_number or "").strip()
            if not retrofit.permit_number:
                raise ValidationError(
                    {"permit_number": _("Give the permit number of the approval.")}
                )
        last = retrofit.steps.order_by("-on", "-pk").values_list("on", flat=True).first()
        if last and on < last:
            raise ValidationError(
                {
                    "on": _("The previous step was on %(last)s; this one cannot be earlier.")
                    % {"last": last}
                }
            )
        if due_on is not None and due_on < on:
            raise ValidationError({"due_on": _("The next step cannot be due before this one.")})
        step_consultation = retrofit.consultation
        if to_status == S.PROPOSED:
            retrofit.consultation = None  # a new vote may be held; the old one stays in the steps
        retrofit.status = to_status
        retrofit.status_changed_on = on
        retrofit.due_on = due_on
        retrofit.save()
        RetrofitStep.objects.create(
            retrofit=retrofit,
            from_status=current,
            to_status=to_status,
            on=on,
            note=note.strip(),
            consultation=step_consultation,
            actor=actor,
        )
        if to_status == S.IN_SERVICE:
            _stairwell_has_elevator(retrofit.stairwell, actor)
    return retrofit


def _stairwell_has_elevator(stairwell: Stairwell, actor) -> None:
    """The registry learns that the stairwell now has an elevator (through its own service,
    so the change shows in the registry's history)."""
    from communities.services import stairwell_save

    stairwell.has_elevator = True
    if actor is not None and access.has_perm(actor, access.MANAGE, stairwell):
        stairwell_save(user=actor, stairwell=stairwell)
    else:
        Stairwell.objects.filter(pk=stairwell.pk).update(has_elevator=True)


def is_overdue(retrofit: Retrofit, *, today: date | None = None) -> bool:
    from elevators.models.retrofits import ACTIVE

    return (
        retrofit.status in ACTIVE
        and retrofit.due_on is not None
        and retrofit.due_on < (today or local_today())
    )
