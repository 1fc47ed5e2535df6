"""Ships the common subsidy policies and sharing-scheme templates as data."""

from django.db import migrations

from elevators.catalogue import POLICIES, SCHEMES, seed_catalogue


def seed(apps, schema_editor):
    seed_catalogue(
        apps.get_model("elevators", "SubsidyPolicy"),
        apps.get_model("elevators", "SharingScheme"),
        apps.get_model("elevators", "SchemeFloor"),
    )


def unseed(apps, schema_editor):
    apps.get_model("elevators", "SubsidyPolicy").objects.filter(
        name__in=[p[0] for p in POLICIES], retrofits__isnull=True
    ).delete()
    apps.get_model("elevators", "SharingScheme").objects.filter(
        name__in=[s[0] for s in SCHEMES], retrofits__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("elevators", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
