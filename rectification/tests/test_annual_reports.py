"""The annual rectification report (issue 11 item 8): township → county through the pages, county → city through
the API; draft → submitted → returned with a comment → submitted again → accepted, each step by the right
role only (out of scope 404), the level above told, and the statistical form frozen at submission."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import Notification, OrganizationCategory
from rectification.models import AnnualReport, AnnualReportStatus

from .publishing_support import make_designation, make_round, organizations_of

YEAR = 2021
TEXTS = {"work_summary": "全年整顿软弱涣散村党组织。", "achievements": "两个村转化提升。",
         "problems": "集体经济薄弱。", "next_year_plan": "巩固提升，开展回头看。"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def year_round(demo):
    round_ = make_round(demo.county1, YEAR)
    for org in organizations_of(demo, demo.township_a, 2, category=OrganizationCategory.VILLAGE):
        make_designation(round_, org)
    return round_


def _workbook_values(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _screened_total(rows) -> int:
    header_at = next(i for i, row in enumerate(rows) if row and row[0] in ("Unit", "单位"))
    total = rows[header_at + 1]
    return total[1]


def _download(client, report) -> bytes:
    response = client.get(reverse("rectification:annual-report-workbook", args=[report.pk]))
    assert response.status_code == 200
    return response.content


def test_township_report_flow_through_the_pages(demo, login, year_round):
    organizer, county = login("town_organizer"), None
    write = reverse("rectification:annual-report-write", args=[demo.township_a.pk]) + f"?year={YEAR}"
    # The county's list shows the township without a report: 未报送.
    county = login("county_admin")
    listing = county.get(reverse("rectification:annual-reports"), {"year": YEAR})
    assert listing.status_code == 200
    row = next(r for r in listing.context["overview"].children if r.division == demo.township_a)
    assert row.report is None and "未报送" in listing.content.decode()
    assert county.get(write).status_code == 403  # the county does not write the township's report
    organizer = login("town_organizer")
    assert organizer.get(reverse("rectification:annual-report-write", args=[demo.township_b.pk])).status_code == 404
    # A draft with one part written; submitting asks for the rest and for the confirmation.
    assert organizer.get(write).status_code == 200
    response = organizer.post(write, {"year": YEAR, "work_summary": TEXTS["work_summary"]})
    assert response.status_code == 302
    report = AnnualReport.objects.get(division=demo.township_a, year=YEAR)
    assert report.status == AnnualReportStatus.DRAFT and not report.workbook
    submit = reverse("rectification:annual-report-submit", args=[report.pk])
    assert organizer.get(submit).status_code == 200
    assert organizer.post(submit, {}).status_code == 400  # not confirmed
    missing = organizer.post(submit, {"confirm": "on"})
    assert missing.status_code == 400 and "下年度工作计划" in missing.content.decode()
    assert organizer.post(write, {"year": YEAR, **TEXTS}).status_code == 302
    assert organizer.post(submit, {"confirm": "on"}).status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.SUBMITTED and report.workbook
    assert report.submitted_by == demo.users["town_organizer"]
    assert Notification.objects.filter(user=demo.users["county_admin"],
                                       url=reverse("rectification:annual-report", args=[report.pk])).exists()
    assert organizer.get(write).status_code == 403  # submitted: no more editing
    # Only the level above reviews; outside the scope it is a 404.
    review = reverse("rectification:annual-report-review", args=[report.pk])
    assert organizer.get(review).status_code == 403
    other = login("other_county_admin")
    assert other.get(reverse("rectification:annual-report", args=[report.pk])).status_code == 404
    assert other.post(review, {"decision": "accept"}).status_code == 404
    assert login("town_organizer").get(reverse("rectification:annual-report", args=[report.pk])).status_code == 200
    county = login("county_admin")
    assert county.post(review, {"decision": "return", "comment": ""}).status_code == 400
    assert county.post(review, {"decision": "return", "comment": "请补充问题分析。"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (AnnualReportStatus.RETURNED, "请补充问题分析。")
    assert Notification.objects.filter(user=demo.users["town_organizer"], body="请补充问题分析。").exists()
    # Revised and submitted again; the county accepts it.
    organizer = login("town_organizer")
    assert organizer.post(write, {"year": YEAR, **TEXTS, "problems": "集体经济薄弱，班子年龄偏大。"}).status_code == 302
    assert organizer.post(submit, {"confirm": "on"}).status_code == 302
    county = login("county_admin")
    assert county.post(review, {"decision": "accept", "comment": "同意。"}).status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.ACCEPTED and report.problems == "集体经济薄弱，班子年龄偏大。"
    assert county.post(review, {"decision": "return", "comment": "再改"}).status_code == 403  # final
    listing = county.get(reverse("rectification:annual-reports"), {"year": YEAR})
    row = next(r for r in listing.context["overview"].children if r.division == demo.township_a)
    assert row.report == report
    # The audit trail: who did each step.
    steps = [(h.status, h.history_user.username) for h in report.history.order_by("history_date", "history_id")]
    assert ("returned", "county_admin") in steps and steps[-1] == ("accepted", "county_admin")
    assert [s for s, _u in steps].count("submitted") == 2
    page = county.get(reverse("rectification:annual-report", args=[report.pk])).content.decode()
    assert "同意。" in page
    # The history names the frozen workbook by its file name, not by where the storage keeps it.
    file_name = report.workbook.name.rsplit("/", 1)[-1]
    assert "/" in report.workbook.name and file_name in page and report.workbook.name not in page


def test_the_frozen_workbook_does_not_follow_later_data(demo, login, year_round):
    organizer = login("town_organizer")
    organizer.post(reverse("rectification:annual-report-write", args=[demo.township_a.pk]),
                   {"year": YEAR, **TEXTS})
    report = AnnualReport.objects.get(division=demo.township_a, year=YEAR)
    organizer.post(reverse("rectification:annual-report-submit", args=[report.pk]), {"confirm": "on"})
    frozen = _download(login("county_admin"), report)
    rows = _workbook_values(frozen)
    assert _screened_total(rows) == 2
    # A third village of the township is designated for the year afterwards: the live form counts it, the
    # frozen workbook does not change.
    extra = organizations_of(demo, demo.township_a, 3, category=OrganizationCategory.VILLAGE)[-1]
    make_designation(year_round, extra)
    live = login("county_admin").get(reverse("rectification:summary-export", args=[demo.township_a.pk]),
                                     {"year": YEAR})
    assert _screened_total(_workbook_values(b"".join(live.streaming_content))) == 3
    again = _download(login("county_admin"), report)
    assert again == frozen
    assert _workbook_values(again) == rows
    # A draft has no workbook yet: nothing to download.
    draft = AnnualReport.objects.create(division=demo.township_b, year=YEAR)
    assert login("county_admin").get(reverse("rectification:annual-report-workbook",
                                             args=[draft.pk])).status_code == 404


def test_county_report_flow_through_the_api(demo, login, year_round):
    url = "/api/v1/ledger/annual-reports/"
    county = login("county_admin")
    created = county.post(url, {"division": demo.county1.pk, "year": YEAR, **TEXTS}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    detail = f"{url}{pk}/"
    # The county may not write a township's report, nor a report for a year to come; a foreign division is a 400.
    assert county.post(url, {"division": demo.township_a.pk, "year": YEAR},
                       content_type="application/json").status_code == 403
    assert county.post(url, {"division": demo.county1.pk, "year": dt.date.today().year + 1},
                       content_type="application/json").status_code == 400
    assert county.post(url, {"division": demo.county2.pk, "year": YEAR},
                       content_type="application/json").status_code == 400
    assert county.post(f"{detail}accept/", {}, content_type="application/json").status_code == 403
    assert county.get(f"{detail}submit/").json() == {"status": "draft", "allowed": True, "missing": []}
    assert county.get(f"{detail}accept/").json()["allowed"] is False
    submitted = county.post(f"{detail}submit/", {}, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["has_workbook"]
    assert Notification.objects.filter(user=demo.users["city_reviewer"]).exists()
    reviewer = login("city_reviewer")
    assert reviewer.post(f"{detail}return/", {"comment": ""}, content_type="application/json").status_code == 400
    returned = reviewer.post(f"{detail}return/", {"comment": "数据需核实。"}, content_type="application/json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    county = login("county_admin")
    patched = county.patch(detail, {"problems": "已核实。"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["problems"] == "已核实。"
    assert county.post(f"{detail}submit/", {}, content_type="application/json").status_code == 200
    reviewer = login("city_reviewer")
    assert reviewer.patch(detail, {"problems": "x"}, content_type="application/json").status_code == 403
    accepted = reviewer.post(f"{detail}accept/", {}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert reviewer.get(f"{detail}workbook/").status_code == 200
    county = login("county_admin")
    assert county.patch(detail, {"problems": "x"}, content_type="application/json").status_code == 400
    # Out of scope: 404 for reading and for every action.
    other = login("other_county_admin")
    for method, path in (("get", detail), ("post", f"{detail}submit/"), ("post", f"{detail}accept/"),
                         ("get", f"{detail}workbook/")):
        assert getattr(other, method)(path).status_code == 404, path
    assert [r["id"] for r in other.get(url).json()["results"]] == []
    # The city's list page shows the county's report accepted, the other county's as not submitted.
    listing = login("city_reviewer").get(reverse("rectification:annual-reports"), {"year": YEAR})
    rows = {row.division: row.report for row in listing.context["overview"].children}
    assert rows[demo.county1].status == "accepted" and rows[demo.county2] is None
