"""Freeze the electorate of every consultation opened before the electorate snapshot existed.

Consultations opened before this change were counted against the registry as it stood at each
look. This migration freezes each one (open, closed, in publicity or decided; drafts are frozen
when they open) from the registry **as it stands when the migration runs**: every dwelling of
its scope with its floor area and one owner vote, and an `ElectorateFreeze` of kind
"migration" saying so. At that moment no result changes (the tally counts what it counted a
moment before); from then on the result no longer follows the registry. A consultation whose
registry was edited after it opened keeps the registry's current state, which is what it was
already being counted against; staff can re-freeze one that is still open, with a reason."""

from django.db import migrations
from django.db.models import Count, Sum
from django.utils import timezone

REASON = (
    "Frozen from the registry as it stood when the electorate snapshot was introduced; "
    "this consultation had opened before that."
)


def freeze_existing(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    Household = apps.get_model("communities", "Household")
    ElectorateEntry = apps.get_model("consultations", "ElectorateEntry")
    ElectorateFreeze = apps.get_model("consultations", "ElectorateFreeze")
    now = timezone.now()
    opened = Consultation.objects.exclude(status="draft").filter(freezes__isnull=True)
    for c in opened.iterator():
        if c.stairwell_id:
            households = Household.objects.filter(stairwell_id=c.stairwell_id)
        elif c.building_id:
            households = Household.objects.filter(stairwell__building_id=c.building_id)
        else:
            households = Household.objects.filter(stairwell__building__estate_id=c.estate_id)
        ElectorateEntry.objects.bulk_create(
            ElectorateEntry(consultation_id=c.pk, household_id=pk, floor_area=area, owner_votes=1)
            for pk, area in households.values_list("pk", "floor_area")
        )
        totals = ElectorateEntry.objects.filter(consultation_id=c.pk).aggregate(
            n=Count("id"), votes=Sum("owner_votes"), area=Sum("floor_area")
        )
        ElectorateFreeze.objects.create(
            consultation_id=c.pk,
            kind="migration",
            frozen_at=now,
            reason=REASON,
            dwellings=totals["n"] or 0,
            owner_votes=totals["votes"] or 0,
            floor_area=totals["area"] or 0,
            changes={},
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_electorate_snapshot")]

    operations = [migrations.RunPython(freeze_existing, migrations.RunPython.noop)]
