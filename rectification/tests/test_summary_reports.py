"""The bimonthly progress reports: the same numbers as the leader dashboard, one report per division and period
however often the job runs, compared with the previous period, an Excel workbook with those numbers, listed
for the county and the level above, scoped on every page, download and API route."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organizations.models import Division, JobRun, Notification
from rectification.exports.bimonthly_reports import figure_rows, figure_value
from rectification.models import Designation, SummaryReport, Task, TaskStatus
from rectification.periods import period_of
from rectification.selectors.bimonthly_reports import last_ended_period
from rectification.selectors.ledger import overdue_tasks_q
from rectification.services.bimonthly_reports import make_county_summary_reports, summary_reports_make
from tests.conftest import media_root  # noqa: F401

DASHBOARD_API = "/api/v1/ledger/dashboard/"
API = "/api/v1/ledger/summary-reports/"
COMPARED = ("total", "by_status", "overdue_organizations", "overdue_tasks", "reports_late", "reports_missing")


def current_period(county, today):
    """The period containing today: its figures are as of today, like the dashboard's."""
    return period_of(today, interval_months=2, grace_days=10)


@pytest.fixture
def reports(demo, media_root):  # noqa: F811
    today = timezone.localdate()
    return summary_reports_make(county=demo.county1, today=today, period=current_period(demo.county1, today))


def test_figures_equal_the_dashboard_numbers(demo, login, reports):
    county_report, *township_reports = reports
    year = county_report.figures["year"]
    assert year == Designation.objects.filter(county=demo.county1).order_by("-round__year").first().round.year
    assert county_report.figures["as_of"] == timezone.localdate().isoformat()
    payload = login("county_admin").get(DASHBOARD_API, {"county": demo.county1.pk, "year": year}).json()
    rows = {row["id"]: row for row in payload["results"]}
    # The dashboard lists every township, those without a designation on zero rows (so that they can be
    # compared); the reports are made for the townships with something to report.
    assert {r.division_id for r in township_reports} == {key for key, row in rows.items() if row["total"]}
    for row in rows.values():
        if not row["total"]:
            assert not any(row[key] for key in COMPARED if key != "by_status"), row
            assert not any(row["by_status"].values()), row
    for report in township_reports:
        for key in COMPARED:
            assert report.figures[key] == rows[report.division_id][key], (report.division.name, key)
    for key in COMPARED:
        assert county_report.figures[key] == payload["totals"][key], key
    # The demo ledger has something to count.
    assert county_report.figures["total"] > 0
    assert county_report.figures["overdue_tasks"] == Task.objects.filter(
        overdue_tasks_q(timezone.localdate()), plan__designation__county=demo.county1,
        plan__designation__round__year=year).count()
    assert county_report.policy == {"report_interval_months": 2, "report_grace_days": 10,
                                    "contact_visits_per_month": 3}


def test_visits_are_counted_over_the_period_against_the_policy(demo, reports):
    from rectification.models import ContactVisit

    county_report, *township_reports = reports
    figures = county_report.figures
    period = current_period(demo.county1, timezone.localdate())
    assert figures["visits_done"] == ContactVisit.objects.filter(
        county=demo.county1, plan__designation__round__year=figures["year"],
        visited_on__gte=period.start, visited_on__lte=period.end,
        plan__designation__status__in=["rectifying", "acceptance_requested", "evaluating", "consolidating",
                                       "consolidated"]).count()
    assert figures["visits_required"] == figures["plans_reporting"] * 3 * 2
    assert figures["visits_done"] == sum(r.figures["visits_done"] for r in township_reports)


