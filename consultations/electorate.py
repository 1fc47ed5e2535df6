"""The frozen electorate: the "all owners" and "all area" of 民法典 第278条 for one consultation.

When voting opens, every dwelling of the consultation's scope is copied into `ElectorateEntry`
with its floor area (建筑面积) and the owner votes it counts for (one dwelling, one vote). The
tally and the turnout count against these entries and never against the registry, so a result
does not change because the registry changed afterwards.

If the registry has to be corrected while voting is open, staff re-freeze explicitly, with a
reason: the entries are brought to the registry as it stands, and an `ElectorateFreeze` row
keeps who, when, why, the new totals and what changed. After voting has closed nothing here
changes the electorate again."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, DecimalField, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import Ballot, Consultation, ElectorateEntry, ElectorateFreeze
from consultations.selectors import consultation_households

Status = Consultation.Status


def dwelling_label(building: str, stairwell: str, room: str) -> str:
    """The way an office names a dwelling: building-stairwell-room, e.g. 3-2-101."""
    return f"{building}-{stairwell}-{room}"


@dataclass
class ElectorateDiff:
    """What a re-freeze would change: dwellings the registry has and the snapshot has not,
    dwellings the snapshot has and the registry no longer puts in the scope, and dwellings
    whose floor area differs. Each dwelling as {"id", "label", "area"} ("old_area" too for
    a changed area), in building-stairwell-room order."""

    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    area_changed: list[dict] = field(default_factory=list)
    # Counted ballots of the removed dwellings: they stop counting.
    removed_ballots: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.area_changed)

    def as_json(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "area_changed": self.area_changed,
        }


def _sort_key(row: dict):
    return tuple(int(p) if p.isdigit() else 0 for p in row["label"].split("-")) + (row["label"],)


def electorate_diff(*, consultation: Consultation) -> ElectorateDiff:
    """The registry now against the frozen electorate (three queries)."""
    registry = {
        pk: (area, dwelling_label(b, s, r))
        for pk, area, b, s, r in consultation_households(consultation=consultation).values_list(
            "pk", "floor_area", "stairwell__building__number", "stairwell__number", "room_number"
        )
    }
    frozen = {
        pk: (area, dwelling_label(b, s, r))
        for pk, area, b, s, r in consultation.electorate.values_list(
            "household_id",
            "floor_area",
            "household__stairwell__building__number",
            "household__stairwell__number",
            "household__room_number",
        )
    }
    diff = ElectorateDiff()
    for pk, (area, label) in registry.items():
        if pk not in frozen:
            diff.added.append({"id": pk, "label": label, "area": str(area)})
        elif frozen[pk][0] != area:
            diff.area_changed.append(
                {"id": pk, "label": label, "area": str(area), "old_area": str(frozen[pk][0])}
            )
    for pk, (area, label) in frozen.items():
        if pk not in registry:
            diff.removed.append({"id": pk, "label": label, "area": str(area)})
    for rows in (diff.added, diff.removed, diff.area_changed):
        rows.sort(key=_sort_key)
    if diff.removed:
        diff.removed_ballots = Ballot.objects.filter(
            consultation=consultation,
            is_current=True,
            household_id__in=[row["id"] for row in diff.removed],
        ).count()
    return diff


def _record(
    c: Consultation, *, kind: str, by, now: datetime, reason: str, changes: dict
) -> ElectorateFreeze:
    totals = c.electorate.aggregate(n=Count("id"), votes=Sum("owner_votes"), area=Sum("floor_area"))
    return ElectorateFreeze.objects.create(
        consultation=c,
        kind=kind,
        frozen_at=now,
        frozen_by=by,
        reason=reason,
        dwellings=totals["n"] or 0,
        owner_votes=totals["votes"] or 0,
        floor_area=totals["area"] or Decimal("0"),
        changes=changes,
    )


def electorate_freeze(
    *, consultation: Consultation, by=None, now: datetime | None = None
) -> ElectorateFreeze:
    """Freeze the electorate as voting opens: every dwelling of the scope with its area, one
    owner vote each. Called by `consultation_open` inside its transaction (the consultation
    row is locked there)."""
    now = now or timezone.now()
    if consultation.electorate.exists():
        raise ValidationError(_("The electorate of this consultation is already frozen."))
    with transaction.atomic():
        ElectorateEntry.objects.bulk_create(
            ElectorateEntry(consultation=consultation, household_id=pk, floor_area=area)
            for pk, area in consultation_households(consultation=consultation).values_list(
                "pk", "floor_area"
            )
        )
        return _record(
            consultation, kind=ElectorateFreeze.Kind.OPENING, by=by, now=now, reason="", changes={}
        )


def electorate_refreeze(
    *, consultation: Consultation, reason: str, by, now: datetime | None = None
) -> ElectorateFreeze:
    """While voting is open: bring the frozen electorate to the registry as it stands now, and
    record who did it, when, why and what changed. A removed dwelling's ballot stays in the
    history but no longer counts; an added dwelling may vote from now on."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the electorate is re-frozen; the history keeps it.")}
        )
    with transaction.atomic():
        # A re-freeze racing the close or another re-freeze: the consultation row lock orders
        # them. A ballot being cast holds its dwelling's entry row, so a removal waits for it.
        c = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if c.status != Status.OPEN:
            raise ValidationError(
                _(
                    "The electorate can be re-frozen only while voting is open; "
                    "this consultation is %(s)s."
                )
                % {"s": c.get_status_display()}
            )
        diff = electorate_diff(consultation=c)
        if diff.empty:
            raise ValidationError(
                _("The registry matches the frozen electorate; there is nothing to re-freeze.")
            )
        if len(diff.removed) == c.electorate.count() and not diff.added:
            raise ValidationError(
                _(
                    "The registry has no dwellings left in this scope; the electorate would be empty."
                )
            )
        if diff.removed:
            c.electorate.filter(household_id__in=[row["id"] for row in diff.removed]).delete()
        if diff.added:
            ElectorateEntry.objects.bulk_create(
                ElectorateEntry(consultation=c, household_id=row["id"], floor_area=row["area"])
                for row in diff.added
            )
        if diff.area_changed:
            c.electorate.filter(household_id__in=[row["id"] for row in diff.area_changed]).update(
                floor_area=Case(
                    *[
                        When(household_id=row["id"], then=Value(Decimal(row["area"])))
                        for row in diff.area_changed
                    ],
                    output_field=DecimalField(max_digits=8, decimal_places=2),
                )
            )
        return _record(
            c,
            kind=ElectorateFreeze.Kind.REFREEZE,
            by=by,
            now=now,
            reason=reason,
            changes=diff.as_json(),
        )
