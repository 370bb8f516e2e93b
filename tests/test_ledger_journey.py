"""The ledger journey in headless Chromium: a township organizer takes a village from designation to two
bimonthly reports, the county confirms, approves, sees it in its ledger, exports it and publishes the board.

Two months pass in the middle: ``django.utils.timezone.now`` is moved forward (the live server runs in
this process, so it follows); the organizer logs in again (the session has expired by then) and reports
on the next period. Pages not built yet are skipped with the name of the missing page.
"""

import datetime as dt
import os
import re
import struct
import zlib
from unittest import mock

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from organizations.demo import DEMO_PASSWORD
from organizations.policies import effective_policy

from .test_browser import browser_context_args, browser_type_launch_args, playwright  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser

REAL_NOW = timezone.now


def url(name: str, *args) -> str:
    try:
        return reverse(f"rectification:{name}", args=args)
    except NoReverseMatch:
        pytest.skip(f"the page rectification:{name} does not exist yet")


def png(width: int = 8, height: int = 8) -> bytes:
    """A small valid PNG (a phone photo stand-in)."""
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture
def site(live_server, seeded_demo, media_root):
    return live_server.url


@pytest.fixture
def village(seeded_demo):
    """A village of 林安镇 not yet on the current round's list."""
    from organizations.models import Organization
    from rectification.models import Designation

    listed = Designation.objects.values("organization_id")
    return (Organization.objects.filter(township=seeded_demo.township_a, village__isnull=False)
            .exclude(pk__in=listed).order_by("division__code").first())


def log_in(browser, site: str, username: str):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{site}/")
    return page


def submit(page, form_selector: str, button: str = "[type=submit]"):
    page.locator(f"{form_selector} {button}").first.click()
    page.wait_for_load_state("load")


def take(page, site, designation_pk: int, action: str, comment: str = ""):
    """Click the action's button on the designation page (the lifecycle's forms)."""
    page.goto(site + url("designation", designation_pk))
    form = f"form:has(input[name=action][value={action}])"
    assert page.locator(form).count(), f"no {action} button on the designation page"
    if comment:
        page.fill(f"{form} textarea[name=comment]", comment)
    submit(page, form)


def body(page) -> str:
    return page.locator("body").inner_text()


def record_progress(page, site, plan_pk: int, content: str, photo, task_title: str | None = None):
    page.goto(site + url("progress-add", plan_pk))
    page.fill("textarea[name=content]", content)
    if task_title:
        page.select_option("select[name=task]", label=task_title)
    page.set_input_files("input[name=photos]", photo)
    submit(page, "form:has(textarea[name=content])")
    assert not page.url.endswith(url("progress-add", plan_pk)), body(page)[:500]


def draft_report(page, site, plan, period_start: dt.date, summary: str):
    """While the period runs: the report is drafted from the plan's progress page and its summary saved."""
    from rectification.models import PeriodReport, ReportStatus

    page.goto(site + url("plan-progress", plan.pk))
    prepare = page.locator(f"form[action='{url('plan-progress', plan.pk)}'] button")
    if prepare.count():
        prepare.first.click()
        page.wait_for_load_state("load")
    report = PeriodReport.objects.filter(plan=plan, period_start=period_start).first()
    assert report is not None, "no report draft for the current period"
    page.goto(site + url("report", report.pk))
    page.fill("textarea[name=summary]", summary)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("load")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.summary == summary
    return report


def submit_report(page, site, report):
    """Once the period has ended: submit, then confirm the freeze."""
    from rectification.models import ReportStatus

    page.goto(site + url("report", report.pk))
    page.get_by_role("button", name="报送报告…").click()
    page.wait_for_load_state("load")
    confirm = page.locator(".confirm-step")
    assert "冻结" in confirm.inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # nothing frozen before the confirmation
    confirm.get_by_role("button", name="确认报送并冻结").click()
    page.wait_for_load_state("load")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    return report


