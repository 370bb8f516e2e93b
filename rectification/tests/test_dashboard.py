"""The leader dashboard: every number equals the count of the list it drills into; the API gives the same
numbers; scoped; bounded queries; the chart library is vendored and fed without inline scripts."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectification.models import Designation, DesignationStatus, Plan, Task, TaskStatus
from rectification.selectors.dashboard import dashboard
from rectification.selectors.ledger import overdue_tasks_q
from rectification.selectors.progress import late_and_missing_reports

from .publishing_support import (
    add_measure,
    add_report,
    add_visit,
    make_designation,
    make_round,
    organizations_of,
)

DASHBOARD = reverse("rectification:dashboard")
API = "/api/v1/ledger/dashboard/"
LINK = re.compile(r'<a href="([^"]+)" data-count="(\d+)">')


@pytest.fixture
def work(demo):
    """A 2023 round with overdue tasks, a late and a missing report, visits in township A and B."""
    today = timezone.localdate()
    round_ = make_round(demo.county1, 2023)
    orgs = organizations_of(demo, demo.township_a, 3, category="village") + organizations_of(
        demo, demo.township_b, 2, category="village")
    made = []
    for index, org in enumerate(orgs):
        status = DesignationStatus.CONSOLIDATING if index == 2 else DesignationStatus.RECTIFYING
        designation = make_designation(round_, org, status=status, codes=(f"RSHS0{index + 1}",))
        plan = designation.plan
        late = today - dt.timedelta(days=10 + index)
        add_measure(plan, "措施", [("逾期任务", "王某", late, TaskStatus.PENDING if index != 2 else TaskStatus.DONE),
                                 ("未到期任务", "王某", today + dt.timedelta(days=30), TaskStatus.IN_PROGRESS)])
        add_visit(plan, demo.users["contact_leader"], today.replace(day=1))
        made.append(designation)
    Designation.objects.filter(round=round_).update(confirmed_at=timezone.now() - dt.timedelta(days=150))
    add_report(made[0].plan, today - dt.timedelta(days=120), today - dt.timedelta(days=60),
               due=today - dt.timedelta(days=50), submitted_on=today - dt.timedelta(days=40))
    return round_


def links_of(html: str):
    return [(unescape(url), int(n)) for url, n in LINK.findall(html)]


@pytest.mark.parametrize("persona", ["county_admin", "county_leader", "city_reviewer", "town_organizer"])
def test_every_number_equals_the_count_of_its_list(demo, login, work, persona):
    client = login(persona)
    response = client.get(DASHBOARD, {"round": work.pk} if persona != "city_reviewer" else {})
    assert response.status_code == 200
    links = links_of(response.content.decode())
    checked = 0
    for url, number in links:
        listing = client.get(url)
        assert listing.status_code == 200, url
        assert listing.context["page_obj"].paginator.count == number, (url, number)
        checked += 1
    if persona in ("county_admin", "county_leader"):
        assert checked >= 5  # totals, statuses, overdue and per township
        # 未报送 and 逾期报送 open the reports page with exactly the reports they count (issue 12 item 5).
        reports = reverse("rectification:reports")
        flags = {url.split("flag=")[1].split("&")[0] for url, _n in links if url.startswith(reports)}
        assert flags == {"missing", "late"}
    if persona == "city_reviewer":  # per county, each opening the county's own dashboard
        import re

        page = unescape(response.content.decode())
        dashboard_url = reverse("rectification:dashboard")
        county_links = [href for href in re.findall(r'href="([^"]+)"', page)
                        if href.startswith(dashboard_url + "?") and f"county={demo.county1.pk}" in href.split("?")[1].split("&")]
        assert county_links
        county_link = county_links[0]
        inner = client.get(county_link)
        for url, number in links_of(inner.content.decode()):
            assert client.get(url).context["page_obj"].paginator.count == number, url
        assert links_of(inner.content.decode())


def test_numbers_against_independent_counts(demo, work):
    today = timezone.localdate()
    user = demo.users["county_admin"]
    result = dashboard(user, Designation.objects.visible_to(user).filter(round=work), today=today)
    assert result.level == "township"
    rows = {row.key: row for row in result.rows}
    for township in (demo.township_a, demo.township_b):
        designations = Designation.objects.filter(round=work, township=township)
        row = rows[township.pk]
        assert row.total == designations.count()
        overdue = Task.objects.filter(overdue_tasks_q(today), plan__designation__in=designations)
        assert row.overdue_tasks == overdue.count()
        assert row.overdue_organizations == overdue.values("plan_id").distinct().count()
        assert row.by_status.get(DesignationStatus.RECTIFYING, 0) == designations.filter(
            status=DesignationStatus.RECTIFYING).count()
        assert row.visits_done == sum(d.plan.visits.count() for d in designations
                                      if d.status == DesignationStatus.RECTIFYING or d.is_rectified)
    assert result.totals.total == 5 and result.totals.overdue_tasks == 4
    flags = late_and_missing_reports(user, today=today, plans=Plan.objects.filter(designation__round=work))
    for count in flags.by_township:
        assert (rows[count.division_id].reports_late, rows[count.division_id].reports_missing) == (
            count.late, count.missing)
    assert result.totals.reports_missing > 0


def test_api_gives_the_page_numbers(demo, login, work):
    client = login("county_admin")
    page = client.get(DASHBOARD, {"round": work.pk}).context["dashboard"]
    payload = client.get(API, {"round": work.pk}).json()
    assert payload["totals"]["total"] == page.totals.total
    assert payload["totals"]["overdue_tasks"] == page.totals.overdue_tasks
    assert payload["totals"]["reports_missing"] == page.totals.reports_missing
    assert {r["id"]: r["total"] for r in payload["results"]} == {r.key: r.total for r in page.rows if r.key}
    assert payload["chart"]["labels"] and len(payload["chart"]["done"]) == len(payload["chart"]["labels"])


def test_scope(demo, login, work):
    payload = login("town_organizer").get(API, {"round": work.pk}).json()
    assert payload["level"] == "organization"
    assert payload["totals"]["total"] == Designation.objects.filter(round=work, township=demo.township_a).count()
    other = login("other_county_admin").get(API, {"round": work.pk})
    assert other.status_code == 400 or other.json()["totals"]["total"] == 0
    foreign = login("county_admin").get(DASHBOARD, {"county": demo.county2.pk + 10_000})
    assert foreign.status_code == 200 and foreign.context["dashboard"].totals.total == 0


def test_query_count_does_not_grow(demo, login, work):
    client = login("county_admin")
    with CaptureQueriesContext(connection) as small:
        client.get(DASHBOARD, {"round": work.pk})
    round_ = make_round(demo.county1, 2024)
    for org in organizations_of(demo, demo.county1, 12, category="village"):
        designation = make_designation(round_, org)
        add_measure(designation.plan, "措施", [("任务", "王某", timezone.localdate(), TaskStatus.PENDING)])
    with CaptureQueriesContext(connection) as large:
        client.get(DASHBOARD)
    assert len(large.captured_queries) <= len(small.captured_queries) + 2


def test_chart_is_vendored_and_fed_without_inline_script(demo, login, work):
    html = login("county_leader").get(DASHBOARD).content.decode()
    assert '<script id="dashboard-data" type="application/json">' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/dashboard.js" in html
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert scripts == []  # CSP script-src 'self': no inline code
    assert finders.find("vendor/chartjs/chart.umd.min.js") and finders.find("vendor/chartjs/LICENSE.md")
    assert "cdn" not in html.lower()


def test_dashboard_counts_the_current_rounds_by_default(client, demo):
    """An organization listed in an earlier round too is counted once: the page opens on the latest year."""
    from rectification.models import Designation

    user = demo.users["county_leader"]
    client.force_login(user)
    visible = Designation.objects.visible_to(user)
    years = sorted(set(visible.values_list("round__year", flat=True)))
    assert len(years) > 1  # the demo has a repeat listing from an earlier round
    response = client.get(reverse("rectification:dashboard"))
    assert response.context["dashboard"].totals.total == visible.filter(round__year=years[-1]).count()
    everything = client.get(reverse("rectification:dashboard"), {"year": years[0]})
    assert everything.context["dashboard"].totals.total == visible.filter(round__year=years[0]).count()
