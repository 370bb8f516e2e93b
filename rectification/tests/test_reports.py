"""Period reports: period arithmetic from the policy, drafts, freezing on submit, late and missing flags,
what changed since the previous report; the page and the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from organizations import services as org_services
from organizations.policies import PolicyBook, effective_policy
from rectification import periods, services
from rectification.models import PeriodReport, ReportStatus, Task
from rectification.selectors.progress import late_and_missing_reports, report_changes

from .progress_support import make_rectifying_plan, village_in

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def plan(demo):
    return make_rectifying_plan(demo)


def at(monkeypatch, day: dt.date, hour: int = 9):
    """Make ``timezone.now()`` a fixed moment of ``day`` (submission times are real timestamps)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.mark.parametrize("interval,day,start,end", [
    (1, D(2026, 2, 14), D(2026, 2, 1), D(2026, 2, 28)),
    (1, D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29)),
    (2, D(2026, 1, 1), D(2026, 1, 1), D(2026, 2, 28)),
    (2, D(2026, 4, 30), D(2026, 3, 1), D(2026, 4, 30)),
    (2, D(2026, 12, 31), D(2026, 11, 1), D(2026, 12, 31)),
    (3, D(2026, 3, 31), D(2026, 1, 1), D(2026, 3, 31)),
    (3, D(2026, 8, 15), D(2026, 7, 1), D(2026, 9, 30)),
    (5, D(2026, 12, 2), D(2026, 11, 1), D(2026, 12, 31)),  # the year's last period stops on 31 December
    (12, D(2026, 6, 1), D(2026, 1, 1), D(2026, 12, 31)),
])
def test_periods_are_aligned_on_the_calendar_year(interval, day, start, end):
    period = periods.period_of(day, interval_months=interval, grace_days=10)
    assert (period.start, period.end, period.due_on) == (start, end, end + dt.timedelta(days=10))


def test_periods_between_cover_the_window_without_gaps():
    found = periods.periods_between(D(2026, 3, 15), D(2026, 11, 23), interval_months=2, grace_days=10)
    assert [(p.start, p.end) for p in found] == [
        (D(2026, 3, 1), D(2026, 4, 30)), (D(2026, 5, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 8, 31)),
        (D(2026, 9, 1), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 12, 31))]
    quarters = periods.periods_between(D(2025, 11, 5), D(2026, 4, 1), interval_months=3, grace_days=0)
    assert [p.start for p in quarters] == [D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1)]


def test_a_township_override_changes_its_plans_periods_only(demo, plan):
    admin = demo.users["county_admin"]
    org_services.policy_set(user=admin, division=demo.township_a, key="report_interval_months", value=3)
    org_services.policy_set(user=admin, division=demo.county1, key="report_grace_days", value=15)
    other = make_rectifying_plan(demo, organization=village_in(demo.township_b))
    book = PolicyBook(periods.REPORT_POLICY_KEYS)
    for p, months in ((plan, 3), (other, 2)):
        official = effective_policy(p.organization.division)
        assert book.for_organization(p.organization) == official.snapshot(periods.REPORT_POLICY_KEYS)
        assert official["report_interval_months"] == months and official["report_grace_days"] == 15
    drafts = services.reports_ensure(plan=plan, today=D(2026, 11, 23))
    assert [(r.period_start, r.period_end, r.due_on) for r in drafts] == [
        (D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 15)), (D(2026, 4, 1), D(2026, 6, 30), D(2026, 7, 15)),
        (D(2026, 7, 1), D(2026, 9, 30), D(2026, 10, 15)), (D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 15))]
    assert [r.period_start for r in services.reports_ensure(plan=other, today=D(2026, 11, 23))] == [
        D(2026, 3, 1), D(2026, 5, 1), D(2026, 7, 1), D(2026, 9, 1), D(2026, 11, 1)]
    with pytest.raises(ValidationError) as excinfo:
        services.report_prepare(plan=plan, period_start=D(2026, 3, 1))  # not a quarter's start
    assert "3" in excinfo.value.messages[0]


def test_monthly_policy(demo, plan):
    org_services.policy_set(user=demo.users["county_admin"], division=demo.county1, key="report_interval_months",
                            value=1)
    drafts = services.reports_ensure(plan=plan, today=D(2026, 6, 2))
    assert [r.period_start.month for r in drafts] == [3, 4, 5, 6]
    assert drafts[0].period_end == D(2026, 3, 31) and drafts[0].due_on == D(2026, 4, 10)


