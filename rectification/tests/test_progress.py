"""Progress entries: who may enter them and when; the API with multipart evidence; the plan panel."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from rectification import services
from rectification.models import (
    Designation,
    DesignationStatus,
    EvidenceFile,
    PeriodReport,
    ProgressEntry,
    Task,
)
from rectification.selectors.progress import plan_progress_panel

from .progress_support import EXE, JPEG, PDF, make_rectifying_plan, media_dir, upload, village_in

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 23)


@pytest.fixture
def plan(demo):
    return make_rectifying_plan(demo)


@pytest.fixture
def media(settings, tmp_path):
    return media_dir(settings, tmp_path)


def _add(user, plan, **kwargs):
    data = {"happened_on": D(2026, 11, 20), "content": "召开组织生活会", "today": TODAY, **kwargs}
    return services.progress_entry_add(user=user, plan=plan, **data)


@pytest.mark.parametrize("username", ["town_organizer", "village_secretary", "county_admin"])
def test_township_village_and_county_enter_progress(demo, plan, username):
    task = Task.objects.filter(plan=plan).first()
    entry = _add(demo.users[username], plan, task=task)
    assert (entry.author, entry.task, entry.organization_id, entry.county_id, entry.township_id) == (
        demo.users[username], task, plan.organization_id, plan.county_id, plan.township_id)


@pytest.mark.parametrize("username", ["county_leader", "contact_leader", "city_reviewer", "other_county_admin"])
def test_others_do_not(demo, plan, username):
    with pytest.raises(PermissionDenied):
        _add(demo.users[username], plan)
    assert not ProgressEntry.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("status,allowed", [
    (DesignationStatus.DESIGNATED, False), (DesignationStatus.PLAN_REVIEW, False),
    (DesignationStatus.RECTIFYING, True), (DesignationStatus.ACCEPTANCE_REQUESTED, True),
    (DesignationStatus.EVALUATING, False), (DesignationStatus.CONSOLIDATING, False)])
def test_progress_is_entered_during_rectification_and_while_acceptance_is_awaited(demo, plan, status, allowed):
    Designation.objects.filter(pk=plan.designation_id).update(status=status)
    plan.designation.refresh_from_db()
    if allowed:
        assert _add(demo.users["town_organizer"], plan).pk
    else:
        with pytest.raises(ValidationError) as excinfo:
            _add(demo.users["town_organizer"], plan)
        assert plan.designation.get_status_display() in excinfo.value.messages[0]
        assert not ProgressEntry.objects.filter(plan=plan).exists()


def test_bad_entries_are_refused_field_by_field(demo, plan):
    other = make_rectifying_plan(demo, organization=village_in(demo.township_b))
    foreign_task = Task.objects.filter(plan=other).first()
    with pytest.raises(ValidationError) as excinfo:
        _add(demo.users["county_admin"], plan, task=foreign_task, happened_on=D(2026, 11, 24), content=" ")
    assert set(excinfo.value.message_dict) == {"task", "happened_on", "content"}
    assert not ProgressEntry.objects.filter(plan__in=[plan, other]).exists()


def test_api_creates_entries_with_multipart_evidence(demo, plan, media, login):
    client = login("village_secretary")
    url = reverse("progress-entry-list")
    response = client.post(url, {"plan": plan.pk, "happened_on": "2026-11-20", "content": "完成党员大会",
                                 "files": [upload("a.jpg", JPEG), upload("b.pdf", PDF)]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [f["content_type"] for f in body["evidence"]] == ["image/jpeg", "application/pdf"]
    assert body["evidence"][0]["download_url"] == reverse("evidence-file-download", args=[body["evidence"][0]["id"]])
    entries = ProgressEntry.objects.count()
    bad = client.post(url, {"plan": plan.pk, "happened_on": "2026-11-20", "content": "x",
                            "files": [upload("x.jpg", EXE)]})
    assert bad.status_code == 400 and "x.jpg" in bad.content.decode()
    assert ProgressEntry.objects.count() == entries
    listed = client.get(url, {"plan": plan.pk}).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    # Another county: the plan id is not accepted, the entry is not found.
    outsider = login("other_county_admin")
    assert outsider.post(url, {"plan": plan.pk, "happened_on": "2026-11-20", "content": "x"}).status_code == 400
    assert outsider.get(reverse("progress-entry-detail", args=[body["id"]])).status_code == 404
    assert login("county_leader").post(url, {"plan": plan.pk, "happened_on": "2026-11-20",
                                             "content": "x"}).status_code == 403
    assert ProgressEntry.objects.count() == entries


def test_plan_panel(demo, plan, media):
    organizer = demo.users["town_organizer"]
    for day in (D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6), D(2026, 11, 7)):
        _add(organizer, plan, happened_on=day, content=f"{day}工作", files=[upload("p.jpg", JPEG)])
    services.visit_log(user=demo.users["contact_leader"], plan=plan, visited_on=D(2026, 11, 3), discussed="座谈",
                       today=TODAY)
    services.reports_ensure(plan=plan, today=D(2026, 9, 1))
    panel = plan_progress_panel(organizer, plan, today=TODAY)
    assert [e.happened_on for e in panel.entries] == [D(2026, 11, 7), D(2026, 11, 6), D(2026, 11, 5),
                                                      D(2026, 11, 4), D(2026, 11, 3)]
    assert panel.entry_count == 6
    assert (panel.visits.done, panel.visits.required) == (1, 3)
    assert [(p.start, flag, row is not None) for row, p, flag in panel.reports] == [
        (D(2026, 11, 1), "open", False), (D(2026, 9, 1), "missing", True), (D(2026, 7, 1), "missing", True),
        (D(2026, 5, 1), "missing", True), (D(2026, 3, 1), "missing", True)]
    assert panel.unprepared == 1 and panel.current_period.start == D(2026, 11, 1)
    # The organizer enters visits for the village's contact leaders (issue 11 item 6).
    assert (panel.can_add_progress, panel.can_log_visit, panel.can_submit_reports) == (True, True, True)
    html = render_to_string("rectification/progress/plan_panel.html", {"panel": panel})
    assert reverse("rectification:progress-add", args=[plan.pk]) in html
    assert reverse("rectification:evidence", args=[EvidenceFile.objects.filter(entry__plan=plan).last().pk]) in html
    leader_panel = plan_progress_panel(demo.users["contact_leader"], plan, today=TODAY)
    assert (leader_panel.can_add_progress, leader_panel.can_log_visit) == (False, True)


def test_plan_progress_page_prepares_drafts(demo, plan, login):
    client = login("town_organizer")
    url = reverse("rectification:plan-progress", args=[plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    count = PeriodReport.objects.filter(plan=plan).count()
    assert count >= 5  # March 2026 to today's period
    client.post(url)
    assert PeriodReport.objects.filter(plan=plan).count() == count
    assert login("county_leader").post(url).status_code == 403
    assert login("other_county_admin").post(url).status_code == 404