def test_running_twice_leaves_one_report_per_division_and_refreshes_the_figures(demo, media_root):  # noqa: F811
    today = timezone.localdate()
    make_county_summary_reports(demo.county1.pk, today.isoformat())
    count = SummaryReport.objects.count()
    county_report = SummaryReport.objects.get(division=demo.county1)
    first_file = county_report.workbook.name
    assert count == 1 + Designation.objects.filter(county=demo.county1).values("township").distinct().count()

    # A task done since: the refresh shows one overdue task fewer.
    period = last_ended_period(demo.county1, today)
    as_of = min(today, period.due_on + dt.timedelta(days=1))
    task = Task.objects.filter(overdue_tasks_q(as_of), county=demo.county1,
                               plan__designation__round__year=county_report.figures["year"]).first()
    assert task is not None
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.DONE, completed_on=today)
    make_county_summary_reports(demo.county1.pk, today.isoformat())

    assert SummaryReport.objects.count() == count
    refreshed = SummaryReport.objects.get(division=demo.county1)
    assert refreshed.pk == county_report.pk
    assert refreshed.figures["overdue_tasks"] == county_report.figures["overdue_tasks"] - 1
    assert refreshed.workbook.storage.exists(refreshed.workbook.name)
    assert refreshed.workbook.name == first_file  # replaced, not piled up
    # The county admins are told once.
    assert Notification.objects.filter(user=demo.users["county_admin"], kind="report_ready").count() == 1


def test_the_report_is_compared_with_the_previous_period(demo, login, media_root):  # noqa: F811
    today = timezone.localdate()
    later = last_ended_period(demo.county1, today)
    earlier = period_of(later.start - dt.timedelta(days=1), interval_months=2, grace_days=10)
    before = summary_reports_make(county=demo.county1, today=today, period=earlier)[0]
    # Something changes between the periods: a task falls overdue after the earlier report's date.
    as_of = earlier.due_on + dt.timedelta(days=1)
    task = Task.objects.filter(county=demo.county1, status=TaskStatus.PENDING, deadline__gte=as_of,
                               plan__designation__round__year=before.figures["year"]).first()
    assert task is not None
    Task.objects.filter(pk=task.pk).update(deadline=as_of + dt.timedelta(days=1), cycle=task.cycle)
    after = summary_reports_make(county=demo.county1, today=today, period=later)[0]

    assert after.previous == before
    deltas = after.figures["deltas"]
    for key in ("overdue_tasks", "reports_missing", "visits_done", "total"):
        assert deltas[key] == after.figures[key] - before.figures[key]
    assert deltas["overdue_tasks"] != 0 or deltas["reports_missing"] != 0

    page = login("county_admin").get(reverse("rectification:summary", args=[after.pk]))
    assert page.status_code == 200
    rows = {row["key"]: row for row in page.context["rows"]}
    assert rows["overdue_tasks"]["previous"] == before.figures["overdue_tasks"]
    assert rows["overdue_tasks"]["delta"] == deltas["overdue_tasks"]
    html = page.content.decode()
    assert reverse("rectification:summary", args=[before.pk]) in html


def test_the_workbook_opens_with_the_right_numbers(demo, login, reports):
    county_report, *township_reports = reports
    response = login("county_admin").get(reverse("rectification:summary-workbook", args=[county_report.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(workbook.sheetnames) == 1 + len(township_reports)
    names = {r.division_id: Division.objects.get(pk=r.division_id).name for r in township_reports}
    for sheet_index, figures in [(0, county_report.figures)] + [
            (1 + i, r.figures) for i, r in enumerate(township_reports)]:
        sheet = workbook[workbook.sheetnames[sheet_index]]
        values = {row[0]: row[1] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]}
        for key, label in figure_rows(figures):
            assert values[label] == figure_value(figures, key), (sheet.title, key)
    assert set(workbook.sheetnames[1:]) == set(names.values())
    # A township's workbook: its own sheet only.
    township = township_reports[0]
    response = login("county_admin").get(reverse("rectification:summary-workbook", args=[township.pk]))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == [names[township.division_id]]
    values = {row[0]: row[1] for row in workbook.active.iter_rows(min_row=6, values_only=True) if row[0]}
    assert values == {label: figure_value(township.figures, key) for key, label in figure_rows(township.figures)}


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_the_workbook_opens_in_libreoffice(reports, tmp_path):
    county_report = reports[0]
    source = tmp_path / "report.xlsx"
    source.write_bytes(county_report.workbook.open("rb").read())
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "csv", "--outdir", str(tmp_path), str(source)], check=True, timeout=120, capture_output=True)
    text = (tmp_path / "report.csv").read_text(encoding="utf-8", errors="replace")
    assert str(county_report.figures["total"]) in text


