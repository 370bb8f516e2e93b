"""The leader dashboard read from its precomputed figures equals the live dashboard (issue 13 item 1).

Every figure (designations by status, organizations with overdue tasks, overdue tasks, late and missing
reports, visits against the policy, the bimonthly chart, the current rounds' years) is computed both ways —
through ``dashboard_of_scope`` (the page's and the API's selector, reading the summaries for users above the
county) and through the live ``dashboard`` over the same counted designations — for several personas, on the
demo and on a small generated province, before and after writes once the refresh ran. A county whose figures
are stale for longer than the policy's minutes is counted live."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from organizations import services as org_services
from organizations.demo.province import BENCH_REVIEWER
from organizations.models import Division, User
from rectification import services
from rectification.models import Designation, Plan, ReportStatus, Task, TaskStatus
from rectification.models.dashboard_summary import DashboardSummary
from rectification.selectors.counting import counted, current_round_years
from rectification.selectors.dashboard import dashboard
from rectification.selectors.dashboard_scope import dashboard_of_scope
from rectification.selectors.ledger import overdue_tasks_q
from rectification.selectors.progress import late_and_missing_reports
from rectification.services.dashboard_summary import (
    counties_to_refresh,
    dashboard_summary_refresh,
    refresh_stale,
)

pytestmark = pytest.mark.django_db


def figures(result, years) -> dict:
    return {"level": result.level, "totals": result.totals.as_dict(), "years": list(years), "chart": result.chart,
            "rows": {row.key: row.as_dict() for row in result.rows}}


def live(user, *, today, county=None) -> dict:
    """The live dashboard (no summary) of the user's counted current-round designations."""
    designations = counted(Designation.objects.visible_to(user), today=today)
    if county is not None:
        designations = designations.filter(county=county)
    return figures(dashboard(user, designations, today=today, county=county),
                   current_round_years(designations, today=today))


def read(user, *, today, county=None):
    view = dashboard_of_scope(user, filters={}, county_id=county.pk if county else None, today=today)
    return figures(view.dashboard, view.round_years), view


def refresh_all(today) -> None:
    for county_id in Division.objects.filter(level="county").values_list("pk", flat=True):
        dashboard_summary_refresh(county_id=county_id, today=today)


def assert_summary_equals_live(user, today, *, counties=()):
    """Summary (no county counted live) equals live, for the user's counties and each of ``counties``."""
    for county in (None, *counties):
        summary, view = read(user, today=today, county=county)
        assert view.live_counties == [], (user.username, county)
        assert view.as_of is not None
        assert summary == live(user, today=today, county=county), (user.username, county)
    return summary


def test_summary_equals_live_on_the_demo_for_every_persona(demo):
    today = timezone.localdate()
    refresh_all(today)
    reviewer = demo.users["city_reviewer"]
    totals = assert_summary_equals_live(reviewer, today, counties=[demo.county1])["totals"]
    assert totals["total"] > 0 and totals["overdue_tasks"] > 0 and totals["reports_missing"] + totals["reports_late"] > 0
    assert totals["visits_required"] > 0
    superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("summ-root", "", "x")
    assert_summary_equals_live(superuser, today, counties=[demo.county1])
    # County and township users keep the live dashboard (one county is fast live): same figures, no summary.
    for username in ("county_admin", "county_leader", "town_organizer", "other_county_admin"):
        user = demo.users[username]
        summary, view = read(user, today=today)
        assert view.live_counties is None and view.as_of is None
        assert summary == live(user, today=today)


