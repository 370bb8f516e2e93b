"""The escalation ladder through its pages and the API: the list by rung and state, escalating and resolving as
the county, the township's and the other county's refusals (403 visible, 404 outside), a county leader's
instruction, a circular issued and printed (page and workbook), the demo in a believable state."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from organizations.models import Division, JobRun, Notification, Organization
from rectification.models import Cause, Circular, Escalation, Instruction, Rung
from rectification.services.escalations import escalation_open
from tests.workbooks import table

API = "/api/v1/ledger/escalations/"


def today() -> dt.date:
    return timezone.localdate()


def reminder_in(demo, township):
    """A fresh reminder (raised by the county) on an organization of ``township`` without an open escalation."""
    organization = Organization.objects.filter(township=township).exclude(
        pk__in=Escalation.objects.filter(resolved_on__isnull=True).values("organization_id")).order_by("pk").first()
    return escalation_open(user=demo.users["county_admin"], organization=organization, reason="“三会一课”记录不全",
                           today=today())


def test_the_demo_has_escalations_at_every_rung_a_circular_and_an_interview(demo):
    open_rows = Escalation.objects.filter(county=demo.county1, resolved_on__isnull=True)
    assert {e.rung for e in open_rows} == set(Rung.values)
    assert Escalation.objects.filter(county=demo.county1, resolved_on__isnull=False).exists()
    interview = open_rows.get(rung=Rung.INTERVIEW).steps.get(rung=Rung.INTERVIEW)
    assert interview.interviewer and interview.interviewee and interview.commitments and interview.follow_up_on
    circular = Circular.objects.get(division=demo.county1)
    assert circular.steps.count() == 3
    assert Instruction.objects.filter(county=demo.county1).exists()


def test_list_by_rung_and_state_in_each_scope(demo, login):
    client = login("county_admin")
    response = client.get(reverse("rectification:escalations"), {"state": "listed"})
    assert response.status_code == 200
    listed = Escalation.objects.filter(county=demo.county1, resolved_on__isnull=True).exclude(rung=Rung.REMINDER)
    assert response.context["paginator"].count == listed.count()
    assert "挂牌督办" in response.content.decode()
    # The township organizer sees its township's only; the village secretary its village's.
    client = login("town_organizer")
    rows = client.get(reverse("rectification:escalations")).context["object_list"]
    assert rows and {e.township_id for e in rows} == {demo.township_a.pk}
    client = login("village_secretary")
    rows = client.get(reverse("rectification:escalations")).context["object_list"]
    assert {e.organization.division_id for e in rows} == {demo.village_a.pk}
    assert not login("other_county_admin").get(reverse("rectification:escalations")).context["object_list"]


def test_the_county_escalates_and_resolves_through_the_pages(demo, login):
    escalation = reminder_in(demo, demo.township_a)
    url = reverse("rectification:escalation-escalate", args=[escalation.pk])
    assert login("town_organizer").get(url).status_code == 403
    assert login("other_county_admin").get(url).status_code == 404
    client = login("county_admin")
    page = client.get(url)
    assert page.status_code == 200 and "约谈" in page.content.decode()
    refused = client.post(url, {"rung": Rung.INTERVIEW, "taken_on": today(), "content": "进度滞后"})
    assert refused.status_code == 400 and "请填写约谈人" in refused.content.decode()
    response = client.post(url, {"rung": Rung.SUPERVISION, "taken_on": today(), "content": "限期一个月完成整改",
                                 "document_number": "仙组督〔2026〕11号"})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.rung == Rung.SUPERVISION and escalation.is_listed
    detail = client.get(reverse("rectification:escalation", args=[escalation.pk])).content.decode()
    assert "仙组督〔2026〕11号" in detail and "挂牌督办" in detail
    # The township sees it listed, read-only.
    township_view = login("town_organizer").get(reverse("rectification:escalation", args=[escalation.pk]))
    assert township_view.status_code == 200
    assert reverse("rectification:escalation-resolve", args=[escalation.pk]) not in township_view.content.decode()
    client = login("county_admin")
    response = client.post(reverse("rectification:escalation-resolve", args=[escalation.pk]),
                           {"resolved_on": today(), "resolution": "已完成整改并书面报告"})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.resolved_on == today() and not escalation.is_listed


def test_a_county_leader_writes_an_instruction_and_the_people_are_told(demo, login):
    escalation = reminder_in(demo, demo.township_a)
    url = reverse("rectification:escalation-instruction", args=[escalation.pk])
    assert login("county_admin").get(url).status_code == 403
    response = login("county_leader").post(url, {"text": "请抓紧落实，月底前报结果。"})
    assert response.status_code == 302
    instruction = Instruction.objects.get(escalation=escalation)
    told = set(Notification.objects.filter(dedupe_key=f"instruction-{instruction.pk}").values_list(
        "user__username", flat=True))
    assert {"county_admin", "town_organizer"} <= told
    organization_url = reverse("rectification:organization-instruction", args=[escalation.organization_id])
    assert login("county_leader").post(organization_url, {"text": "要高度重视。"}).status_code == 302


def test_a_circular_issued_printed_and_exported(demo, login):
    chosen = [reminder_in(demo, demo.township_a), reminder_in(demo, demo.township_b)]
    assert login("town_organizer").get(reverse("rectification:circular-create")).status_code == 404
    client = login("county_admin")
    form = client.get(reverse("rectification:circular-create"))
    assert form.status_code == 200
    offered = {e.pk for e in form.context["form"].fields["escalations"].queryset}
    assert {e.pk for e in chosen} <= offered
    response = client.post(reverse("rectification:circular-create"), {
        "number": "仙组通〔2026〕9号", "title": "关于整顿工作推进滞后的通报", "issued_on": today(),
        "body": "现予通报。", "escalations": [e.pk for e in chosen]})
    assert response.status_code == 302
    circular = Circular.objects.get(number="仙组通〔2026〕9号")
    page = client.get(reverse("rectification:circular", args=[circular.pk])).content.decode()
    for escalation in chosen:
        assert escalation.organization.name in page
    assert "仙游县委组织部" in page and "data-print" in page
    download = client.get(reverse("rectification:circular-export", args=[circular.pk]))
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    header, rows = table(book.active)
    assert "党组织" in header and {r[2] for r in rows} == {e.organization.name for e in chosen}
    # Addressed to the townships: their officials read it (the village does not).
    assert login("town_organizer").get(reverse("rectification:circular", args=[circular.pk])).status_code == 200
    assert login("village_secretary").get(reverse("rectification:circular", args=[circular.pk])).status_code == 404


def test_the_townships_of_the_county_read_its_circulars_and_no_other(demo, login, client, make_persona):
    """A county's circular (通报) is addressed to its townships: their organization officers and Party secretaries
    read it in the list, as the printable document and as the workbook, and through the API; a township of another
    county, a village, and the township roles' writes get nothing (404)."""
    from organizations.roles import Role
    from rectification.services.escalations import circular_issue

    circular = Circular.objects.get(division=demo.county1)
    secretary_b = make_persona("township_b_secretary", role=Role.TOWNSHIP_SECRETARY, division=demo.township_b)
    township_c = Division.objects.filter(county=demo.county2, level="township").order_by("code").first()
    organizer_c = make_persona("township_c_organizer", role=Role.TOWNSHIP_ORGANIZER, division=township_c)
    foreign = escalation_open(user=demo.users["other_county_admin"], today=today(), reason="组织生活不正常",
                              organization=Organization.objects.filter(township=township_c).order_by("pk").first())
    other = circular_issue(user=demo.users["other_county_admin"], county=demo.county2, number="涵组通〔2026〕1号",
                           title="关于整顿工作推进情况的通报", issued_on=today(), escalations=[foreign])
    page_url = reverse("rectification:circular", args=[circular.pk])
    export_url = reverse("rectification:circular-export", args=[circular.pk])
    names = {step.organization.name for step in circular.steps.all()}
    for username in ("town_organizer", "township_b_secretary"):
        reader = login(username)
        listing = reader.get(reverse("rectification:circulars"))
        assert [c.pk for c in listing.context["object_list"]] == [circular.pk]
        page = reader.get(page_url).content.decode()
        assert circular.title in page and all(name in page for name in names)  # every township's, as issued
        download = reader.get(export_url)
        assert download.status_code == 200
        _header, rows = table(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active)
        assert {r[2] for r in rows} == names
        assert reader.get(reverse("rectification:circular", args=[other.pk])).status_code == 404
        assert reader.get(reverse("rectification:circular-export", args=[other.pk])).status_code == 404
        assert reader.get(reverse("rectification:circular-create")).status_code == 404
    # The county column repeats one name for a county's readers (left out on a phone-sized list); a city
    # reader of two counties' circulars sees it.
    county_header = "<th>县（市、区）</th>"
    assert county_header not in login("town_organizer").get(reverse("rectification:circulars"),
                                                           HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    city = login("city_reviewer").get(reverse("rectification:circulars"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert len(city.context["object_list"]) == 2 and county_header in city.content.decode()
    # Another county's township: its own county's circular only.
    reader = login("township_c_organizer")
    assert [c.pk for c in reader.get(reverse("rectification:circulars")).context["object_list"]] == [other.pk]
    assert reader.get(page_url).status_code == 404 and reader.get(export_url).status_code == 404
    assert reader.get(reverse("rectification:circular", args=[other.pk])).status_code == 200
    # A village's people are not addressed.
    village = login("village_secretary")
    assert not village.get(reverse("rectification:circulars")).context["object_list"]
    assert village.get(page_url).status_code == 404 and village.get(export_url).status_code == 404
    # The API: the same scope.
    client.force_login(secretary_b)
    rows = client.get("/api/v1/ledger/circulars/").json()["results"]
    assert [r["id"] for r in rows] == [circular.pk]
    assert client.get(f"/api/v1/ledger/circulars/{circular.pk}/").status_code == 200
    assert client.get(f"/api/v1/ledger/circulars/{other.pk}/").status_code == 404
    assert client.post("/api/v1/ledger/circulars/", {"number": "x", "title": "x", "issued_on": today().isoformat(),
                                                     "escalations": []},
                       content_type="application/json").status_code in (400, 403)
    client.force_login(organizer_c)
    assert client.get(f"/api/v1/ledger/circulars/{circular.pk}/").status_code == 404


def test_escalations_export_is_the_filtered_list(demo, login):
    client = login("county_admin")
    response = client.get(reverse("rectification:escalations-export"), {"state": "listed"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    _header, rows = table(book.active)
    listed = Escalation.objects.filter(county=demo.county1, resolved_on__isnull=True).exclude(rung=Rung.REMINDER)
    assert sorted(r[0] for r in rows) == sorted(e.organization.name for e in listed)


def test_the_api_raises_escalates_and_resolves(demo, client):
    client.force_login(demo.users["town_organizer"])
    rows = client.get(API).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert rows and {r["township"] for r in rows} == {demo.township_a.pk}
    organization = Organization.objects.filter(township=demo.township_a).exclude(
        pk__in=Escalation.objects.filter(resolved_on__isnull=True).values("organization_id")).first()
    foreign = Organization.objects.filter(county=demo.county2).first()
    assert client.post(API, {"organization": foreign.pk, "reason": "x"},
                       content_type="application/json").status_code == 400
    created = client.post(API, {"organization": organization.pk, "reason": "组织生活会未按期召开"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["rung"] == Rung.REMINDER
    pk = created.json()["id"]
    step = {"rung": Rung.SUPERVISION, "taken_on": today().isoformat(), "content": "限期整改"}
    assert client.post(f"{API}{pk}/escalate/", step, content_type="application/json").status_code == 403
    client.force_login(demo.users["county_admin"])
    response = client.post(f"{API}{pk}/escalate/", step, content_type="application/json")
    assert response.status_code == 200 and response.json()["deadline"]
    assert client.get(f"{API}{pk}/").json()["listed"] is True
    response = client.post(f"{API}{pk}/resolve/", {"resolved_on": today().isoformat(), "resolution": "已整改"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["resolved_on"] == today().isoformat()
    client.force_login(demo.users["other_county_admin"])
    assert client.get(f"{API}{pk}/").status_code == 404
    # A county leader's instruction through the API.
    client.force_login(demo.users["county_leader"])
    response = client.post("/api/v1/ledger/instructions/", {"escalation": pk, "text": "继续巩固。"},
                           content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_organization_page_lists_its_escalations_and_offers_the_steps(demo, login):
    organization = Escalation.objects.filter(county=demo.county1, rung=Rung.SUPERVISION,
                                             resolved_on__isnull=True).first().organization
    url = reverse("organizations:detail", args=[organization.pk])
    leader = login("county_leader").get(url).content.decode()
    assert reverse("rectification:organization-instruction", args=[organization.pk]) in leader
    assert reverse("rectification:escalation-create", args=[organization.pk]) not in leader
    assert "督办（挂牌督办）" in leader
    admin = login("county_admin").get(url).content.decode()
    assert reverse("rectification:escalation-create", args=[organization.pk]) in admin
    cause = next(c for c in Cause.values if not Escalation.objects.filter(
        organization=organization, cause=c, resolved_on__isnull=True).exists())
    response = login("county_admin").post(reverse("rectification:escalation-create", args=[organization.pk]),
                                          {"cause": cause, "reason": "本月联系领导未到村走访"})
    assert response.status_code == 302
    assert Escalation.objects.filter(organization=organization, cause=cause, resolved_on__isnull=True).exists()


def test_the_job_run_from_the_jobs_page_lists_an_unanswered_reminder(demo, login, client,
                                                                     django_capture_on_commit_callbacks):
    """A reminder sent twenty days ago (deadline ten days ago) is taken to 督办 by the daily job run from the jobs
    page: the escalation page shows the system's supervision notice, the township finds it in its notifications,
    the API reads it listed."""
    organization = Organization.objects.filter(township=demo.township_a).exclude(
        pk__in=Escalation.objects.filter(resolved_on__isnull=True).values("organization_id")).order_by("pk").first()
    sent = today() - dt.timedelta(days=20)
    escalation = escalation_open(user=demo.users["county_admin"], organization=organization, today=sent,
                                 reason="组织生活会未按期召开")
    admin = login("county_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("organizations:jobs"), {"job": "escalations", "county": demo.county1.pk,
                                                              "confirm": "1"})
    assert response.status_code == 302
    run = JobRun.objects.get(job="escalations")
    assert run.status == "done" and run.result["supervised"] >= 1
    assert "转督办" in admin.get(reverse("organizations:jobs")).content.decode()
    escalation.refresh_from_db()
    assert escalation.rung == Rung.SUPERVISION and escalation.rung_since == today()
    page = admin.get(reverse("rectification:escalation", args=[escalation.pk])).content.decode()
    assert "每日任务自动下发督办通知" in page and "挂牌督办" in page
    listed = admin.get(reverse("rectification:escalations"), {"state": "open", "rung": "supervision"})
    assert escalation in listed.context["object_list"] or listed.context["paginator"].count > 50
    inbox = login("town_organizer").get(reverse("organizations:notifications")).content.decode()
    assert organization.name in inbox and "督办" in inbox
    client.force_login(demo.users["town_organizer"])
    body = client.get(f"{API}{escalation.pk}/").json()
    assert body["listed"] is True and [s["rung"] for s in body["steps"]] == [Rung.REMINDER, Rung.SUPERVISION]
