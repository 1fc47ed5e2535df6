"""What the registry does: saving estates, buildings, stairwells and households (with their
owners), for the pages and the API alike. Each service checks MANAGE on the object's place in
the tree, runs every registry rule (the model's field rules, `clean()`, its named constraints and
the rules across rows below) and writes inside one transaction. Each message lands on the field
it concerns; a constraint or trigger the database still raises (two people saving the same
number at once) comes back as the same message, never a 500."""

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import CheckConstraint, Max, Q, UniqueConstraint
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Estate, Household, Owner, Stairwell
from renovation import access

# The triggers of migration 0002 hold "a dwelling's floor lies within its stairwell's floors"
# (a rule across two tables, so not in Meta.constraints). Their one message:
FLOOR_TRIGGER = "communities_household_floor_within_stairwell"
FLOOR_TRIGGER_MESSAGE = _("A dwelling's floor must lie within its stairwell's floors.")
# The field the floor trigger concerns, by the model being saved.
FLOOR_TRIGGER_FIELDS = {Household: "floor", Stairwell: "floors"}


# ---- rules and messages ---------------------------------------------------------------------


def _first_field(condition) -> str | None:
    """The model field a CheckConstraint's condition starts with (`floors__gte` → `floors`)."""
    for child in condition.children if isinstance(condition, Q) else ():
        found = _first_field(child) if isinstance(child, Q) else child[0].split("__")[0]
        if found:
            return found
    return None


def _field_of(constraint) -> str | None:
    """The field a person changes to satisfy `constraint`."""
    if isinstance(constraint, UniqueConstraint) and constraint.fields:
        return constraint.fields[-1]  # ("estate", "number") → the number is what to change
    if isinstance(constraint, CheckConstraint):
        return _first_field(constraint.condition)
    return None


def _constraint_error(exc: IntegrityError, model: type[models.Model]) -> ValidationError:
    """The named constraint (or trigger) a database error reports, as the message a person can
    act on, on the field it concerns when saving a `model`."""
    diag = getattr(getattr(exc, "__cause__", None), "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    for candidate in (model, Estate, Building, Stairwell, Household):
        for constraint in candidate._meta.constraints:
            if constraint.name == name:
                field = _field_of(constraint) if candidate is model else None
                message = str(constraint.violation_error_message)
                return ValidationError({field or NON_FIELD_ERRORS: message}, code="integrity")
    if name == FLOOR_TRIGGER:
        field = FLOOR_TRIGGER_FIELDS.get(model, NON_FIELD_ERRORS)
        return ValidationError({field: str(FLOOR_TRIGGER_MESSAGE)}, code="integrity")
    return ValidationError(
        _("The data conflicts with what is already stored. Please check and try again."),
        code="integrity",
    )


def _constraint_message(exc: IntegrityError, model: type[models.Model]) -> str:
    """The human message of the named constraint (or trigger) a database error reports."""
    return _constraint_error(exc, model).messages[0]


def _validate(obj: models.Model) -> None:
    """The model's field rules and clean(), then its named constraints, each message on the
    field it concerns (Django would put a constraint over two fields on none of them)."""
    errors: dict = {}
    try:
        obj.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for constraint in obj._meta.constraints:
        try:
            constraint.validate(type(obj), obj, exclude=set(errors) - {NON_FIELD_ERRORS})
        except ValidationError as exc:
            errors.setdefault(_field_of(constraint) or NON_FIELD_ERRORS, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _write(obj: models.Model) -> models.Model:
    """Save `obj`; a constraint the database raises (a writer who passed validation at the
    same moment) becomes its message."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise _constraint_error(exc, type(obj)) from exc
    return obj


def _save(obj: models.Model) -> models.Model:
    _validate(obj)
    return _write(obj)


def _check_manage(user, parent) -> None:
    """Writes need MANAGE where the object hangs; outside the scope it looks absent."""
    if not access.has_perm(user, access.MANAGE, parent):
        raise ValidationError(_("You may not change the registry here."), code="out_of_scope")


def _lock_building(pk: int) -> Building:
    # Lowering a building while a taller stairwell is added to it: both saves lock the
    # building row first, so the second one sees the first one's floors.
    return Building.objects.select_for_update().get(pk=pk)


# ---- services -------------------------------------------------------------------------------


def estate_save(*, user, estate: Estate) -> Estate:
    """Create or update an estate; its community must lie in the user's MANAGE scope."""
    _check_manage(user, estate.community)
    if estate.pk:
        # Moving an estate needs MANAGE at its old place too.
        _check_manage(user, Estate.objects.get(pk=estate.pk))
    return _save(estate)


def building_save(*, user, building: Building) -> Building:
    """Create or update a building. It may not have fewer floors than its stairwells."""
    _check_manage(user, building.estate)
    with transaction.atomic():
        if building.pk:
            _lock_building(building.pk)
            highest = Stairwell.objects.filter(building=building).aggregate(top=Max("floors"))
            if highest["top"] and building.floors and building.floors < highest["top"]:
                raise ValidationError(
                    {
                        "floors": _("A stairwell of this building has %(n)s floors.")
                        % {"n": highest["top"]}
                    }
                )
        return _save(building)


def stairwell_save(*, user, stairwell: Stairwell) -> Stairwell:
    """Create or update a stairwell. It serves no more floors than its building has, and no
    fewer than its highest dwelling."""
    _check_manage(user, stairwell.building)
    with transaction.atomic():
        stairwell.building = _lock_building(stairwell.building_id)
        if stairwell.pk:
            highest = Household.objects.filter(stairwell=stairwell).aggregate(top=Max("floor"))
            if highest["top"] and stairwell.floors and stairwell.floors < highest["top"]:
                raise ValidationError(
                    {
                        "floors": _("A dwelling of this stairwell is on floor %(n)s.")
                        % {"n": highest["top"]}
                    }
                )
        return _save(stairwell)


def household_save(
    *, user, household: Household, owners: Iterable[Owner] = (), delete_owners: Iterable[Owner] = ()
) -> Household:
    """Create or update a dwelling together with its owners, all or nothing."""
    _check_manage(user, household.stairwell)
    _validate(household)
    owners, delete_owners = list(owners), list(delete_owners)
    try:
        with transaction.atomic():
            household.save()
            for owner in delete_owners:
                if owner.pk and owner.household_id == household.pk:
                    owner.delete()
            for owner in owners:
                owner.household = household
                owner.full_clean()
                owner.save()
    except IntegrityError as exc:
        raise _constraint_error(exc, Household) from exc
    return household