def test_the_page_and_the_api_show_the_refresh_time(demo, client):
    today = timezone.localdate()
    refresh_all(today)
    reviewer = demo.users["city_reviewer"]
    client.force_login(reviewer)
    payload = client.get("/api/v1/ledger/dashboard/").json()
    expected = live(reviewer, today=today)
    assert {key: value for key, value in payload["totals"].items() if key != "links"} == expected["totals"]
    assert payload["chart"] == expected["chart"] and payload["round_years"] == expected["years"]
    refreshed = DashboardSummary.objects.visible_to(reviewer).filter(level="county").order_by(
        "refreshed_at").first().refreshed_at
    assert dt.datetime.fromisoformat(payload["as_of"]) == refreshed
    page = client.get("/ledger/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "数据更新于 " + timezone.localtime(refreshed).strftime("%Y-%m-%d %H:%M") in page
    client.force_login(demo.users["county_admin"])
    assert client.get("/api/v1/ledger/dashboard/").json()["as_of"] is None
    assert "数据更新于" not in client.get("/ledger/dashboard/").content.decode()


def test_after_writes_the_county_is_stale_then_live_past_the_policy_then_refreshed(
        demo, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    refresh_all(today)
    reviewer, admin, organizer = (demo.users[n] for n in ("city_reviewer", "county_admin", "town_organizer"))
    before = assert_summary_equals_live(reviewer, today)
    assert counties_to_refresh(today=today) == []

    # A task completed and a report submitted (services, committed): the county is marked stale.
    task = Task.objects.filter(overdue_tasks_q(today), county=demo.county1, township=demo.township_a).first()
    missing = next(item for item in late_and_missing_reports(reviewer, today=today).missing
                   if item.county_id == demo.county1.pk)
    assert task is not None
    # (Each block is a committed transaction: its on-commit marks run at its end, once per county.)
    with django_capture_on_commit_callbacks(execute=True):
        services.task_update(user=organizer, task=task, expected_version=None, status=TaskStatus.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_prepare(plan=Plan.objects.get(pk=missing.plan_id), period_start=missing.period_start)
        assert report.status == ReportStatus.DRAFT
        services.report_submit(user=admin, report=report, summary="本期整顿按计划推进")
    assert counties_to_refresh(today=today) == [demo.county1.pk]
    now_live = live(reviewer, today=today)
    assert now_live["totals"]["overdue_tasks"] == before["totals"]["overdue_tasks"] - 1
    assert now_live["totals"]["reports_missing"] == before["totals"]["reports_missing"] - 1
    assert now_live["totals"]["reports_late"] == before["totals"]["reports_late"] + 1

    # Within the policy's minutes the figures of the refresh are shown (and say when they are from).
    summary, view = read(reviewer, today=today)
    assert view.live_counties == [] and summary == before
    # Stale for longer than the policy allows: that county is counted live, the others still from the summary.
    org_services.policy_set(user=admin, division=demo.county1, key="dashboard_summary_max_age_minutes", value=1)
    DashboardSummary.objects.filter(county=demo.county1, level="county").update(
        stale_since=timezone.now() - dt.timedelta(minutes=2))
    summary, view = read(reviewer, today=today)
    assert view.live_counties == [demo.county1.pk]
    assert summary == now_live

    # The minutely refresh recomputes the stale county: from the summary again, equal to live.
    assert refresh_stale(today=today)["counties"] == [demo.county1.pk]
    assert counties_to_refresh(today=today) == []
    assert_summary_equals_live(reviewer, today, counties=[demo.county1])
    assert read(reviewer, today=today)[0] == now_live


def test_figures_of_another_day_are_not_shown(demo):
    today = timezone.localdate()
    refresh_all(today - dt.timedelta(days=1))
    reviewer = demo.users["city_reviewer"]
    summary, view = read(reviewer, today=today)
    assert view.as_of is None and view.live_counties  # yesterday's figures: every county counted live
    assert summary == live(reviewer, today=today)
    assert set(view.live_counties) <= set(counties_to_refresh(today=today))


def test_summary_equals_live_on_a_generated_province(db):
    call_command("generate_province", "--province-code", "93", "--counties", "3", "--townships-per-county", "2",
                 "--villages-per-township", "10", "--ledger", "--designations", "24", "--tasks", "72",
                 "--progress-entries", "100", stdout=io.StringIO())
    reviewer = User.objects.get(username=BENCH_REVIEWER)
    for today in (timezone.localdate(), timezone.localdate() - dt.timedelta(days=75)):
        refresh_all(today)
        county = Division.objects.visible_to(reviewer).filter(level="county").order_by("code").first()
        totals = assert_summary_equals_live(reviewer, today, counties=[county])["totals"]
        assert totals["total"] > 0


def test_committee_study_figures_from_the_summaries_equal_live_and_follow_a_meeting(
        demo, django_capture_on_commit_callbacks):
    """The leader dashboard's Party committee study figures (due, missed, disorderly villages without the
    township secretary's contact) for a city reviewer are summed from the counties' summary rows and equal the
    live count; a committee meeting recorded marks its county stale, and after the refresh they equal again."""
    from rectification.models import CommitteeMeeting
    from rectification.selectors.committee import dashboard_study_counts, study_counts, study_rows

    today = timezone.localdate()
    refresh_all(today)
    reviewer = demo.users["city_reviewer"]
    before = study_counts(reviewer, today=today)
    assert before["due"] > 0  # the demo's committees have not all studied this period: the sum is not of zeros
    DashboardSummary.objects.filter(level="county").update(figures={})  # summaries without the figures: live
    assert dashboard_study_counts(reviewer, today=today) == before
    refresh_all(today)
    assert dashboard_study_counts(reviewer, today=today) == before
    # Read from the summaries: the rows are not counted in the request.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        dashboard_study_counts(reviewer, today=today)
    assert not any("rectification_committeemeeting" in q["sql"] for q in queries.captured_queries)

    due = next(row for row in study_rows(reviewer, today=today) if row.due)
    county_id = due.division.county_id or due.division.pk
    with django_capture_on_commit_callbacks(execute=True):
        CommitteeMeeting.objects.create(division=due.division, held_on=today, attendees="党委委员",
                                        topics="软弱涣散党组织整顿", decisions="逐村落实整顿措施")
    assert counties_to_refresh(today=today) == [county_id]
    after = study_counts(reviewer, today=today)
    assert after["due"] == before["due"] - 1
    refresh_stale(today=today)
    assert dashboard_study_counts(reviewer, today=today) == after
