"""The escalation ladder (issue 14 item 1) through its services and the daily job: triggers per policy, one open
escalation per organization and cause (the job runs twice), resolution stops the clock and is not undone by the
next run, each rung's record, the county leader's instruction and the circular, and who is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from organizations.jobs import run_job_now
from organizations.models import Notification, Organization
from organizations.services.grants import policy_set
from rectification.models import (
    Cause,
    ContactVisit,
    Escalation,
    EscalationStep,
    Instruction,
    Plan,
    Rung,
    Task,
    TaskStatus,
)
from rectification.periods import ONGOING_STATUSES
from rectification.services.escalations import (
    circular_issue,
    escalation_escalate,
    escalation_open,
    escalation_resolve,
    instruction_write,
    raise_county_escalations,
)


def today() -> dt.date:
    return timezone.localdate()


def overdue_organizations(county, day: dt.date, days: int) -> set[int]:
    """Organizations of the county in rectification with an open task of the open cycle ``days`` or more late."""
    return set(Task.objects.filter(
        county=county, cycle__closed_on__isnull=True, deadline__lte=day - dt.timedelta(days=days),
        plan__designation__status__in=ONGOING_STATUSES).exclude(status=TaskStatus.DONE).values_list(
        "organization_id", flat=True))


def clean_slate(county):
    """Without the demo's escalations (the ladder it climbed), for tests comparing what the job raises."""
    Escalation.objects.filter(county=county).delete()


def open_escalations(county, cause=None):
    rows = Escalation.objects.filter(county=county, resolved_on__isnull=True)
    return rows.filter(cause=cause) if cause else rows


def test_the_job_raises_one_reminder_per_organization_and_cause_and_runs_twice(demo):
    county = demo.county1
    expected = overdue_organizations(county, today(), 15)
    assert expected, "the demo should have tasks overdue by the policy's 15 days"
    before = set(Escalation.objects.values_list("pk", flat=True))
    first = run_job_now("escalations", county_id=county.pk, today=today())
    rows = open_escalations(county, Cause.OVERDUE_TASKS)
    assert set(rows.values_list("organization_id", flat=True)) == expected
    new = Escalation.objects.exclude(pk__in=before)
    assert all(e.rung == Rung.REMINDER and e.opened_on == today() and e.steps.count() == 1 for e in new)
    assert first["raised"] == new.count()
    counts = dict(Escalation.objects.values_list("cause").annotate(n=Count("pk")))
    steps = EscalationStep.objects.count()
    notifications = Notification.objects.count()
    second = run_job_now("escalations", county_id=county.pk, today=today())
    assert second["raised"] == 0 and second["cleared"] == 0
    assert dict(Escalation.objects.values_list("cause").annotate(n=Count("pk"))) == counts
    assert EscalationStep.objects.count() == steps and Notification.objects.count() == notifications
    # The other county's escalations are its own job's.
    assert not Escalation.objects.filter(county=demo.county2).exists()


def test_the_policy_decides_the_days(demo):
    county = demo.county1
    clean_slate(county)
    late = Task.objects.filter(county=county, cycle__closed_on__isnull=True, deadline__lt=today(),
                               plan__designation__status__in=ONGOING_STATUSES).exclude(status=TaskStatus.DONE)
    most = max((today() - t.deadline).days for t in late)
    policy_set(user=demo.users["county_admin"], division=county, key="escalation_task_overdue_days", value=most + 1)
    raise_county_escalations(county.pk, today())
    assert not open_escalations(county, Cause.OVERDUE_TASKS).exists()
    policy_set(user=demo.users["county_admin"], division=county, key="escalation_task_overdue_days", value=most)
    raise_county_escalations(county.pk, today())
    assert set(open_escalations(county, Cause.OVERDUE_TASKS).values_list("organization_id", flat=True)) == \
        overdue_organizations(county, today(), most)
    assert open_escalations(county, Cause.OVERDUE_TASKS).first().policy == {"escalation_task_overdue_days": most}


