"""The township organizer's bimonthly report in headless Chromium, on a phone (390 px) and a desktop (1366 px):
home → 双月报告 (one tap) → 起草 → summary → 报送 → the confirmation that it will be frozen → submitted. And the
county admin's menu fits one line at 1366 px, rarely used entries under 更多 (a <details>, no script)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.test_browser import (  # noqa: F401 - the browser fixtures of the journeys
    browser_context_args,
    browser_type_launch_args,
    log_in,
    playwright,
    site,
)

pytestmark = pytest.mark.browser


def _missing_report_of_dongshan() -> dt.date:
    """Make 东山村's report of the last ended period missing (not drafted): the one the organizer submits."""
    from rectification import periods
    from rectification.models import PeriodReport

    today = timezone.localdate()
    last_ended = periods.period_of(today, interval_months=2, grace_days=10).start - dt.timedelta(days=1)
    start = periods.period_of(last_ended, interval_months=2, grace_days=10).start
    PeriodReport.objects.filter(organization__division__name="东山村", period_start=start).delete()
    return start


@pytest.mark.parametrize("width", [390, 1366])
def test_township_organizer_prepares_and_submits_a_report(page, site, width):  # noqa: F811
    start = _missing_report_of_dongshan()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "town_organizer")
    # One tap from home: the quick link (the menu is folded away on a phone).
    page.locator("a[data-quick=reports]").click()
    page.wait_for_url(f"{site}/ledger/reports/")
    assert page.locator("h1").inner_text() == "双月报告"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    row = page.locator(f"tr:has(input[name=period_start][value='{start.isoformat()}'])").filter(has_text="东山村")
    row.get_by_role("button", name="起草").click()
    page.wait_for_url("**/ledger/reports/*/")
    page.fill("textarea[name=summary]", "本期召开党员大会两次，学习计划已落实。")
    page.get_by_role("button", name="报送报告…").click()
    page.wait_for_load_state("load")
    confirm = page.locator(".confirm-step")
    assert "冻结" in confirm.inner_text()
    from rectification.models import PeriodReport, ReportStatus

    report = PeriodReport.objects.get(organization__division__name="东山村", period_start=start)
    assert report.status == ReportStatus.DRAFT  # nothing frozen before the confirmation
    confirm.get_by_role("button", name="确认报送并冻结").click()
    page.wait_for_load_state("load")
    assert "报告已报送" in page.locator("body").inner_text() or "已报送" in page.locator("body").inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.summary.startswith("本期召开党员大会")


def test_county_admin_menu_fits_one_line_at_1366(page, site):  # noqa: F811
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, site, "county_admin")
    items = "nav.nav > a, nav.nav > details > summary, nav.nav > .who, nav.nav > form"
    boxes = page.evaluate(f"""() => [...document.querySelectorAll('{items}')]
        .map(e => [e.textContent.trim().slice(0, 12), e.getBoundingClientRect().top, e.getBoundingClientRect().bottom])""")
    # One line: every item starts above the point where the shortest one ends.
    assert max(top for _t, top, _b in boxes) < min(bottom for _t, _top, bottom in boxes), boxes
    more = page.locator("details.nav-more")
    assert not page.locator("a[data-nav=jobs]").is_visible()
    more.locator("summary").click()
    page.locator("a[data-nav=jobs]").click()
    page.wait_for_url(f"{site}/organizations/jobs/")
    assert page.locator("h1").inner_text() == "后台作业"