def test_prepare_is_idempotent(demo, plan):
    first = services.report_prepare(plan=plan, period_start=D(2026, 9, 1))
    again = services.report_prepare(plan=plan, period_start=D(2026, 9, 1))
    assert first.pk == again.pk and first.status == ReportStatus.DRAFT
    assert PeriodReport.objects.filter(plan=plan).count() == 1
    assert (first.organization_id, first.county_id, first.township_id) == (
        plan.organization_id, plan.county_id, plan.township_id)
    services.reports_ensure(plan=plan, today=D(2026, 11, 23))
    services.reports_ensure(plan=plan, today=D(2026, 11, 23))
    assert PeriodReport.objects.filter(plan=plan).count() == 5


def _entry(demo, plan, day, text, task=None):
    return services.progress_entry_add(user=demo.users["town_organizer"], plan=plan, task=task, happened_on=day,
                                       content=text, today=day)


def test_submit_freezes_the_report(demo, plan, monkeypatch):
    organizer = demo.users["town_organizer"]
    first, second = Task.objects.filter(plan=plan).order_by("deadline")
    _entry(demo, plan, D(2026, 9, 15), "制定学习计划并印发", task=first)
    services.task_update(user=organizer, task=first, expected_version=first.version, progress=60)
    report = services.report_prepare(plan=plan, period_start=D(2026, 9, 1))
    at(monkeypatch, D(2026, 11, 5))
    report = services.report_submit(user=organizer, report=report, summary="计划已制定，正在落实。")
    frozen = PeriodReport.objects.get(pk=report.pk)
    assert frozen.status == ReportStatus.SUBMITTED and frozen.submitted_by == organizer
    assert [e["content"] for e in frozen.snapshot["entries"]] == ["制定学习计划并印发"]
    assert {t["title"]: (t["status"], t["progress"]) for t in frozen.snapshot["tasks"]} == {
        first.title: ("in_progress", 60), second.title: ("pending", 0)}
    assert frozen.policy == {"report_interval_months": 2, "report_grace_days": 10, "contact_visits_per_month": 3}
    snapshot = frozen.snapshot

    # Later progress (next period) and task changes do not touch the submitted report.
    at(monkeypatch, D(2026, 11, 10))
    first.refresh_from_db()
    services.task_update(user=organizer, task=first, expected_version=first.version, status="done")
    _entry(demo, plan, D(2026, 11, 10), "学习计划全部完成")
    frozen.refresh_from_db()
    assert frozen.snapshot == snapshot and frozen.summary == "计划已制定，正在落实。"
    # An entry dated inside the submitted period is refused (the report cannot change).
    with pytest.raises(ValidationError) as excinfo:
        _entry(demo, plan, D(2026, 10, 30), "补录")
    assert "happened_on" in excinfo.value.message_dict
    # Resubmitting is refused, by the service and by the page (which has no form any more).
    with pytest.raises(ValidationError):
        services.report_submit(user=organizer, report=frozen, summary="改写")
    from django.test import Client

    client = Client()
    client.force_login(organizer)
    page = client.get(reverse("rectification:report", args=[frozen.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    assert "学习计划全部完成" not in page.content.decode() and "制定学习计划并印发" in page.content.decode()
    client.post(reverse("rectification:report", args=[frozen.pk]), {"summary": "改写"})
    frozen.refresh_from_db()
    assert frozen.summary == "计划已制定，正在落实。" and frozen.snapshot == snapshot


def test_only_township_and_county_submit(demo, plan):
    report = services.report_prepare(plan=plan, period_start=D(2026, 9, 1))
    for username in ("village_secretary", "county_leader", "contact_leader", "other_county_admin"):
        with pytest.raises(PermissionDenied):
            services.report_submit(user=demo.users[username], report=report, summary="x")
    with pytest.raises(ValidationError):
        services.report_submit(user=demo.users["town_organizer"], report=report, summary="  ")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_late_and_missing_flags(demo, plan, monkeypatch):
    organizer = demo.users["town_organizer"]
    drafts = {r.period_start: r for r in services.reports_ensure(plan=plan, today=D(2026, 11, 23))}
    at(monkeypatch, D(2026, 5, 8))  # Mar-Apr is due on 10 May: on time
    services.report_submit(user=organizer, report=drafts[D(2026, 3, 1)], summary="按时报送")
    at(monkeypatch, D(2026, 7, 20))  # May-Jun was due on 10 July: late
    services.report_submit(user=organizer, report=drafts[D(2026, 5, 1)], summary="迟报")
    monkeypatch.undo()

    from rectification.models import Plan

    only = Plan.objects.filter(pk=plan.pk)
    flags = late_and_missing_reports(demo.users["county_admin"], today=D(2026, 11, 23), plans=only,
                                     flags={"missing", "late", "on_time", "open"})
    assert [(i.period_start, i.flag) for i in flags.items] == [
        (D(2026, 3, 1), "on_time"), (D(2026, 5, 1), "late"), (D(2026, 7, 1), "missing"), (D(2026, 9, 1), "missing"),
        (D(2026, 11, 1), "open")]
    township = next(c for c in flags.by_township if c.division_id == demo.township_a.pk)
    assert (township.due, township.on_time, township.late, township.missing, township.open) == (4, 1, 1, 2, 1)
    assert [c.name for c in flags.by_county] == [demo.county1.name]
    # Earlier in the year fewer periods are due: Jul-Aug is due on 10 September.
    earlier = late_and_missing_reports(demo.users["county_admin"], today=D(2026, 9, 10), plans=only)
    assert [(i.period_start, i.flag) for i in earlier.items] == [(D(2026, 5, 1), "late")]
    later = late_and_missing_reports(demo.users["county_admin"], today=D(2026, 9, 11), plans=only)
    assert [(i.period_start, i.flag) for i in later.items] == [(D(2026, 5, 1), "late"), (D(2026, 7, 1), "missing")]
    # Out of scope: another county's admin, another township's organizer see nothing of it.
    assert late_and_missing_reports(demo.users["other_county_admin"], today=D(2026, 11, 23), plans=only).items == []


def test_missing_is_flagged_even_without_a_draft_row(demo, plan):
    from rectification.models import Plan

    assert not PeriodReport.objects.filter(plan=plan).exists()
    flags = late_and_missing_reports(demo.users["town_organizer"], today=D(2026, 7, 11),
                                     plans=Plan.objects.filter(pk=plan.pk))
    assert [(i.period_start, i.flag, i.report_id) for i in flags.items] == [
        (D(2026, 3, 1), "missing", None), (D(2026, 5, 1), "missing", None)]


def test_what_changed_since_the_previous_report(demo, plan, monkeypatch):
    organizer = demo.users["town_organizer"]
    first, second = Task.objects.filter(plan=plan).order_by("deadline")
    reports = {r.period_start: r for r in services.reports_ensure(plan=plan, today=D(2026, 11, 23))}
    _entry(demo, plan, D(2026, 7, 3), "召开动员会")
    services.task_update(user=organizer, task=second, expected_version=second.version, progress=20)
    at(monkeypatch, D(2026, 9, 2))
    services.report_submit(user=organizer, report=reports[D(2026, 7, 1)], summary="起步")
    monkeypatch.undo()
    first.refresh_from_db()
    second.refresh_from_db()
    services.task_update(user=organizer, task=first, expected_version=first.version, status="done")
    services.task_update(user=organizer, task=second, expected_version=second.version, progress=50)
    measure = first.measure
    new_task = services.task_add(user=organizer, measure=measure, title="建立党员积分台账", owner_name="林",
                                 deadline=D(2026, 12, 20))
    for day, text in ((D(2026, 9, 5), "学习计划完成"), (D(2026, 9, 20), "召开党员大会"), (D(2026, 10, 8), "开展主题党日")):
        _entry(demo, plan, day, text)
    draft = reports[D(2026, 9, 1)]
    changes = report_changes(draft)  # a draft compares the live ledger with the previous submitted snapshot
    assert changes.previous.period_start == D(2026, 7, 1)
    assert [t["id"] for t in changes.newly_done] == [first.pk]
    assert {t["id"]: (t["before"], t["after"], t["delta"]) for t in changes.progressed} == {
        first.pk: (0, 100, 100), second.pk: (20, 50, 30)}
    assert [t["id"] for t in changes.new_tasks] == [new_task.pk]
    assert (changes.entries_now, changes.entries_before, changes.entries_delta) == (3, 1, 2)
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(organizer)
    page = client.get(reverse("rectification:report", args=[draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "20% → 50%" in html and "建立党员积分台账" in html
    # Submitting keeps the comparison (now against the frozen snapshots).
    services.report_submit(user=organizer, report=draft, summary="推进")
    draft.refresh_from_db()
    assert [t["id"] for t in report_changes(draft).newly_done] == [first.pk]
    first_report = PeriodReport.objects.get(pk=reports[D(2026, 7, 1)].pk)
    assert report_changes(first_report).previous is None


def test_reports_page_shows_flags_in_scope_with_filters(demo, plan, login, monkeypatch):
    organizer = demo.users["town_organizer"]
    drafts = {r.period_start: r for r in services.reports_ensure(plan=plan)}
    at(monkeypatch, D(2026, 7, 20))
    services.report_submit(user=organizer, report=drafts[D(2026, 5, 1)], summary="迟报")
    monkeypatch.undo()
    round_id = plan.designation.round_id
    client = login("county_admin")
    page = client.get(reverse("rectification:reports"), {"round": round_id, "flag": "late_or_missing"})
    assert page.status_code == 200
    flags = {(i.period_start, i.flag) for i in page.context["items"]}
    today = timezone.localdate()
    expected_missing = {p.start for p in periods.periods_between(D(2026, 3, 15), today, interval_months=2,
                                                                  grace_days=10)
                        if p.due_on < today and p.start != D(2026, 5, 1)}
    assert flags == {(D(2026, 5, 1), "late")} | {(start, "missing") for start in expected_missing}
    late_only = client.get(reverse("rectification:reports"), {"round": round_id, "flag": "late"})
    assert [(i.period_start, i.flag) for i in late_only.context["items"]] == [(D(2026, 5, 1), "late")]
    assert reverse("rectification:report", args=[drafts[D(2026, 5, 1)].pk]) in late_only.content.decode()
    # Township B's organizer sees none of township A's reports.
    from organizations.roles import Role

    other = demo.users.get("town_b") or __import__("organizations.demo.testing", fromlist=["make_persona"]).make_persona(
        "town_b_organizer", role=Role.TOWNSHIP_ORGANIZER, division=demo.township_b)
    client.force_login(other)
    page = client.get(reverse("rectification:reports"), {"q": plan.organization.name})
    assert all(i.plan_id != plan.pk for i in page.context["items"])
    assert page.context["flags"].by_township == [] or all(
        c.division_id == demo.township_b.pk for c in page.context["flags"].by_township)


def test_reports_api_filters_and_submit(demo, plan, login, monkeypatch):
    organizer = demo.users["town_organizer"]
    drafts = {r.period_start: r for r in services.reports_ensure(plan=plan)}
    at(monkeypatch, D(2026, 7, 20))
    services.report_submit(user=organizer, report=drafts[D(2026, 5, 1)], summary="迟报")
    monkeypatch.undo()
    client = login("town_organizer")
    url = reverse("period-report-list")
    base = {"plan": plan.pk}
    late = client.get(url, {**base, "late": "true"}).json()
    assert [r["id"] for r in late["results"]] == [drafts[D(2026, 5, 1)].pk]
    assert late["results"][0]["flag"] == "late"
    today = timezone.localdate()
    missing = client.get(url, {**base, "missing": "true"}).json()
    assert sorted(r["id"] for r in missing["results"]) == sorted(
        r.pk for start, r in drafts.items() if r.due_on < today and start != D(2026, 5, 1))
    assert all(r["flag"] == "missing" for r in missing["results"])
    assert client.get(url, {**base, "status": "submitted"}).json()["count"] == 1
    assert client.get(url, {**base, "round": plan.designation.round_id}).json()["count"] == len(drafts)
    running = drafts[max(drafts)]  # the period of today: not submitted before it ends (issue 12)
    refused = client.post(reverse("period-report-submit", args=[running.pk]), {"summary": "本期推进顺利"},
                          content_type="application/json")
    assert refused.status_code == 400 and "方可报送" in refused.content.decode()
    current = max((r for r in drafts.values() if r.period_end < today), key=lambda r: r.period_start)
    response = client.post(reverse("period-report-submit", args=[current.pk]), {"summary": "本期推进顺利"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted" and "tasks" in response.json()["content"]
    again = client.post(reverse("period-report-submit", args=[current.pk]), {"summary": "再交"},
                        content_type="application/json")
    assert again.status_code == 400
    detail = client.get(reverse("period-report-detail", args=[current.pk])).json()
    assert detail["summary"] == "本期推进顺利" and detail["policy"]["report_interval_months"] == 2
    client.force_login(demo.users["other_county_admin"])
    assert client.post(reverse("period-report-submit", args=[drafts[D(2026, 3, 1)].pk]), {"summary": "x"},
                       content_type="application/json").status_code == 404
    client.force_login(demo.users["village_secretary"])
    assert client.post(reverse("period-report-submit", args=[drafts[D(2026, 3, 1)].pk]), {"summary": "x"},
                       content_type="application/json").status_code == 403
    assert PeriodReport.objects.get(pk=drafts[D(2026, 3, 1)].pk).status == ReportStatus.DRAFT
