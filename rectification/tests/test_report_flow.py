"""The bimonthly report flow (issue 12, finding 3): the 双月报告 page lists this period's reports with their
state and the prepare / submit actions; a report is submitted only once its period has ended (the policy
``report_submit_days_before_end`` may allow some days before), after a confirmation step that says it will be
frozen (plain forms, no script)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organizations import services as org_services
from rectification import services
from rectification.models import PeriodReport, ReportStatus

from .progress_support import make_rectifying_plan

pytestmark = pytest.mark.django_db
D = dt.date
EARLY = "方可报送"


def at(monkeypatch, day: dt.date, hour: int = 9):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def plan(demo):
    return make_rectifying_plan(demo)


def test_a_report_is_submitted_only_after_its_period_ends(demo, plan, monkeypatch):
    organizer = demo.users["town_organizer"]
    report = services.report_prepare(plan=plan, period_start=D(2026, 11, 1))
    at(monkeypatch, D(2026, 12, 7))  # the day: a Nov-Dec report 24 days before the period ends
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(user=organizer, report=report, summary="本期推进顺利")
    message = " ".join(excinfo.value.messages)
    assert "2026年11月1日" in message and "2026年12月31日" in message and "2027年1月1日起方可报送" in message
    at(monkeypatch, D(2026, 12, 31))
    with pytest.raises(ValidationError):
        services.report_submit(user=organizer, report=report, summary="本期推进顺利")
    assert PeriodReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    at(monkeypatch, D(2027, 1, 1))
    assert services.report_submit(user=organizer, report=report, summary="本期推进顺利").status == ReportStatus.SUBMITTED


def test_the_policy_allows_some_days_before_the_end(demo, plan, monkeypatch):
    org_services.policy_set(user=demo.users["county_admin"], division=demo.township_a,
                            key="report_submit_days_before_end", value=5)
    report = services.report_prepare(plan=plan, period_start=D(2026, 11, 1))
    at(monkeypatch, D(2026, 12, 26))
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(user=demo.users["town_organizer"], report=report, summary="x")
    assert "2026年12月27日起" in " ".join(excinfo.value.messages)
    at(monkeypatch, D(2026, 12, 27))
    assert services.report_submit(user=demo.users["town_organizer"], report=report,
                                  summary="x").status == ReportStatus.SUBMITTED


def test_page_and_api_refuse_an_early_submission_in_chinese(demo, plan, login, monkeypatch):
    report = services.report_prepare(plan=plan, period_start=D(2026, 11, 1))
    at(monkeypatch, D(2026, 12, 7))
    client = login("town_organizer")
    page = client.post(reverse("rectification:report", args=[report.pk]),
                       {"summary": "本期推进顺利", "action": "submit", "confirm": "yes"})
    assert page.status_code == 400 and EARLY in page.content.decode()
    asked = client.post(reverse("rectification:report", args=[report.pk]), {"summary": "本期推进顺利", "action": "submit"})
    assert asked.status_code == 400 and EARLY in asked.content.decode() and "确认报送并冻结" not in asked.content.decode()
    api = client.post(reverse("period-report-submit", args=[report.pk]), {"summary": "本期推进顺利"},
                      content_type="application/json")
    assert api.status_code == 400 and EARLY in api.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.summary == "本期推进顺利"  # the draft was kept


def test_submitting_asks_for_confirmation_first(demo, plan, login):
    report = services.report_prepare(plan=plan, period_start=D(2026, 9, 1))  # Sep-Oct: ended
    client = login("town_organizer")
    url = reverse("rectification:report", args=[report.pk])
    asked = client.post(url, {"summary": "九至十月按计划推进", "action": "submit"})
    html = asked.content.decode()
    assert asked.status_code == 200 and "确认报送" in html and "冻结" in html
    assert 'name="confirm" value="yes"' in html and 'value="九至十月按计划推进"' in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.summary == "九至十月按计划推进"
    done = client.post(url, {"summary": "九至十月按计划推进", "action": "submit", "confirm": "yes"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.summary == "九至十月按计划推进"


def test_saving_a_draft_does_not_submit(demo, plan, login):
    report = services.report_prepare(plan=plan, period_start=D(2026, 11, 1))
    client = login("town_organizer")
    response = client.post(reverse("rectification:report", args=[report.pk]), {"summary": "初稿", "action": "save"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.summary == "初稿"
    page = client.get(reverse("rectification:report", args=[report.pk])).content.decode()
    assert "2027年1月1日起可报送" in page and "初稿" in page


def test_reports_page_lists_this_period_and_prepares_drafts(demo, plan, login):
    client = login("town_organizer")
    page = client.get(reverse("rectification:reports"), {"q": plan.organization.name})
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>双月报告</h1>" in html and "周期报告" not in html
    rows = {(r.item.plan_id, r.item.period_start): r for r in page.context["rows"]}
    today = timezone.localdate()
    current = next(r for (p, start), r in rows.items() if p == plan.pk and r.item.period_start <= today
                   <= r.item.period_end)
    assert current.state == "not_prepared" and current.may_prepare
    # 起草 from the list: the draft of that period, then its page.
    response = client.post(reverse("rectification:report-prepare", args=[plan.pk]),
                           {"period_start": current.item.period_start.isoformat()})
    report = PeriodReport.objects.get(plan=plan, period_start=current.item.period_start)
    assert response.status_code == 302 and response["Location"] == reverse("rectification:report", args=[report.pk])
    page = client.get(reverse("rectification:reports"), {"q": plan.organization.name})
    row = next(r for r in page.context["rows"] if r.item.report_id == report.pk)
    assert row.state == "draft" and not row.may_submit
    # Past periods not submitted are "missing", with the submit path open once drafted.
    missing = client.get(reverse("rectification:reports"), {"q": plan.organization.name, "flag": "missing"})
    assert missing.context["rows"] and all(r.state == "missing" for r in missing.context["rows"])
    # The old late/missing view remains a filter of the page.
    both = client.get(reverse("rectification:reports"), {"q": plan.organization.name, "flag": "late_or_missing"})
    assert {r.item.flag for r in both.context["rows"]} <= {"late", "missing"}


def test_only_report_writers_prepare(demo, plan, login):
    url = reverse("rectification:report-prepare", args=[plan.pk])
    listing = login("town_organizer").get(url)
    assert listing.status_code == 200 and "起草" in listing.content.decode()
    assert login("village_secretary").get(url).status_code == 403
    assert login("other_county_admin").get(url).status_code == 404
    for username, status in (("village_secretary", 403), ("other_county_admin", 404)):
        response = login(username).post(reverse("rectification:report-prepare", args=[plan.pk]),
                                        {"period_start": "2026-11-01"})
        assert response.status_code == status
    assert not PeriodReport.objects.filter(plan=plan).exists()
    bad = login("town_organizer").post(reverse("rectification:report-prepare", args=[plan.pk]),
                                       {"period_start": "2026-13-01"})
    assert bad.status_code == 302 and not PeriodReport.objects.filter(plan=plan).exists()