def test_reports_are_listed_for_the_county_and_the_level_above(demo, login, media_root):  # noqa: F811
    today = timezone.localdate()
    mine = summary_reports_make(county=demo.county1, today=today)
    other = summary_reports_make(county=demo.county2, today=today)
    county1_ids = {r.pk for r in mine}
    county2_ids = {r.pk for r in other}
    township_a = next(r for r in mine if r.division_id == demo.township_a.pk)

    def listed(persona, **params):
        response = login(persona).get(reverse("rectification:summaries"), params)
        assert response.status_code == 200
        return {r.pk for r in response.context["page_obj"].paginator.object_list}

    assert listed("city_reviewer") == county1_ids | county2_ids
    assert listed("county_admin") == county1_ids
    assert listed("other_county_admin") == county2_ids
    assert listed("town_organizer") == {township_a.pk}
    assert listed("city_reviewer", level="county") == {mine[0].pk, other[0].pk}
    assert listed("county_admin", period=mine[0].period_start.isoformat()) == county1_ids
    assert listed("county_admin", period=(mine[0].period_start - dt.timedelta(days=1)).isoformat()) == set()

    # Detail and workbook: in scope 200, outside 404.
    client = login("town_organizer")
    assert client.get(reverse("rectification:summary", args=[township_a.pk])).status_code == 200
    assert client.get(reverse("rectification:summary-workbook", args=[township_a.pk])).status_code == 200
    for report in (mine[0], other[0]):
        assert client.get(reverse("rectification:summary", args=[report.pk])).status_code == 404
        assert client.get(reverse("rectification:summary-workbook", args=[report.pk])).status_code == 404
    client = login("other_county_admin")
    assert client.get(reverse("rectification:summary-workbook", args=[mine[0].pk])).status_code == 404

    # The API: list and retrieve in the same scope.
    client = login("city_reviewer")
    rows = client.get(API, {"page_size": 500}).json()["results"]
    assert {row["id"] for row in rows} == county1_ids | county2_ids
    one = client.get(f"{API}{mine[0].pk}/").json()
    assert one["figures"]["total"] == mine[0].figures["total"]
    assert client.get(f"{API}{mine[0].pk}/workbook/").status_code == 200
    client = login("town_organizer")
    assert {row["id"] for row in client.get(API).json()["results"]} == {township_a.pk}
    assert client.get(f"{API}{mine[0].pk}/").status_code == 404


def test_management_command_and_job_record(demo, media_root):  # noqa: F811
    call_command("make_summary_reports", "--county", demo.county1.code, stdout=io.StringIO())
    run = JobRun.objects.get(job="summary_reports", division=demo.county1)
    assert run.status == "done", run.error
    assert run.result["reports"] == SummaryReport.objects.filter(county=demo.county1).count()
    call_command("make_summary_reports", "--county", demo.county1.code, stdout=io.StringIO())
    assert SummaryReport.objects.filter(county=demo.county1).count() == run.result["reports"]


def test_queries_do_not_grow_with_the_plans(demo, media_root):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rectification.models import Round

    from .publishing_support import add_measure, add_visit, make_designation, organizations_of

    today = timezone.localdate()
    period = current_period(demo.county1, today)
    with CaptureQueriesContext(connection) as before:
        summary_reports_make(county=demo.county1, today=today, period=period)
    # Ten more organizations in rectification in the two townships already reported on.
    round_ = Round.objects.filter(county=demo.county1).order_by("-year").first()
    taken = Designation.objects.filter(round=round_).values_list("organization_id", flat=True)
    for township in (demo.township_a, demo.township_b):
        for org in organizations_of(demo, township, 5, category="village", exclude=taken):
            plan = make_designation(round_, org).plan
            add_measure(plan, "措施", [("逾期任务", "王某", today - dt.timedelta(days=5), TaskStatus.PENDING)])
            add_visit(plan, demo.users["contact_leader"], today)
    with CaptureQueriesContext(connection) as after:
        reports = summary_reports_make(county=demo.county1, today=today, period=period)
    assert reports[0].figures["total"] >= 10
    assert len(after) <= len(before) + 2, (len(before), len(after))
