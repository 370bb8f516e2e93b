"""The plan no longer keeps the county contact leader, the first secretary (and dispatching unit) nor the
helping unit: they are the cadres records (cadres' 0002 moved what plans had written into them first, and
runs before this one). The township leader stays the plan's field."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("rectification", "0006_plan_cycle_acceptance_exception"),
    ]

    operations = [
        migrations.RemoveField(model_name=model, name=field)
        for model in ("plan", "historicalplan")
        for field in ("contact_leader", "contact_leader_name", "first_secretary", "first_secretary_unit",
                      "helping_unit")
    ]
