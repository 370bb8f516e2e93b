"""The daily digest: one notification per person per day listing all their overdue tasks and missing reports,
never one per item; only for the people of the organizations concerned (and the county admins, with a summary);
e-mailed when mail is configured; a bounded number of queries per county."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import Notification, Organization
from rectification.models import Plan, Task
from rectification.selectors.bimonthly_reports import system_reader
from rectification.selectors.ledger import overdue_tasks_q
from rectification.selectors.progress import late_and_missing_reports
from rectification.selectors.recipients import plan_people
from rectification.services.digests import (
    collect_county_digests,
    digest_key,
    people_of_organizations,
    send_county_digests,
)


@pytest.fixture(autouse=True)
def missing_reports(demo):
    """Two plans of township A lose a submitted report of a past period: those reports are missing now."""
    from rectification.models import PeriodReport

    today = timezone.localdate()
    for plan_id in (Plan.objects.filter(township=demo.township_a, reports__due_on__lt=today)
                    .order_by("pk").values_list("pk", flat=True).distinct()[:2]):
        PeriodReport.objects.filter(plan_id=plan_id, due_on__lt=today).order_by("period_start").first().delete()


def expected_items(county, day):
    """user id -> (overdue task ids' titles, missing reports) computed item by item with plan_people."""
    tasks = defaultdict(set)
    reports = defaultdict(set)
    people_cache = {}

    def people(org_id):
        if org_id not in people_cache:
            people_cache[org_id] = [u.pk for u in plan_people(Organization.objects.get(pk=org_id))]
        return people_cache[org_id]

    for task in Task.objects.filter(overdue_tasks_q(day), county=county):
        for user_id in people(task.organization_id):
            tasks[user_id].add((task.organization.name, task.title, task.deadline))
    flags = late_and_missing_reports(system_reader(), today=day, plans=Plan.objects.filter(county=county),
                                     flags=("missing",))
    for item in flags.items:
        for user_id in people(item.organization_id):
            reports[user_id].add((item.organization_name, item.period_start, item.period_end, item.due_on))
    return tasks, reports


def test_one_digest_per_person_listing_all_their_items(demo):
    today = timezone.localdate()
    tasks, reports = expected_items(demo.county1, today)
    assert tasks and reports, "the demo ledger has overdue tasks and missing reports"
    digests = collect_county_digests(demo.county1, today)
    for user_id in set(tasks) | set(reports):
        digest = digests[user_id]
        assert set(digest.tasks) == tasks[user_id]
        assert len(digest.tasks) == len(tasks[user_id])
        assert set(digest.reports) == reports[user_id]

    result = send_county_digests(demo.county1.pk, today.isoformat())
    rows = Notification.objects.filter(dedupe_key=digest_key(today))
    assert result["sent"] == rows.count() == len(digests)
    per_user = defaultdict(int)
    for row in rows:
        per_user[row.user_id] += 1
    assert set(per_user.values()) == {1}, "one digest per person, never one per item"
    organizer = demo.users["town_organizer"]
    body = rows.get(user=organizer).body
    assert len(tasks[organizer.pk]) + len(reports[organizer.pk]) > 1, "several items, one message"
    for _org, title, _deadline in sorted(tasks[organizer.pk], key=lambda t: (t[2], t[0]))[:5]:
        assert title in body
    for org_name, start, _end, _due in reports[organizer.pk]:
        assert org_name in body and f"{start.year}年{start.month}月{start.day}日" in body


def test_twice_the_same_day_sends_nothing_more_and_the_next_day_sends_again(demo):
    today = timezone.localdate()
    first = send_county_digests(demo.county1.pk, today.isoformat())
    again = send_county_digests(demo.county1.pk, today.isoformat())
    assert first["sent"] > 0 and again["sent"] == 0
    assert Notification.objects.filter(kind="digest").count() == first["sent"]
    tomorrow = today + dt.timedelta(days=1)
    assert send_county_digests(demo.county1.pk, tomorrow.isoformat())["sent"] > 0
    assert Notification.objects.filter(dedupe_key=digest_key(tomorrow)).count() > 0


def test_only_the_people_concerned(demo, make_persona):
    today = timezone.localdate()
    tasks, reports = expected_items(demo.county1, today)
    concerned = set(tasks) | set(reports)
    send_county_digests(demo.county1.pk, today.isoformat())
    county_admin = demo.users["county_admin"]
    got = set(Notification.objects.filter(dedupe_key=digest_key(today)).values_list("user_id", flat=True))
    assert got == concerned | {county_admin.pk}
    assert demo.users["other_county_admin"].pk not in got
    assert demo.users["city_reviewer"].pk not in got
    # The county admin gets the county summary with the county's counts.
    digest = collect_county_digests(demo.county1, today)[county_admin.pk]
    total = Task.objects.filter(overdue_tasks_q(today), county=demo.county1).count()
    assert str(total) in digest.summary[0] and demo.county1.name in digest.summary[0]


def test_the_recipients_are_the_people_of_the_plan(demo, make_persona):
    """Checked against the rule written out from the assignment rows (division codes, not the query)."""
    from organizations.models import ObjectAssignment, RoleAssignment
    from organizations.roles import Role

    village_org = Organization.objects.filter(division=demo.village_a).order_by("pk").first()
    make_persona("first_sec_x", role=Role.FIRST_SECRETARY, organizations=[village_org])
    make_persona("other_town_x", role=Role.TOWNSHIP_ORGANIZER, division=demo.township_b)
    organizations = list(Organization.objects.filter(county=demo.county1).order_by("pk")[:40]) + [village_org]
    bulk = people_of_organizations([o.pk for o in organizations])
    for organization in organizations:
        code = organization.division.code
        expected = set()
        for user_id, role, division_code in RoleAssignment.objects.values_list("user_id", "role",
                                                                                "division__code"):
            if role in (Role.TOWNSHIP_ORGANIZER, Role.TOWNSHIP_SECRETARY) and division_code[:9] == code[:9] \
                    and division_code.endswith("000"):
                expected.add(user_id)
            if role in (Role.VILLAGE_SECRETARY, Role.FIRST_SECRETARY) and division_code == code:
                expected.add(user_id)
        expected |= set(ObjectAssignment.objects.filter(organization=organization).exclude(
            role__in=[Role.COUNTY_LEADER, Role.EVALUATOR, Role.REVIEWER]).values_list("user_id", flat=True))
        assert bulk[organization.pk] == expected, organization.name
        assert [u.pk for u in plan_people(organization)] == sorted(expected)


def test_digests_are_emailed_when_mail_is_configured(demo, settings, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    organizer = demo.users["town_organizer"]
    organizer.email = "organizer@example.org"
    organizer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        send_county_digests(demo.county1.pk, today.isoformat())
    sent = [m for m in mail.outbox if m.to == ["organizer@example.org"]]
    assert len(sent) == 1
    row = Notification.objects.get(user=organizer, dedupe_key=digest_key(today))
    assert sent[0].subject == row.title and row.emailed_at is not None

    mail.outbox.clear()
    settings.NOTIFICATIONS_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        send_county_digests(demo.county1.pk, (today + dt.timedelta(days=1)).isoformat())
    assert mail.outbox == []


@pytest.mark.parametrize("extra", [30])
def test_queries_do_not_grow_with_the_items(demo, extra):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as before:
        send_county_digests(demo.county1.pk, today.isoformat())
    # Many more overdue tasks on other organizations' plans.
    template = Task.objects.filter(county=demo.county1, cycle__closed_on__isnull=True).first()
    added = []
    for plan in Plan.objects.filter(county=demo.county1).exclude(pk=template.plan_id)[:extra]:
        cycle = plan.cycles.filter(closed_on__isnull=True).first() if hasattr(plan, "cycles") else None
        if cycle is None:
            continue
        measure = plan.measures.first()
        if measure is None:
            continue
        task = Task(plan=plan, measure=measure, cycle=cycle, title="新增逾期任务", owner_name="王某",
                    deadline=today - dt.timedelta(days=3))
        task.copy_scope_from(plan)
        added.append(task)
    Task.objects.bulk_create(added)
    assert added
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    with CaptureQueriesContext(connection) as after:
        send_county_digests(demo.county1.pk, tomorrow)
    assert len(after) <= len(before) + 2, (len(before), len(after))
    assert len(after) <= 25
