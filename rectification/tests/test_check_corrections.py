"""The check records can be corrected after entry, and they have an API (issue 11 leftovers): the edit pages
and the API's PATCH go through the same services, keep the audit trail, and follow the scope (another county:
404) and the role table (a role that only reads: 403)."""

import datetime as dt

import pytest
from django.urls import reverse

from rectification import services
from rectification.models import (
    AcceptanceReview,
    CheckFinding,
    DesignationStatus,
    FollowUpReview,
    SixMonthlyCheck,
)
from rectification.services import checks as check_services

from .test_check_pages import _apply_for_acceptance, _designation

pytestmark = pytest.mark.django_db
API = "/api/v1/ledger"
TODAY = dt.date.today()


def _check(demo, designation, **overrides):
    measure = designation.plan.measures.filter(cycle__closed_on__isnull=True).order_by("pk").first()
    fields = {"checked_on": TODAY, "checkers": "县委组织部督查组", "findings": "台账资料不全。", "grade": "average",
              "score": 70, "measure_findings": {measure.pk: "书记人选未到位。"}, **overrides}
    return check_services.check_record(user=demo.users["town_organizer"], designation=designation, **fields), measure


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data=data, content_type="application/json")


def test_a_check_is_corrected_on_its_page_and_the_history_keeps_the_first_version(demo, login):
    designation = _designation(demo, DesignationStatus.RECTIFYING)
    record, measure = _check(demo, designation)
    client = login("county_admin")
    page = client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    url = reverse("rectification:check-edit", args=[record.pk])
    assert url in page
    form = client.get(url)
    assert form.status_code == 200 and "台账资料不全。" in form.content.decode() and "书记人选未到位。" in form.content.decode()
    response = client.post(url, {"checked_on": TODAY.isoformat(), "checkers": "县委组织部督查组",
                                 "findings": "台账资料已补齐。", "grade": "fairly_good", "score": "85",
                                 f"measure_{measure.pk}": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert (record.findings, record.grade, record.score) == ("台账资料已补齐。", "fairly_good", 85)
    assert not CheckFinding.objects.filter(check_record=record).exists()  # the emptied finding is removed
    assert record.history.count() == 2 and record.history.earliest().findings == "台账资料不全。"
    history = client.get(url).content.decode()
    assert "台账资料不全。" in history and "台账资料已补齐。" in history  # the earlier version stays readable
    refused = client.post(url, {"checked_on": (TODAY + dt.timedelta(days=3)).isoformat(), "checkers": "x",
                                "findings": "x", "grade": "good"})
    assert refused.status_code == 400
    record.refresh_from_db()
    assert record.findings == "台账资料已补齐。"


def test_out_of_scope_is_404_and_a_read_only_role_403_on_the_pages(demo, login):
    designation = _designation(demo, DesignationStatus.RECTIFYING)
    record, _measure = _check(demo, designation)
    url = reverse("rectification:check-edit", args=[record.pk])
    assert login("other_county_admin").get(url).status_code == 404
    assert login("other_county_admin").post(url, {"findings": "hijacked"}).status_code == 404
    assert login("county_leader").get(url).status_code == 403
    assert login("county_leader").post(url, {"findings": "x"}).status_code == 403
    assert login("village_secretary").get(url).status_code in (403, 404)
    record.refresh_from_db()
    assert record.findings == "台账资料不全。"


def test_checks_through_the_api_list_create_correct_in_scope(demo, login):
    designation = _designation(demo, DesignationStatus.RECTIFYING)
    measure = designation.plan.measures.filter(cycle__closed_on__isnull=True).order_by("pk").first()
    organizer = login("town_organizer")
    created = _json(organizer, "post", f"{API}/six-monthly-checks/", {
        "designation": designation.pk, "checked_on": TODAY.isoformat(), "checkers": "镇党委",
        "findings": "组织生活不规范。", "grade": "poor", "measure_findings": [{"measure": measure.pk, "finding": "未落实"}]})
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["measure_findings"][0]["finding"] == "未落实"
    assert created.json()["entered_by"] == demo.users["town_organizer"].pk
    listed = organizer.get(f"{API}/six-monthly-checks/", {"designation": designation.pk}).json()
    assert pk in [row["id"] for row in listed["results"]]
    patched = _json(organizer, "patch", f"{API}/six-monthly-checks/{pk}/", {"grade": "average", "score": 72})
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["grade"], patched.json()["score"], patched.json()["findings"]) == ("average", 72, "组织生活不规范。")
    assert SixMonthlyCheck.objects.get(pk=pk).history.count() == 2
    # a bad correction is a 400 with the reason, nothing saved
    bad = _json(organizer, "patch", f"{API}/six-monthly-checks/{pk}/", {"rectify_by": TODAY.isoformat()})
    assert bad.status_code == 400 and "rectification_demanded" in bad.json()
    # out of scope: 404 for reading and writing; a role that only reads: 403
    other = login("other_county_admin")
    assert other.get(f"{API}/six-monthly-checks/{pk}/").status_code == 404
    assert _json(other, "patch", f"{API}/six-monthly-checks/{pk}/", {"findings": "hijacked"}).status_code == 404
    assert pk not in [row["id"] for row in other.get(f"{API}/six-monthly-checks/").json()["results"]]
    leader = login("county_leader")
    assert leader.get(f"{API}/six-monthly-checks/{pk}/").status_code == 200
    assert _json(leader, "patch", f"{API}/six-monthly-checks/{pk}/", {"findings": "x"}).status_code == 403
    assert _json(leader, "post", f"{API}/six-monthly-checks/", {
        "designation": designation.pk, "checked_on": TODAY.isoformat(), "checkers": "x", "findings": "x",
        "grade": "good"}).status_code == 403
    assert SixMonthlyCheck.objects.get(pk=pk).findings == "组织生活不规范。"


def test_the_acceptance_meeting_is_corrected_until_the_evaluation_opens(demo, login):
    designation = _apply_for_acceptance(demo, _designation(demo, DesignationStatus.RECTIFYING))
    admin = login("county_admin")
    created = _json(admin, "post", f"{API}/acceptance-reviews/", {
        "designation": designation.pk, "held_on": TODAY.isoformat(), "members": "验收组", "opinions": "材料不全。",
        "result": "failed"})
    assert created.status_code == 201, created.json()
    review = AcceptanceReview.objects.get(pk=created.json()["id"])
    url = reverse("rectification:acceptance-edit", args=[review.pk])
    assert url in admin.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    response = admin.post(url, {"held_on": TODAY.isoformat(), "members": "县委组织部副部长、镇党委书记",
                                "opinions": "补齐材料后同意测评。", "result": "passed", "score": "86"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.result == "passed" and review.history.earliest().result == "failed"
    assert login("county_leader").post(url, {"result": "failed"}).status_code == 403
    assert login("other_county_admin").get(f"{API}/acceptance-reviews/{review.pk}/").status_code == 404
    services.evaluation_open(user=demo.users["county_admin"], designation=designation)
    admin = login("county_admin")  # the test client is one: log the admin in again
    late = _json(admin, "patch", f"{API}/acceptance-reviews/{review.pk}/", {"result": "failed"})
    assert late.status_code == 400 and "满意度测评" in str(late.json())
    assert "满意度测评开启前更正" in admin.get(url).content.decode()  # the page says so before any attempt
    review.refresh_from_db()
    assert review.result == "passed"


def test_a_follow_up_review_is_corrected_but_keeps_its_finding(demo, login):
    closed = _designation(demo, DesignationStatus.CONSOLIDATING)
    reviews = FollowUpReview.objects.filter(designation=closed).count()
    review = check_services.follow_up_record(user=demo.users["county_admin"], designation=closed,
                                             reviewed_on=TODAY, reviewers="县委组织部", finding="held")
    admin = login("county_admin")
    url = f"{API}/follow-up-reviews/{review.pk}/"
    patched = _json(admin, "patch", url, {"reviewers": "县委组织部、镇党委", "notes": "群众反映良好。"})
    assert patched.status_code == 200 and patched.json()["reviewers"] == "县委组织部、镇党委"
    changed = _json(admin, "patch", url, {"finding": "relapsed", "notes": "问题反弹"})
    assert changed.status_code == 400 and "finding" in changed.json()
    page = admin.post(reverse("rectification:follow-up-edit", args=[review.pk]), {
        "reviewed_on": TODAY.isoformat(), "reviewers": "县委组织部", "finding": "held", "notes": ""})
    assert page.status_code == 302
    review.refresh_from_db()
    assert review.finding == "held" and review.reviewers == "县委组织部" and review.history.count() == 3
    assert FollowUpReview.objects.filter(designation=closed).count() == reviews + 1  # corrected, not added
