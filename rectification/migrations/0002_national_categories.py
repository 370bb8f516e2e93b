from django.db import migrations

from rectification.categories import NATIONAL_CATEGORIES


def add_categories(apps, schema_editor):
    Category = apps.get_model("rectification", "Category")
    for index, (code, name) in enumerate(NATIONAL_CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, county=None, defaults={"name": name, "sort_order": index})


def remove_categories(apps, schema_editor):
    Category = apps.get_model("rectification", "Category")
    Category.objects.filter(county=None, code__in=[c for c, _ in NATIONAL_CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
