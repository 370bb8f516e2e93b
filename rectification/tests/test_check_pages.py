"""The check records' pages, reached from the designation page: enter, see on the designation and organization
pages, the tracking list of closed-out organizations, and the scope (404 outside, 403 for a role that only reads)."""

import datetime as dt

import pytest
from django.urls import reverse

from rectification.models import (
    AcceptanceReview,
    Designation,
    DesignationStatus,
    FollowUpReview,
    SixMonthlyCheck,
)

pytestmark = pytest.mark.django_db


def _apply_for_acceptance(demo, designation):
    """Finish the open tasks of the current cycle, then apply for acceptance (the demo county: all year)."""
    from rectification import services
    from rectification.models import Task

    admin = demo.users["county_admin"]
    for task in Task.objects.filter(plan__designation=designation, cycle__closed_on__isnull=True).exclude(
            status="done"):
        services.task_update(user=admin, task=task, expected_version=task.version, status="done")
    return services.designation_transition(user=admin, designation=designation, action="request_acceptance")


def _designation(demo, status):
    return (Designation.objects.filter(county=demo.county1, township=demo.township_a, status=status)
            .order_by("pk").first())


def test_designation_page_links_to_the_check_form_and_shows_the_records(demo, login):
    designation = _designation(demo, DesignationStatus.RECTIFYING)
    client = login("town_organizer")
    page = client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    url = reverse("rectification:check-create", args=[designation.pk])
    assert url in page and "半年检查、年终验收与回头看" in page
    form = client.get(url)
    assert form.status_code == 200 and "录入半年检查" in form.content.decode()
    measure = designation.plan.measures.filter(cycle__closed_on__isnull=True).first()
    today = dt.date.today()
    response = client.post(url, {"checked_on": today.isoformat(), "checkers": "县委组织部督查组",
                                 "findings": "台账资料不全，需补齐。", "grade": "fairly_good", "score": "83",
                                 f"measure_{measure.pk}": "书记人选已到位。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = SixMonthlyCheck.objects.filter(designation=designation, checked_on=today).get()
    assert record.measure_findings.get().finding == "书记人选已到位。"
    page = client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert "台账资料不全，需补齐。" in page and "书记人选已到位。" in page and "较好" in page


def test_a_refused_record_comes_back_with_the_reason(demo, login):
    designation = _designation(demo, DesignationStatus.RECTIFYING)
    client = login("county_admin")
    response = client.post(reverse("rectification:acceptance-create", args=[designation.pk]), {
        "held_on": dt.date.today().isoformat(), "members": "验收组", "opinions": "同意。", "result": "passed"})
    assert response.status_code == 400 and "申请验收之后" in response.content.decode()
    assert not AcceptanceReview.objects.filter(designation=designation).exists()


def test_acceptance_meeting_entered_from_the_designation_page_lets_the_evaluation_open(demo, login):
    from rectification import services

    designation = _apply_for_acceptance(demo, _designation(demo, DesignationStatus.RECTIFYING))
    client = login("county_admin")
    page = client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    url = reverse("rectification:acceptance-create", args=[designation.pk])
    assert url in page and "请先录入年终验收会议" in page
    response = client.post(url, {"held_on": dt.date.today().isoformat(), "members": "县委组织部副部长、镇党委书记",
                                 "opinions": "听取汇报，查阅台账，同意测评。", "score": "88", "result": "passed"})
    assert response.status_code == 302
    page = client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert "请先录入年终验收会议" not in page and "听取汇报，查阅台账，同意测评。" in page and "合格" in page
    assert services.evaluation_open(user=demo.users["county_admin"], designation=designation).status == \
        DesignationStatus.EVALUATING


def test_read_only_roles_get_403_and_other_counties_404(demo, login):
    designation = _designation(demo, DesignationStatus.RECTIFYING)
    for name in ("check-create", "acceptance-create", "follow-up-create"):
        url = reverse(f"rectification:{name}", args=[designation.pk])
        assert login("county_leader").get(url).status_code == 403
        assert login("other_county_admin").get(url).status_code == 404
        assert login("other_county_admin").post(url, {"checkers": "x"}).status_code == 404


def test_follow_up_review_on_the_designation_organization_and_tracking_pages(demo, login):
    designation = (Designation.objects.filter(county=demo.county1, status=DesignationStatus.CONSOLIDATING,
                                              follow_ups__isnull=True).order_by("-closed_out_on", "pk").first())
    client = login("county_admin")
    day = designation.closed_out_on + dt.timedelta(days=1)
    response = client.post(reverse("rectification:follow-up-create", args=[designation.pk]), {
        "reviewed_on": day.isoformat(), "reviewers": "镇党委组织委员、包村干部", "finding": "held",
        "notes": "班子运行正常，三会一课坚持较好。"})
    assert response.status_code == 302
    assert FollowUpReview.objects.filter(designation=designation).count() == 1
    page = client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert "班子运行正常，三会一课坚持较好。" in page and "巩固良好" in page
    organization_page = client.get(reverse("organizations:detail", args=[designation.organization_id]))
    assert "班子运行正常，三会一课坚持较好。" in organization_page.content.decode()
    tracking = client.get(reverse("rectification:tracking"))
    assert tracking.status_code == 200
    rows = {row.designation.pk: row for row in tracking.context["rows"]}
    assert rows[designation.pk].last_follow_up.reviewed_on == day
    assert reverse("rectification:designation", args=[designation.pk]) in tracking.content.decode()
    assert "尚未回头看" in tracking.content.decode()  # the others not yet reviewed
    assert reverse("rectification:tracking") in client.get(reverse("rectification:ledger")).content.decode()
    other = login("other_county_admin").get(reverse("rectification:tracking"))
    assert designation.pk not in {row.designation.pk for row in other.context["rows"]}


def test_tracking_ends_after_the_policy_years(demo, login):
    from organizations.services.grants import policy_set
    from rectification.selectors.checks import tracked_organizations

    designation = (Designation.objects.filter(county=demo.county1, status=DesignationStatus.CONSOLIDATING)
                   .order_by("closed_out_on").first())
    admin = demo.users["county_admin"]
    after_a_year = designation.closed_out_on.replace(year=designation.closed_out_on.year + 1) + dt.timedelta(days=1)
    assert designation.pk not in {r.designation.pk for r in tracked_organizations(admin, after_a_year)}
    policy_set(user=admin, division=demo.county1, key="post_closeout_tracking_years", value=2)
    assert designation.pk in {r.designation.pk for r in tracked_organizations(admin, after_a_year)}


def test_ledger_export_has_the_check_acceptance_and_follow_up_columns(demo, login):
    import io

    import openpyxl

    closed = (Designation.objects.filter(county=demo.county1, status=DesignationStatus.CONSOLIDATING,
                                         follow_ups__isnull=False).order_by("pk").first())
    review, acceptance = closed.follow_ups.get(), closed.acceptance_reviews.get()
    response = login("county_admin").get(reverse("rectification:ledger-export"), {"round": closed.round_id})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if r and "半年检查（日期/等次）" in r)
    header = rows[header_index]
    row = next(r for r in rows[header_index + 1:] if r[4] == closed.organization.name)
    columns = dict(zip(header, row, strict=True))
    assert columns["年终验收（日期/结果）"] == f"{acceptance.held_on.isoformat()} 合格"
    assert columns["回头看（日期/结论）"] == f"{review.reviewed_on.isoformat()} 巩固良好"
    check = closed.checks.order_by("checked_on", "pk").last()
    if check is not None:
        assert columns["半年检查（日期/等次）"].startswith(check.checked_on.isoformat())
    api = login("county_admin").get("/api/v1/ledger/export/", {"round": closed.round_id, "page_size": 100})
    assert api.status_code == 200
    item = next(r for r in api.json()["results"] if r["id"] == closed.pk)
    assert item["follow_up_review"] == columns["回头看（日期/结论）"]
    assert item["acceptance"] == columns["年终验收（日期/结果）"]


def test_the_evaluation_open_page_says_the_acceptance_meeting_comes_first(demo, login):
    designation = _apply_for_acceptance(demo, _designation(demo, DesignationStatus.RECTIFYING))
    page = login("county_admin").get(reverse("evaluations:evaluation-open", args=[designation.pk]))
    assert page.status_code == 200 and "请先录入年终验收会议" in page.content.decode()
