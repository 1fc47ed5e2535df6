"""Subsidy policies and sharing schemes kept as data: who may keep them (a region's managers;
the shipped ones superusers only, in the admin), what each user is offered (the shipped ones
and those kept at, above or below the user's nodes of the tree), and saving them — a policy or
scheme in use keeps its figures, coefficients are checked floor by floor."""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from elevators.models import SchemeFloor, SharingScheme, SubsidyPolicy
from renovation import access


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


def schemes_offered(*, user) -> QuerySet:
    """Sharing schemes a user may choose: shipped ones and those of their part of the tree or
    above it (a city's scheme is offered to its streets)."""
    return references_offered(user=user, references=SharingScheme.objects.filter(is_active=True))


def policies_offered(*, user) -> QuerySet:
    return references_offered(user=user, references=SubsidyPolicy.objects.filter(is_active=True))


def references_offered(*, user, references: QuerySet) -> QuerySet:
    """`references` (policies or schemes) limited to the shipped rows and those kept at, above
    or below the user's nodes of the tree."""
    paths = access.region_paths(user)
    if paths is None:
        return references
    q = Q(region__isnull=True)
    for path in paths:
        q |= Q(region__path__startswith=path)
        # The nodes above the user's node: their prefixes of the user's path.
        parts = [p for p in path.split(".") if p]
        for i in range(1, len(parts)):
            q |= Q(region__path=".".join(parts[:i]) + ".")
    return references.filter(q)


# ---------------------------------------------------------------------------------------------
# The pages' lists
# ---------------------------------------------------------------------------------------------


def schemes_listed(*, user) -> list[SharingScheme]:
    """The sharing schemes offered to the user (see `references_offered`), each with its
    floors, how many retrofits use it and whether the user may edit it (three queries)."""
    schemes = list(
        references_offered(user=user, references=SharingScheme.objects.all())
        .select_related("region")
        .prefetch_related(Prefetch("floors", SchemeFloor.objects.order_by("floor")))
        .annotate(used=Count("retrofits", distinct=True))
    )
    for scheme in schemes:
        scheme.editable = may_edit_reference(user, scheme)
    return schemes


def policies_listed(*, user) -> list[SubsidyPolicy]:
    """The subsidy policies offered to the user, each with how many retrofits use it and
    whether the user may edit it."""
    policies = list(
        references_offered(user=user, references=SubsidyPolicy.objects.all())
        .select_related("region")
        .annotate(used=Count("retrofits"))
    )
    for policy in policies:
        policy.editable = may_edit_reference(user, policy)
    return policies
