"""Seeds the inspection categories the field reports use; cities edit the list in the admin."""

from django.db import migrations

from inspections.categories import DEFAULT_CATEGORIES, seed_categories


def seed(apps, schema_editor):
    seed_categories(apps.get_model("inspections", "Category"))


def unseed(apps, schema_editor):
    Category = apps.get_model("inspections", "Category")
    Category.objects.filter(code__in=[c[0] for c in DEFAULT_CATEGORIES], points__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