def test_resolution_stops_the_clock_and_is_not_undone_by_the_next_run(demo):
    county = demo.county1
    clean_slate(county)
    raise_county_escalations(county.pk, today())
    escalation = open_escalations(county, Cause.OVERDUE_TASKS).first()
    later = today() + dt.timedelta(days=5)
    escalation_resolve(user=demo.users["county_admin"], escalation=escalation, resolved_on=today(),
                       resolution="乡镇党委已督促，说明延期原因", today=later)
    escalation.refresh_from_db()
    assert escalation.days_open(later + dt.timedelta(days=30)) == 0
    raise_county_escalations(county.pk, later)
    assert not open_escalations(county, Cause.OVERDUE_TASKS).filter(organization=escalation.organization).exists()
    # A task newly overdue is a new subject: a new reminder.
    task = Task.objects.filter(organization=escalation.organization, cycle__closed_on__isnull=True).exclude(
        pk__in=[int(s.split("-")[1]) for s in escalation.subjects]).exclude(status=TaskStatus.DONE).first() or \
        Task.objects.filter(organization=escalation.organization, status=TaskStatus.DONE,
                            cycle__closed_on__isnull=True).first()
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS, deadline=later - dt.timedelta(days=20))
    raise_county_escalations(county.pk, later)
    reopened = open_escalations(county, Cause.OVERDUE_TASKS).get(organization=escalation.organization)
    assert f"task-{task.pk}" in reopened.subjects


def test_a_reminder_whose_cause_cleared_is_resolved_by_the_job(demo):
    county = demo.county1
    clean_slate(county)
    raise_county_escalations(county.pk, today())
    escalation = open_escalations(county, Cause.OVERDUE_TASKS).first()
    Task.objects.filter(organization=escalation.organization).update(status=TaskStatus.DONE, progress=100)
    result = raise_county_escalations(county.pk, today())
    assert result["cleared"] >= 1
    escalation.refresh_from_db()
    assert escalation.resolved_on == today() and escalation.resolution


def test_escalating_to_supervision_lists_the_organization_and_tells_the_township(demo):
    escalation = escalation_open(user=demo.users["county_admin"], organization=quiet_organization(demo.township_a),
                                 reason="组织生活不正常", today=today())
    with pytest.raises(PermissionDenied):
        escalation_escalate(user=demo.users["town_organizer"], escalation=escalation, rung=Rung.SUPERVISION,
                            taken_on=today(), content="限期整改")
    before = Notification.objects.filter(user=demo.users["town_organizer"]).count()
    step = escalation_escalate(user=demo.users["county_admin"], escalation=escalation, rung=Rung.SUPERVISION,
                               taken_on=today(), content="挂牌督办：限期完成逾期任务", document_number="仙组督〔2026〕3号")
    escalation.refresh_from_db()
    assert escalation.rung == Rung.SUPERVISION and escalation.is_listed
    assert step.deadline == today() + dt.timedelta(days=30) == escalation.deadline
    assert Notification.objects.filter(user=demo.users["town_organizer"]).count() == before + 1
    # Not back down, and an interview needs its record.
    with pytest.raises(ValidationError):
        escalation_escalate(user=demo.users["county_admin"], escalation=escalation, rung=Rung.REMINDER,
                            taken_on=today(), content="x")
    with pytest.raises(ValidationError) as error:
        escalation_escalate(user=demo.users["county_admin"], escalation=escalation, rung=Rung.INTERVIEW,
                            taken_on=today(), content="进度滞后", interviewer="县委组织部副部长")
    assert set(error.value.message_dict) == {"interviewee"}
    step = escalation_escalate(user=demo.users["county_admin"], escalation=escalation, rung=Rung.INTERVIEW,
                               taken_on=today(), content="进度滞后", interviewer="县委组织部副部长",
                               interviewee="村党支部书记", commitments="一个月内完成",
                               follow_up_on=today() + dt.timedelta(days=20))
    escalation.refresh_from_db()
    assert escalation.rung == Rung.INTERVIEW and escalation.deadline == step.follow_up_on
    with pytest.raises(ValidationError):
        escalation_escalate(user=demo.users["county_admin"], escalation=escalation, rung=Rung.ACCOUNTABILITY,
                            taken_on=today(), content="诫勉谈话")  # no document number
    escalation_escalate(user=demo.users["county_admin"], escalation=escalation, rung=Rung.ACCOUNTABILITY,
                        taken_on=today(), content="对村党支部书记诫勉谈话", document_number="仙纪〔2026〕12号")
    assert [s.rung for s in escalation.steps.all()] == [Rung.REMINDER, Rung.SUPERVISION, Rung.INTERVIEW,
                                                        Rung.ACCOUNTABILITY]


def quiet_organization(division):
    """An organization under ``division`` with no open escalation."""
    return Organization.objects.filter(**{f"{division.level}_id": division.pk}).exclude(
        pk__in=Escalation.objects.filter(resolved_on__isnull=True).values("organization_id")).order_by("pk").first()


