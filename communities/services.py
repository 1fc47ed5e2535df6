"""What the registry does: saving estates, buildings, stairwells and households (with their
owners). Each service checks MANAGE on the object's place in the tree, validates the model rules
and writes inside one transaction; a constraint or trigger the database raises (two people saving
the same number at once) comes back as a ValidationError a person can act on, never a 500."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Estate, Household, Owner, Stairwell
from renovation import access

# The trigger of migration 0002 (household floor within its stairwell's floors).
FLOOR_TRIGGER = "communities_household_floor_within_stairwell"
TRIGGER_MESSAGES = {
    FLOOR_TRIGGER: _("A dwelling's floor must lie within its stairwell's floors."),
}


def _constraint_message(exc: IntegrityError, model: type[models.Model]) -> str:
    """The human message of the named constraint (or trigger) a database error reports."""
    diag = getattr(getattr(exc, "__cause__", None), "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    for candidate in (model, Estate, Building, Stairwell, Household):
        for constraint in candidate._meta.constraints:
            if constraint.name == name:
                return str(constraint.violation_error_message)
    if name in TRIGGER_MESSAGES:
        return str(TRIGGER_MESSAGES[name])
    return str(_("The data conflicts with what is already stored. Please check and try again."))


def _check_manage(user, parent) -> None:
    """Writes need MANAGE where the object hangs; outside the scope it looks absent."""
    if not access.has_perm(user, access.MANAGE, parent):
        raise ValidationError(_("You may not change the registry here."), code="out_of_scope")


def _save(obj: models.Model) -> models.Model:
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(_constraint_message(exc, type(obj)), code="integrity") from exc
    return obj


def estate_save(*, user, estate: Estate) -> Estate:
    """Create or update an estate; its community must lie in the user's MANAGE scope."""
    _check_manage(user, estate.community)
    if estate.pk:
        # Moving an estate needs MANAGE at its old place too.
        _check_manage(user, Estate.objects.get(pk=estate.pk))
    return _save(estate)


def building_save(*, user, building: Building) -> Building:
    _check_manage(user, building.estate)
    return _save(building)


def stairwell_save(*, user, stairwell: Stairwell) -> Stairwell:
    _check_manage(user, stairwell.building)
    return _save(stairwell)


def household_save(
    *, user, household: Household, owners: Iterable[Owner] = (), delete_owners: Iterable[Owner] = ()
) -> Household:
    """Create or update a dwelling together with its owners, all or nothing."""
    _check_manage(user, household.stairwell)
    household.full_clean()
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
        raise ValidationError(_constraint_message(exc, Household), code="integrity") from exc
    return household