def test_township_organizer_takes_a_village_from_designation_to_two_reports(browser, site, village, tmp_path):
    from rectification import periods
    from rectification.models import Designation, DesignationStatus, Plan, PlanStatus, ProgressEntry

    name = village.division.name
    photo = tmp_path / "photo.png"
    photo.write_bytes(png())

    # The county lets task deadlines run six months past the round's year end (the tasks below are due in
    # 30 and 90 days, whatever the month the suite runs in).
    from organizations.models import User
    from organizations.services import policy_set

    policy_set(user=User.objects.get(username="county_admin"), division=village.county,
               key="task_deadline_grace_months", value=6)

    # 1. The organizer proposes the village from the ledger page.
    organizer = log_in(browser, site, "town_organizer")
    organizer.goto(site + url("ledger"))
    assert "东山村" in body(organizer)
    organizer.goto(site + url("designation-propose"))
    organizer.select_option("select[name=organization]", value=str(village.pk))
    for code in ("RSHS01", "RSHS04"):
        organizer.get_by_role("checkbox", name=re.compile(f"^{code}")).check()
    organizer.fill("textarea[name=problems]", "班子配备不齐，组织生活长期不正常。")
    submit(organizer, "form:has(textarea[name=problems])")
    designation = Designation.objects.get(organization=village)
    assert designation.status == DesignationStatus.PROPOSED
    assert name in body(organizer)

    # 2. The county confirms it.
    county = log_in(browser, site, "county_admin")
    take(county, site, designation.pk, "confirm", "县委常委会研究确定。")
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.DESIGNATED

    # 2b. The county stations a first secretary in the village and pairs a county contact leader and a
    # helping unit with it on the cadres pages: three of the "four ones", which the plan shows read only.
    from cadres.models import ContactLeader, HelpingUnit

    county.goto(site + reverse("cadres:first-secretary-add", args=[village.pk]))
    fs_form = "form:has(input[name=dispatching_unit])"
    county.fill(f"{fs_form} [name=name]", "吴建国")
    county.fill(f"{fs_form} [name=dispatching_unit]", "仙游县财政局")
    county.fill(f"{fs_form} [name=term_start]", timezone.localdate().isoformat())
    submit(county, fs_form)
    assert "/cadres/first-secretaries/" in county.url, body(county)[:500]
    for holder, prefix in ((ContactLeader.objects.filter(division=village.county).order_by("pk").first(),
                            "cadres:contact-leader-pair"),
                           (HelpingUnit.objects.filter(division=village.county).order_by("pk").first(),
                            "cadres:helping-unit-pair")):
        county.goto(site + reverse(prefix, args=[holder.pk]))
        county.select_option("select[name=organization]", value=str(village.pk))
        submit(county, "form:has(select[name=organization])")
        assert "/pair/" not in county.url, body(county)[:500]

    # 3. The organizer writes the plan: four essentials, the township leader (the other "four ones" are the
    # cadres records, shown read only), a problem of the problem list, a measure answering it and two tasks;
    # submits it.
    organizer.goto(site + url("designation", designation.pk))
    submit(organizer, "form.inline:has(button.primary)")
    plan = Plan.objects.get(designation=designation)
    assert organizer.url.endswith(url("plan", plan.pk))
    form = "form:has(input[name=form][value=plan])"
    deadline = timezone.localdate() + dt.timedelta(days=200)
    for field, value in {"objectives": "年底前配齐班子，组织生活正常，群众满意度80%以上。",
                         "cause_analysis": "书记年龄偏大，组织生活不正常。",
                         "responsible_person": "黄丽华", "responsible_unit": "林安镇党委",
                         "township_leader": "林志强（林安镇党委副书记）"}.items():
        organizer.fill(f"{form} [name={field}]", value)
    organizer.fill(f"{form} [name=deadline]", deadline.isoformat())
    submit(organizer, form)
    plan.refresh_from_db()
    assert plan.township_leader == "林志强（林安镇党委副书记）" and plan.deadline == deadline
    form = "form:has(input[name=form][value=problem])"  # the problem list: a problem with its cause
    organizer.select_option(f"{form} select[name=item]", value="RSHS02")
    organizer.fill(f"{form} [name=description]", "书记年龄偏大，带领群众发展能力不足。")
    organizer.fill(f"{form} [name=cause_analysis]", "书记选任把关不严，教育培训不到位。")
    submit(organizer, form)
    assert plan.problems.get().item == "RSHS02"
    form = "form:has(input[name=form][value=measure])"
    organizer.fill(f"{form} [name=title]", "选优配强村党组织书记")
    organizer.select_option(f"{form} select[name=family]", value="team")
    organizer.select_option(f"{form} select[name=problem]", index=1)
    submit(organizer, form)
    form = "form:has(input[name=form][value=task])"
    for title, days in (("物色书记人选", 30), ("召开党员大会选举书记", 90)):
        organizer.select_option(f"{form} select[name=measure]", index=1)
        organizer.fill(f"{form} [name=title]", title)
        organizer.fill(f"{form} [name=owner_name]", "黄丽华")
        organizer.fill(f"{form} [name=deadline]", (timezone.localdate() + dt.timedelta(days=days)).isoformat())
        submit(organizer, form)
    assert plan.tasks.count() == 2
    take(organizer, site, designation.pk, "submit_plan")

    # 4. The county approves the plan.
    take(county, site, designation.pk, "approve_plan", "同意。")
    plan.refresh_from_db()
    designation.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and designation.status == DesignationStatus.RECTIFYING

    # 5. Progress with a photo from the phone, then the first bimonthly report.
    organizer.set_viewport_size({"width": 390, "height": 844})
    record_progress(organizer, site, plan.pk, "乡镇党委书记到村开展谈话，物色书记人选两名。", str(photo), "物色书记人选")
    entry = ProgressEntry.objects.get(plan=plan)
    assert entry.evidence.count() == 1 and entry.evidence.get().content_type == "image/png"
    policy = effective_policy(village.division)
    values = {"interval_months": int(policy["report_interval_months"]), "grace_days": int(policy["report_grace_days"])}
    first = periods.period_of(timezone.localdate(), **values)
    first_report = draft_report(organizer, site, plan, first.start, "本期物色书记人选两名，谈话已完成。")

    # 6. After the period: the first report is submitted; then the next period's progress and report.
    later = first.end + dt.timedelta(days=3)
    shift = dt.datetime.combine(later, dt.time(10)) - dt.datetime.combine(timezone.localdate(), dt.time(10))
    with mock.patch.object(timezone, "now", lambda: REAL_NOW() + shift):
        organizer = log_in(browser, site, "town_organizer")
        organizer.set_viewport_size({"width": 390, "height": 844})
        submit_report(organizer, site, first_report)
        record_progress(organizer, site, plan.pk, "召开党员大会，选举产生新任书记。", str(photo))
        second = periods.period_of(timezone.localdate(), **values)
        assert second.start > first.start
        second_report = draft_report(organizer, site, plan, second.start, "新任书记已选出，组织生活恢复正常。")
    after = second.end + dt.timedelta(days=2)
    shift = dt.datetime.combine(after, dt.time(10)) - dt.datetime.combine(timezone.localdate(), dt.time(10))
    with mock.patch.object(timezone, "now", lambda: REAL_NOW() + shift):
        organizer = log_in(browser, site, "town_organizer")
        submit_report(organizer, site, second_report)

        # 7. The county sees the village in its ledger, exports it and publishes the board.
        county = log_in(browser, site, "county_admin")
        county.goto(site + url("ledger") + f"?q={name}")
        assert name in body(county)
        export_link = county.locator(f"a[href^='{url('ledger-export')}']")
        assert export_link.count(), "no export link on the ledger page"
        with county.expect_download() as download_info:
            export_link.first.click()
        workbook_path = tmp_path / "ledger.xlsx"
        download_info.value.save_as(workbook_path)
        from openpyxl import load_workbook

        cells = [str(c) for row in load_workbook(workbook_path, read_only=True).worksheets[0].iter_rows(
            values_only=True) for c in row if c]
        assert any(name in cell for cell in cells)
        county.goto(site + url("board", designation.pk))
        submit(county, "form", "button[value=publish]")
        designation.refresh_from_db()
        assert designation.board.is_published
        public = browser.new_context().new_page()
        public.goto(site + url("board-public", designation.board.token))
        text = body(public)
        assert name in text and "选优配强村党组织书记" in text
        assert "rectify-demo" not in text