def test_a_township_may_remind_but_one_open_per_cause(demo):
    organization = quiet_organization(demo.township_a)
    escalation = escalation_open(user=demo.users["town_organizer"], organization=organization,
                                 reason="三会一课记录不全", today=today())
    assert escalation.rung == Rung.REMINDER and escalation.opened_by == demo.users["town_organizer"]
    with pytest.raises(ValidationError):
        escalation_open(user=demo.users["town_organizer"], organization=organization, reason="again", today=today())
    other = quiet_organization(demo.township_b)
    with pytest.raises(PermissionDenied):
        escalation_open(user=demo.users["town_organizer"], organization=other, reason="x", today=today())
    with pytest.raises(PermissionDenied):
        escalation_open(user=demo.users["village_secretary"], organization=demo.org_in(demo.village_a),
                        cause=Cause.VISITS, reason="x", today=today())


def test_a_county_leader_instruction_tells_the_people_concerned(demo):
    organization = demo.org_in(demo.village_a)
    escalation = Escalation.objects.filter(organization=organization, resolved_on__isnull=True).first() or \
        escalation_open(user=demo.users["county_admin"], organization=organization, reason="组织生活不正常",
                        today=today())
    with pytest.raises(PermissionDenied):
        instruction_write(user=demo.users["county_admin"], escalation=escalation, text="x")
    instruction = instruction_write(user=demo.users["county_leader"], escalation=escalation,
                                    text="请组织部牵头，一周内拿出整改意见。")
    told = set(Notification.objects.filter(dedupe_key=f"instruction-{instruction.pk}").values_list(
        "user__username", flat=True))
    assert {"county_admin", "town_organizer", "village_secretary"} <= told
    assert "county_leader" not in told and "other_county_admin" not in told
    on_org = instruction_write(user=demo.users["county_leader"], organization=organization, text="要抓紧。")
    assert on_org.escalation is None
    assert set(Instruction.objects.filter(organization=organization).values_list("pk", flat=True)) >= {
        instruction.pk, on_org.pk}
    with pytest.raises(PermissionDenied):
        instruction_write(user=demo.users["county_leader"], organization=Organization.objects.filter(
            county=demo.county2).first(), text="x")


def test_a_circular_lists_organizations_and_takes_them_to_the_circular_rung(demo):
    county = demo.county1
    raise_county_escalations(county.pk, today())
    chosen = list(open_escalations(county).filter(rung__in=[Rung.REMINDER, Rung.SUPERVISION])[:2])
    assert len(chosen) == 2
    circular = circular_issue(user=demo.users["county_admin"], county=county, number="仙组通〔2026〕5号",
                              title="关于软弱涣散村党组织整顿进展滞后情况的通报", issued_on=today(),
                              body="现将有关情况通报如下。", escalations=chosen,
                              reasons={chosen[0].pk: "任务逾期未完成"})
    assert circular.steps.count() == 2
    for escalation in chosen:
        escalation.refresh_from_db()
        assert escalation.rung == Rung.CIRCULAR
    assert circular.steps.get(escalation=chosen[0]).content == "任务逾期未完成"
    with pytest.raises(ValidationError):
        circular_issue(user=demo.users["county_admin"], county=county, number="仙组通〔2026〕5号", title="x",
                       issued_on=today(), escalations=[open_escalations(county).exclude(
                           rung=Rung.CIRCULAR).first()])
    with pytest.raises(PermissionDenied):
        circular_issue(user=demo.users["other_county_admin"], county=county, number="x", title="x",
                       issued_on=today(), escalations=chosen)


def test_visits_short_months_running(demo):
    county = demo.county1
    clean_slate(county)
    policy_set(user=demo.users["county_admin"], division=county, key="escalation_visit_months", value=1)
    first = today().replace(day=1)
    last_month = (first - dt.timedelta(days=1)).replace(day=1)
    plans = Plan.objects.filter(county=county, designation__status__in=ONGOING_STATUSES,
                                designation__confirmed_at__date__lt=last_month).annotate(
        n=Count("visits", filter=Q(visits__visited_on__gte=last_month, visits__visited_on__lt=first)))
    short = {p.organization_id for p in plans if p.n < 3}
    raise_county_escalations(county.pk, today())
    assert set(open_escalations(county, Cause.VISITS).values_list("organization_id", flat=True)) == short
    # Visits logged for every plan last month: nothing short any more, the reminders clear.
    if short:
        plan = plans.get(organization_id=next(iter(short)))
        for day in range(1, 4):
            visit = ContactVisit(plan=plan, visited_on=last_month + dt.timedelta(days=day), discussed="走访")
            visit.copy_scope_from(plan)
            visit.save()
        raise_county_escalations(county.pk, today())
        assert not open_escalations(county, Cause.VISITS).filter(organization_id=plan.organization_id).exists()


