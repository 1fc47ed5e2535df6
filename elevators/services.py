"""What the elevators app does with a retrofit: create it for a stairwell, change its plan, move
it along its workflow (the table `TRANSITIONS`; `retrofit_transition` is the only way its status
changes, each change one dated step) and run its consent vote through `consultations`.

The rest, by job: cost and subsidy in `cost_services.py`; subsidy policies and sharing schemes
in `scheme_services.py`; the share table, declines and re-joins in `share_services.py`; plans
and payments in `payment_services.py`; the arithmetic (fen, largest remainder, schedules) in
`sharing.py`.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities.models import Stairwell
from consultations.models import Consultation
from consultations.services import consultation_create
from elevators.cost_services import locked_retrofit, money_changed, refresh_money
from elevators.models import (
    Retrofit,
    RetrofitStep,
    ShareVersion,
    SharingScheme,
    SubsidyPolicy,
)
from elevators.models.retrofits import PAST_CONSENT
from elevators.scheme_services import policies_offered, schemes_offered
from elevators.share_services import (
    check_not_future,
    schedules_follow_due_date,
)
from renovation import access, dates

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
# Creating and editing a retrofit
# ---------------------------------------------------------------------------------------------


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
    if not schemes_offered(user=user).filter(pk=scheme.pk).exists():
        raise ValidationError({"scheme": _("This sharing scheme is not offered here.")})
    if (
        subsidy_policy is not None
        and not policies_offered(user=user).filter(pk=subsidy_policy.pk).exists()
    ):
        raise ValidationError({"subsidy_policy": _("This subsidy policy is not offered here.")})
    on = on or dates.today()
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
        retrofit = locked_retrofit(retrofit)
        before = (retrofit.cost, retrofit.subsidy, retrofit.scheme_id)
        old_scheme, old_subsidy = retrofit.scheme, retrofit.subsidy
        old_due = retrofit.payment_due_on
        offered_schemes = schemes_offered(user=user)
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
        refresh_money(retrofit)
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
        money_changed(
            retrofit, before, actor=user, on=dates.today(), reason_kind=kind, reason=reason
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
        retrofit = locked_retrofit(retrofit)
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
    on = on or dates.today()
    labels = dict(S.choices)
    if to_status not in labels:
        raise ValidationError(
            {"to_status": _("“%(s)s” is not a retrofit status.") % {"s": to_status}}
        )
    check_not_future(on)
    with transaction.atomic():
        # Two clerks moving the same retrofit at once: the row lock orders them.
        retrofit = locked_retrofit(retrofit)
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
        and retrofit.due_on < (today or dates.today())
    )
