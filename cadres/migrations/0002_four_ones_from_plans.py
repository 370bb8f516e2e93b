"""One truth for the "four ones": what plans had written as free text (county contact leader, first
secretary and dispatching unit, paired helping unit) becomes cadres records where cadres has none for the
organization, before rectification drops those plan columns (its 0007, which this runs before).

For each organization, its latest plan naming someone is used:

* contact leader: ``contact_leader_name`` ("name（post）" or "name，post"), else the linked account's name and
  post; a ContactLeader of the plan's county with that name is reused (or made, linked to the account), and
  paired with the organization from the plan's first cycle, unless a contact-leader pairing is running;
* helping unit: ``helping_unit``; a HelpingUnit of the county with that name is reused (or made, kind
  "other") and paired the same way, unless a helping-unit pairing is running;
* first secretary: ``first_secretary`` and ``first_secretary_unit``; a FirstSecretary for a 24-month term
  from the plan's first cycle, unless the organization has a first secretary record already.

The township leader stays the plan's own field. Reversing does nothing (the plan columns come back empty).
"""

import datetime as dt
import re

from django.db import migrations

NOTE = "迁自整顿方案（四个一）"


def _split(text: str) -> tuple[str, str]:
    text = text.strip()
    match = re.match(r"^([^（(，,、\s]+)\s*[（(，,、\s]\s*(.*?)[）)]?$", text)
    if match and match.group(2):
        return match.group(1)[:50], match.group(2)[:100]
    return text[:50], ""


def _start(plan, cycles) -> dt.date:
    started = cycles.get(plan.pk)
    if started is not None:
        return started
    confirmed = getattr(plan.designation, "confirmed_at", None)
    return confirmed.date() if confirmed else dt.date.today()


def forwards(apps, schema_editor):
    Plan = apps.get_model("rectification", "Plan")
    PlanCycle = apps.get_model("rectification", "PlanCycle")
    User = apps.get_model("organizations", "User")
    ContactLeader = apps.get_model("cadres", "ContactLeader")
    HelpingUnit = apps.get_model("cadres", "HelpingUnit")
    FirstSecretary = apps.get_model("cadres", "FirstSecretary")
    Pairing = apps.get_model("cadres", "Pairing")
    cycles = {}
    for plan_id, started_on in PlanCycle.objects.order_by("-number").values_list("plan_id", "started_on"):
        cycles[plan_id] = started_on  # the first cycle wins (read last)
    users = {}
    latest = {}
    for plan in Plan.objects.select_related("designation", "designation__round").order_by(
            "designation__round__year", "pk"):
        if plan.contact_leader_name or plan.contact_leader_id or plan.first_secretary or plan.helping_unit:
            latest[plan.organization_id] = plan  # the last (latest round) wins
    for org_id, plan in latest.items():
        since = _start(plan, cycles)
        scope = {"organization_id": org_id, "county_id": plan.county_id, "township_id": plan.township_id}
        running = Pairing.objects.filter(organization_id=org_id, ended_on__isnull=True)
        name, post = _split(plan.contact_leader_name) if plan.contact_leader_name else ("", "")
        if not name and plan.contact_leader_id:
            user = users.get(plan.contact_leader_id) or User.objects.filter(pk=plan.contact_leader_id).first()
            users[plan.contact_leader_id] = user
            if user is not None:
                name, post = (user.full_name or user.username)[:50], (user.post or "")[:100]
        if name and not running.filter(contact_leader__isnull=False).exists():
            leader = ContactLeader.objects.filter(division_id=plan.county_id, name=name).order_by("pk").first()
            if leader is None:
                leader = ContactLeader.objects.create(division_id=plan.county_id, name=name, post=post,
                                                      user_id=plan.contact_leader_id)
            Pairing.objects.create(contact_leader=leader, started_on=since, note=NOTE, **scope)
        unit_name = plan.helping_unit.strip()[:100]
        if unit_name and not running.filter(helping_unit__isnull=False).exists():
            unit = HelpingUnit.objects.filter(division_id=plan.county_id, name=unit_name).order_by("pk").first()
            if unit is None:
                unit = HelpingUnit.objects.create(division_id=plan.county_id, name=unit_name, kind="other")
            Pairing.objects.create(helping_unit=unit, started_on=since, note=NOTE, **scope)
        secretary = plan.first_secretary.strip()[:50]
        if secretary and not FirstSecretary.objects.filter(organization_id=org_id).exists():
            end = since.replace(year=since.year + 2) if not (since.month == 2 and since.day == 29) else \
                dt.date(since.year + 2, 2, 28)
            FirstSecretary.objects.create(name=secretary, dispatching_unit=plan.first_secretary_unit[:100],
                                          term_start=since, term_end=end, **scope)


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0001_initial"),
        ("rectification", "0004_summaryreport"),
    ]
    run_before = [
        ("rectification", "0007_plan_four_ones_from_cadres"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