def test_reports_missing_periods_running(demo):
    from rectification.selectors.bimonthly_reports import system_reader
    from rectification.selectors.progress import LATE, MISSING, ON_TIME, late_and_missing_reports

    county = demo.county1
    clean_slate(county)
    policy_set(user=demo.users["county_admin"], division=county, key="escalation_report_periods", value=1)
    flags = late_and_missing_reports(system_reader(), today=today(), plans=Plan.objects.filter(
        county=county, designation__status__in=ONGOING_STATUSES), flags=(MISSING, LATE, ON_TIME))
    last = {}
    for item in sorted(flags.items, key=lambda i: i.period_start):
        last[item.organization_id] = item.flag
    expected = {org for org, flag in last.items() if flag in (MISSING, LATE)}
    raise_county_escalations(county.pk, today())
    assert set(open_escalations(county, Cause.REPORTS).values_list("organization_id", flat=True)) == expected


def test_a_reminder_unanswered_past_its_deadline_goes_up_to_supervision_by_itself(demo):
    """The daily job takes a reminder still open after its deadline (plus the policy's days) up to 督办: the step
    is recorded under the system account, the escalation's history keeps the change, the organization's people and
    the county admins are told, and a second run changes nothing."""
    county = demo.county1
    clean_slate(county)
    by_hand = escalation_open(user=demo.users["town_organizer"], organization=quiet_organization(demo.township_a),
                              reason="“三会一课”记录不全", today=today())
    raise_county_escalations(county.pk, today())
    by_job = open_escalations(county, Cause.OVERDUE_TASKS).first()
    deadline = by_hand.deadline
    assert by_job.deadline == deadline == today() + dt.timedelta(days=10)
    # On the deadline itself nothing moves.
    assert raise_county_escalations(county.pk, deadline)["supervised"] == 0
    by_hand.refresh_from_db()
    assert by_hand.rung == Rung.REMINDER
    history = by_hand.history.count()
    later = deadline + dt.timedelta(days=1)
    result = raise_county_escalations(county.pk, later)
    reminders = open_escalations(county).filter(opened_on=today())
    assert result["supervised"] == reminders.count() >= 2
    for escalation in (by_hand, by_job):
        escalation.refresh_from_db()
        assert escalation.rung == Rung.SUPERVISION and escalation.is_listed and escalation.rung_since == later
        assert escalation.deadline == later + dt.timedelta(days=30)  # escalation_supervision_days
        assert escalation.policy["escalation_auto_supervision_days"] == 0
        step = escalation.steps.get(rung=Rung.SUPERVISION)
        assert step.taken_on == later and step.entered_by.username == "system-ledger" and step.deadline == \
            escalation.deadline
        told = set(Notification.objects.filter(dedupe_key=f"escalation-step-{step.pk}").values_list(
            "user__username", flat=True))
        assert "county_admin" in told
    assert "town_organizer" in set(Notification.objects.filter(
        dedupe_key=f"escalation-step-{by_hand.steps.get(rung=Rung.SUPERVISION).pk}").values_list(
        "user__username", flat=True))
    assert by_hand.history.count() == history + 1
    assert by_hand.history.first().rung == Rung.SUPERVISION
    # Twice: nothing more.
    steps, notifications = EscalationStep.objects.count(), Notification.objects.count()
    again = raise_county_escalations(county.pk, later)
    assert again["supervised"] == 0 and again["raised"] == 0
    assert EscalationStep.objects.count() == steps and Notification.objects.count() == notifications


def test_the_policy_gives_the_days_past_the_deadline_and_resolved_ones_stay(demo):
    county = demo.county1
    clean_slate(county)
    policy_set(user=demo.users["county_admin"], division=county, key="escalation_auto_supervision_days", value=5)
    first = escalation_open(user=demo.users["county_admin"], organization=quiet_organization(demo.township_a),
                            reason="组织生活不正常", today=today())
    second = escalation_open(user=demo.users["county_admin"], organization=quiet_organization(demo.township_b),
                             reason="党员发展程序不规范", today=today())
    escalation_resolve(user=demo.users["county_admin"], escalation=second, resolved_on=today(),
                       resolution="已整改到位")
    late = first.deadline + dt.timedelta(days=5)
    raise_county_escalations(county.pk, late)
    first.refresh_from_db()
    assert first.rung == Rung.REMINDER
    raise_county_escalations(county.pk, late + dt.timedelta(days=1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.rung == Rung.SUPERVISION and first.policy["escalation_auto_supervision_days"] == 5
    assert second.rung == Rung.REMINDER and second.resolved_on == today()
