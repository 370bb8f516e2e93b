"""County supervision teams (督导组, issue 14 item 2) through the pages, the services and the API: a team with its
townships, an inspection of one of them, findings per organization with a score; a finding opens an escalation or
demands the rectification of a measure (a task on it); the township reads its inspections, not the county's teams."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from organizations.models import Division, Organization
from rectification.models import (
    Cause,
    Escalation,
    FindingAction,
    Inspection,
    InspectionFinding,
    Rung,
    SupervisionTeam,
    Task,
)
from rectification.periods import ONGOING_STATUSES
from rectification.services.supervision import (
    inspection_finding_add,
    inspection_record,
    supervision_team_save,
)
from tests.workbooks import table


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def team(demo):
    return supervision_team_save(user=demo.users["county_admin"], county=demo.county1, name="县委第二督导组",
                                 leader="陈国栋", members="陈国栋　县委组织部部长\n王丽　组织科科员",
                                 townships=[demo.township_a, demo.township_b])


def test_the_demo_team_inspected_and_its_finding_opened_an_escalation(demo):
    team = SupervisionTeam.objects.get(division=demo.county1)
    inspection = Inspection.objects.get(team=team)
    findings = list(inspection.findings.all())
    assert len(findings) == 2 and all(f.score is not None for f in findings)
    escalated = next(f for f in findings if f.action == FindingAction.ESCALATE)
    assert escalated.escalation.cause == Cause.INSPECTION and escalated.escalation.rung == Rung.REMINDER


def test_a_team_takes_only_the_county_townships_and_only_the_county_admin(demo, team):
    other = Division.objects.filter(county=demo.county2, level="township").first()
    with pytest.raises(ValidationError):
        supervision_team_save(user=demo.users["county_admin"], county=demo.county1, name="第三组", leader="x",
                              members="x", townships=[other])
    with pytest.raises(PermissionDenied):
        supervision_team_save(user=demo.users["town_organizer"], county=demo.county1, name="第三组", leader="x",
                              members="x", townships=[demo.township_a])
    with pytest.raises(ValidationError):
        inspection_record(user=demo.users["county_admin"], team=team, inspected_on=today(),
                          township=Division.objects.filter(county=demo.county1, level="township").exclude(
                              pk__in=[demo.township_a.pk, demo.township_b.pk]).first())


def test_a_finding_opens_an_escalation_or_demands_a_rectification(demo, team):
    admin = demo.users["county_admin"]
    inspection = inspection_record(user=admin, team=team, township=demo.township_a, inspected_on=today())
    organization = Organization.objects.filter(township=demo.township_a).exclude(
        pk__in=Escalation.objects.filter(cause=Cause.INSPECTION, resolved_on__isnull=True).values(
            "organization_id")).first()
    finding = inspection_finding_add(user=admin, inspection=inspection, organization=organization, score=60,
                                     finding="台账记录不全", action=FindingAction.ESCALATE)
    assert finding.escalation.cause == Cause.INSPECTION and finding.escalation.organization == organization
    assert f"finding-{finding.pk}" in finding.escalation.subjects
    with pytest.raises(ValidationError):  # one finding per organization and inspection
        inspection_finding_add(user=admin, inspection=inspection, organization=organization, finding="again")
    with pytest.raises(ValidationError):  # an organization of another township
        inspection_finding_add(user=admin, inspection=inspection, finding="x",
                               organization=Organization.objects.filter(township=demo.township_b).first())
    task = Task.objects.filter(township=demo.township_a, cycle__closed_on__isnull=True,
                               plan__designation__status__in=ONGOING_STATUSES).exclude(
        organization=organization).order_by("-deadline").first()
    measure, deadline = task.measure, task.deadline
    rectify = inspection_finding_add(user=admin, inspection=inspection, organization=measure.organization, score=70,
                                     finding="措施落实不到位", action=FindingAction.RECTIFY, measure=measure,
                                     rectify_by=deadline)
    assert rectify.task.measure == measure and rectify.task.deadline == deadline
    assert "措施落实不到位" in rectify.task.title


def test_pages_record_an_inspection_and_the_township_reads_it(demo, login, team):
    client = login("county_admin")
    assert client.get(reverse("rectification:supervision-teams")).status_code == 200
    response = client.post(reverse("rectification:inspection-create", args=[team.pk]),
                           {"township": demo.township_a.pk, "inspected_on": today(), "notes": "抽查两个村"})
    assert response.status_code == 302
    inspection = Inspection.objects.get(team=team)
    organization = Organization.objects.filter(township=demo.township_a).order_by("pk").first()
    response = client.post(reverse("rectification:inspection-finding-create", args=[inspection.pk]), {
        "organization": organization.pk, "finding": "“三会一课”流于形式", "score": 65, "action": FindingAction.NONE})
    assert response.status_code == 302
    foreign = Organization.objects.filter(township=demo.township_b).first()
    refused = client.post(reverse("rectification:inspection-finding-create", args=[inspection.pk]), {
        "organization": foreign.pk, "finding": "x", "action": FindingAction.NONE})
    assert refused.status_code == 400
    township = login("town_organizer")
    page = township.get(reverse("rectification:inspection", args=[inspection.pk]))
    assert page.status_code == 200 and "“三会一课”流于形式" in page.content.decode()
    assert township.get(reverse("rectification:supervision-team", args=[team.pk])).status_code == 404
    assert township.get(reverse("rectification:inspection-create", args=[team.pk])).status_code == 404
    # The township sees the inspection but records nothing in it (403).
    assert township.get(reverse("rectification:inspection-finding-create", args=[inspection.pk])).status_code == 403
    assert login("other_county_admin").get(reverse("rectification:inspection", args=[inspection.pk])).status_code \
        == 404
    client = login("county_admin")
    download = client.get(reverse("rectification:inspection-findings-export"))
    _header, rows = table(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active)
    assert {r[3] for r in rows} >= {organization.name}
    assert len(rows) == InspectionFinding.objects.filter(county=demo.county1).count()


def test_the_api_records_a_team_an_inspection_and_a_finding(demo, client):
    client.force_login(demo.users["county_admin"])
    response = client.post("/api/v1/ledger/supervision-teams/", {
        "name": "县委第四督导组", "leader": "李明", "members": "李明", "townships": [demo.township_b.pk]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    team = response.json()["id"]
    response = client.post("/api/v1/ledger/inspections/", {
        "team": team, "township": demo.township_b.pk, "inspected_on": today().isoformat()},
        content_type="application/json")
    assert response.status_code == 201, response.content
    inspection = response.json()["id"]
    organization = Organization.objects.filter(township=demo.township_b).order_by("pk").first()
    response = client.post("/api/v1/ledger/inspection-findings/", {
        "inspection": inspection, "organization": organization.pk, "finding": "班子不团结", "score": 55,
        "action": FindingAction.ESCALATE}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["escalation"]
    client.force_login(demo.users["town_organizer"])
    assert client.get(f"/api/v1/ledger/supervision-teams/{team}/").status_code == 404
    assert client.get(f"/api/v1/ledger/inspections/{inspection}/").status_code == 404  # 状元镇 is not theirs


def test_the_county_changes_and_deactivates_a_team_through_the_pages(demo, login, team):
    edit = reverse("rectification:supervision-team-edit", args=[team.pk])
    active = reverse("rectification:supervision-team-active", args=[team.pk])
    for url in (edit, active):
        assert login("county_leader").get(url).status_code == 403  # reads the team, changes nothing
        assert login("town_organizer").get(url).status_code == 404
        assert login("other_county_admin").get(url).status_code == 404
        assert login("other_county_admin").post(url, {"reason": "x"}).status_code == 404
    client = login("county_admin")
    page = client.get(edit)
    assert page.status_code == 200 and page.context["form"].initial["leader"] == "陈国栋"
    foreign = Division.objects.filter(county=demo.county2, level="township").first()
    refused = client.post(edit, {"name": team.name, "leader": "陈国栋", "members": "陈国栋", "townships": [foreign.pk]})
    assert refused.status_code == 400
    response = client.post(edit, {"name": team.name, "leader": "陈国栋", "townships": [demo.township_b.pk],
                                  "members": "陈国栋　县委组织部部长\n林晓燕　县纪委监委干部"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert set(team.townships.all()) == {demo.township_b} and "林晓燕" in team.members
    detail = client.get(reverse("rectification:supervision-team", args=[team.pk])).content.decode()
    assert "林晓燕" in detail and "王丽" in detail  # the member removed, in the team's history
    # Deactivated with the reason: no more inspections; brought back.
    assert client.post(active, {"reason": "本轮督导工作结束"}).status_code == 302
    team.refresh_from_db()
    assert not team.active and team.history.first().history_change_reason == "本轮督导工作结束"
    detail = client.get(reverse("rectification:supervision-team", args=[team.pk])).content.decode()
    assert "本轮督导工作结束" in detail and "已停用" in detail
    assert reverse("rectification:inspection-create", args=[team.pk]) not in detail
    refused = client.post(reverse("rectification:inspection-create", args=[team.pk]),
                          {"township": demo.township_b.pk, "inspected_on": today()})
    assert refused.status_code == 400 and not Inspection.objects.filter(team=team).exists()
    listing = client.get(reverse("rectification:supervision-teams")).content.decode()
    assert team.name in listing and "已停用" in listing
    assert client.post(active, {}).status_code == 302
    team.refresh_from_db()
    assert team.active
    assert client.post(reverse("rectification:inspection-create", args=[team.pk]),
                       {"township": demo.township_b.pk, "inspected_on": today()}).status_code == 302


def test_the_api_changes_and_deactivates_a_team(demo, client, team):
    url = f"/api/v1/ledger/supervision-teams/{team.pk}/"
    for username, status in (("town_organizer", 404), ("other_county_admin", 404), ("county_leader", 403)):
        client.force_login(demo.users[username])
        assert client.patch(url, {"active": False}, content_type="application/json").status_code == status
    client.force_login(demo.users["county_admin"])
    foreign = Division.objects.filter(county=demo.county2, level="township").first()
    assert client.patch(url, {"townships": [foreign.pk]}, content_type="application/json").status_code == 400
    response = client.patch(url, {"members": "陈国栋", "townships": [demo.township_a.pk]},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["townships"] == [demo.township_a.pk] and response.json()["leader"] == "陈国栋"
    response = client.patch(url, {"active": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["active"] is False
    team.refresh_from_db()
    assert not team.active and team.members == "陈国栋"
    assert client.put(url, {}, content_type="application/json").status_code == 405
    response = client.post("/api/v1/ledger/inspections/", {
        "team": team.pk, "township": demo.township_a.pk, "inspected_on": today().isoformat()},
        content_type="application/json")
    assert response.status_code == 400
