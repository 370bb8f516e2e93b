"""Party committee study of the rectification (issue 14 items 5 and 7): meetings of the county and township
Party committees against the policy's frequency, the disorderly villages without the township secretary's
contact, through the pages, the API, the dashboard and the workbook. Expected rows are computed here from the
meetings, designations and contacts (periods of the policy's months aligned on 1 January)."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from organizations.models import Division, Organization
from organizations.services.grants import policy_set
from rectification.models import CommitteeMeeting, Designation, DesignationStatus, Round, SecretaryContact

NOT_COUNTED = (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)
CLOSED = (DesignationStatus.CONSOLIDATING, DesignationStatus.CONSOLIDATED)
DISORDER = ("RSHS05", "RSHS06", "RSHS07", "RSHS08")
DEFAULT_MONTHS = {"county": 6, "township": 3}


def _period(day: dt.date, months: int) -> tuple[dt.date, dt.date]:
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    last_month = min(12, first_month + months - 1)
    end = (dt.date(day.year + (last_month == 12), last_month % 12 + 1, 1) - dt.timedelta(days=1))
    return start, end


def _current_round(county) -> Round:
    year = timezone.localdate().year
    return Round.objects.filter(county=county, year__lte=year).order_by("-year").first()


def expected_study(county, months=DEFAULT_MONTHS) -> dict[int, tuple[bool, bool]]:
    """division id -> (due, missed) for the county and its townships with weak organizations this round."""
    today = timezone.localdate()
    weak = Designation.objects.filter(round=_current_round(county)).exclude(status__in=NOT_COUNTED)
    divisions = [county, *Division.objects.filter(pk__in=weak.values("township_id")).order_by("code")]
    found = {}
    for division in divisions:
        start, end = _period(today, months[division.level])
        previous_start, previous_end = _period(start - dt.timedelta(days=1), months[division.level])
        held = list(CommitteeMeeting.objects.filter(division=division).values_list("held_on", flat=True))
        found[division.pk] = (not any(start <= day <= today for day in held),
                              not any(previous_start <= day <= previous_end for day in held))
    return found


def expected_without_contact(county) -> set[int]:
    today = timezone.localdate()
    open_ = (Designation.objects.filter(round=_current_round(county)).exclude(status__in=NOT_COUNTED + CLOSED)
             .filter(categories__code__in=DISORDER))
    contacted = SecretaryContact.objects.filter(started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)).values("organization_id")
    return set(open_.exclude(organization_id__in=contacted).values_list("organization_id", flat=True))


def page_study(html: str) -> dict[int, tuple[bool, bool]]:
    return {int(pk): (due == "1", missed == "1") for pk, due, missed in
            re.findall(r'<tr data-division="(\d+)" data-due="(\d)" data-missed="(\d)">', html)}


def page_without_contact(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<tr data-organization="(\d+)">', html)}


def test_demo_study_and_contacts_match_the_records(demo, login):
    client = login("county_admin")
    study = client.get(reverse("rectification:committee-study")).content.decode()
    expected = expected_study(demo.county1)
    assert page_study(study) == expected
    # The believable state: the county studied in both half-years; 林安镇 every quarter; some townships missed
    # the last quarter, some have not met yet in this one.
    assert expected[demo.county1.pk] == (False, False) and expected[demo.township_a.pk] == (False, False)
    assert any(missed for _due, missed in expected.values()) and any(due for due, _missed in expected.values())
    missed = client.get(reverse("rectification:committee-study"), {"study": "missed"}).content.decode()
    assert set(page_study(missed)) == {pk for pk, (_due, m) in expected.items() if m}
    flagged = page_without_contact(client.get(reverse("rectification:committee-without-contact")).content.decode())
    assert flagged == expected_without_contact(demo.county1)
    names = set(Organization.objects.filter(pk__in=flagged).values_list("division__name", flat=True))
    assert "濂前社区" in names and "汾山村" not in names
    # The committee page and the dashboard show the same figures, each a link to its list.
    page = client.get(reverse("rectification:committee")).content.decode()
    dashboard = client.get(reverse("rectification:dashboard")).content.decode()
    for html in (page, dashboard):
        assert f'{reverse("rectification:committee-study")}?study=missed' in html
        assert f'data-count="{len(flagged)}"' in html or f">{len(flagged)}<" in html
    home = client.get(reverse("home"))
    todo = {item.key: item.count for item in home.context["todo"]}
    assert todo.get("without_secretary_contact") == len(flagged)
    assert todo.get("committee_missed") == sum(1 for _due, m in expected.values() if m)


def test_township_records_its_meeting_through_the_pages(demo, login):
    organizer = login("town_organizer")
    url = reverse("rectification:committee-meeting-create")
    today = timezone.localdate()
    own = Organization.objects.filter(township=demo.township_a, pk__in=Designation.objects.filter(
        round=_current_round(demo.county1)).values("organization_id")).first()
    data = {"division": demo.township_a.pk, "held_on": today.isoformat(), "attendees": "镇党委书记、组织委员",
            "topics": "研究东山村整顿", "decisions": "限期补齐班子", "organizations": [own.pk]}
    future = organizer.post(url, {**data, "held_on": (today + dt.timedelta(days=3)).isoformat()})
    assert future.status_code == 400
    other = Organization.objects.filter(township=demo.township_b).first()
    assert organizer.post(url, {**data, "organizations": [other.pk]}).status_code == 400
    assert organizer.post(url, {**data, "division": demo.county1.pk}).status_code == 400
    response = organizer.post(url, data)
    assert response.status_code == 302
    meeting = CommitteeMeeting.objects.get(division=demo.township_a, topics="研究东山村整顿")
    assert list(meeting.organizations.all()) == [own]
    assert meeting.history.first().history_user.username == "town_organizer"
    detail = reverse("rectification:committee-meeting", args=[meeting.pk])
    assert organizer.get(detail).status_code == 200
    edit = reverse("rectification:committee-meeting-edit", args=[meeting.pk])
    assert organizer.post(edit, {**data, "decisions": "一个月内补齐班子"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.decisions == "一个月内补齐班子"
    assert meeting.history.first().decisions == "一个月内补齐班子" and meeting.history.last().decisions == "限期补齐班子"
    # The county's meetings are outside a township's scope; a leader reads but does not write.
    county_meeting = CommitteeMeeting.objects.filter(division=demo.county1).first()
    assert organizer.get(reverse("rectification:committee-meeting", args=[county_meeting.pk])).status_code == 404
    leader = login("county_leader")
    assert leader.get(detail).status_code == 200
    assert leader.get(edit).status_code == 403
    assert leader.get(url).status_code == 404
    assert login("other_county_admin").get(detail).status_code == 404


def test_a_meeting_clears_the_shortfall_and_the_policy_sets_the_period(demo, login):
    client = login("county_admin")
    expected = expected_study(demo.county1)
    due = next(Division.objects.get(pk=pk) for pk, (d, _m) in expected.items() if d and pk != demo.county1.pk)
    response = client.post(reverse("rectification:committee-meeting-create"), {
        "division": due.pk, "held_on": timezone.localdate().isoformat(), "attendees": "镇党委班子",
        "topics": "研究整顿", "decisions": "落实包村责任"})
    assert response.status_code == 302
    rows = page_study(client.get(reverse("rectification:committee-study"), {"study": "due"}).content.decode())
    assert due.pk not in rows and set(rows) == {pk for pk, (d, _m) in expected_study(demo.county1).items() if d}
    # A county that wants its townships to study once a year: the periods follow.
    policy_set(user=demo.users["county_admin"], division=demo.county1, key="township_committee_study_months",
               value=12)
    yearly = {**DEFAULT_MONTHS, "township": 12}
    html = client.get(reverse("rectification:committee-study")).content.decode()
    assert page_study(html) == expected_study(demo.county1, yearly)


def test_secretary_contact_through_the_pages(demo, login):
    client = login("county_admin")
    flagged = expected_without_contact(demo.county1)
    organization = Organization.objects.get(pk=sorted(flagged)[0])
    response = client.post(reverse("rectification:committee-contact-create"), {
        "organization": organization.pk, "secretary_name": "陈书记", "started_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    listed = page_without_contact(client.get(reverse("rectification:committee-without-contact")).content.decode())
    assert organization.pk not in listed and listed == expected_without_contact(demo.county1)
    contact = SecretaryContact.objects.get(organization=organization, secretary_name="陈书记")
    assert contact.township_id == organization.township_id
    end = reverse("rectification:committee-contact-end", args=[contact.pk])
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert client.post(end, {"ended_on": yesterday}).status_code == 400  # before it started
    assert client.post(end, {"ended_on": timezone.localdate().isoformat()}).status_code == 302
    # Ended today it still counts today; a village secretary may not record contacts.
    assert login("village_secretary").get(reverse("rectification:committee-contact-create")).status_code == 404


def test_committee_through_the_api(demo, login):
    client = login("county_admin")
    url = "/api/v1/ledger/committee-meetings/"
    today = timezone.localdate().isoformat()
    created = client.post(url, {"division": demo.county1.pk, "held_on": today, "attendees": "县委常委",
                                "topics": "研究整顿", "decisions": "挂牌督办"}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    patched = client.patch(f"{url}{pk}/", {"decisions": "挂牌督办三个村"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["decisions"] == "挂牌督办三个村"
    listed = client.get(url, {"division": demo.county1.pk, "page_size": 500}).json()
    rows = listed.get("results", listed)
    assert {r["id"] for r in rows} == set(CommitteeMeeting.objects.filter(division=demo.county1)
                                          .values_list("pk", flat=True))
    organizer = login("town_organizer")
    assert organizer.get(f"{url}{pk}/").status_code == 404
    assert organizer.post(url, {"division": demo.county1.pk, "held_on": today, "attendees": "x", "topics": "x",
                                "decisions": "x"}, content_type="application/json").status_code == 400
    assert login("county_leader").patch(f"{url}{pk}/", {"decisions": "x"},
                                        content_type="application/json").status_code == 403
    client = login("county_admin")
    organization = Organization.objects.get(pk=sorted(expected_without_contact(demo.county1))[0])
    contact = client.post("/api/v1/ledger/secretary-contacts/", {
        "organization": organization.pk, "secretary_name": "林书记", "started_on": today},
        content_type="application/json")
    assert contact.status_code == 201, contact.content
    contact_id = contact.json()["id"]
    assert client.get(f"/api/v1/ledger/secretary-contacts/{contact_id}/end/").json()["allowed"] is True
    ended = client.post(f"/api/v1/ledger/secretary-contacts/{contact_id}/end/", {}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["ended_on"] == today


def test_the_workbook(demo, login):
    client = login("county_admin")
    response = client.get(reverse("rectification:committee-export"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    study, meetings = workbook.worksheets
    names = {row[0] for row in study.iter_rows(values_only=True)}
    assert {Division.objects.get(pk=pk).name for pk in expected_study(demo.county1)} <= names
    dated = [row for row in meetings.iter_rows(values_only=True) if isinstance(row[1], dt.datetime)]
    assert len(dated) == CommitteeMeeting.objects.filter(division__in=Division.objects.filter(
        Q(pk=demo.county1.pk) | Q(county=demo.county1))).count()
    assert study.print_title_rows and meetings.print_title_rows


def _all_rows(client, url, params=None) -> list[dict]:
    """Every row of an API list, following its ``next`` links (small pages, to go through the pagination)."""
    rows, response = [], client.get(url, {**(params or {}), "page_size": 3}).json()
    while True:
        rows += response["results"]
        if not response["next"]:
            return rows
        response = client.get(response["next"]).json()


def test_the_study_shortfalls_through_the_api(demo, login):
    """The committee study's rows and figures and the disorderly villages without the secretary's contact, read
    through the API as on the pages: the same rows (paginated), the same figures, in each scope."""
    client = login("county_admin")
    expected = expected_study(demo.county1)
    rows = _all_rows(client, "/api/v1/ledger/committee-study/")
    assert {r["division"]: (r["due"], r["missed"]) for r in rows} == expected
    assert len(rows) > 3  # more than one page of three
    county = next(r for r in rows if r["division"] == demo.county1.pk)
    assert county["level"] == "county" and county["interval_months"] == 6 and county["division_name"] == "仙游县"
    page = client.get("/api/v1/ledger/committee-study/", {"study": "missed", "page_size": 500}).json()
    assert {r["division"] for r in page["results"]} == {pk for pk, (_due, m) in expected.items() if m}
    assert page["count"] == len(page["results"])
    flagged = expected_without_contact(demo.county1)
    assert page["counts"] == {"due": sum(1 for d, _m in expected.values() if d),
                              "missed": sum(1 for _d, m in expected.values() if m), "without_contact": len(flagged)}
    assert client.get("/api/v1/ledger/committee-study/", {"study": "late"}).status_code == 400
    contact_rows = _all_rows(client, "/api/v1/ledger/committee-without-contact/")
    assert {r["organization"] for r in contact_rows} == flagged and len(contact_rows) == len(flagged)
    assert all(set(r["categories"]) & set(DISORDER) for r in contact_rows)
    html = client.get(reverse("rectification:committee-without-contact")).content.decode()
    assert {r["organization"] for r in contact_rows} == page_without_contact(html)
    # A township sees its own township only; the other county nothing of county 1.
    organizer = login("town_organizer")
    rows = organizer.get("/api/v1/ledger/committee-study/", {"page_size": 500}).json()["results"]
    assert {r["division"] for r in rows} <= {demo.township_a.pk}
    rows = organizer.get("/api/v1/ledger/committee-without-contact/", {"page_size": 500}).json()["results"]
    assert {r["township"] for r in rows} <= {demo.township_a.pk}
    assert {r["organization"] for r in rows} == {o for o in flagged if Organization.objects.get(pk=o).township_id
                                                  == demo.township_a.pk}
    other = login("other_county_admin")
    rows = other.get("/api/v1/ledger/committee-study/", {"page_size": 500}).json()["results"]
    assert demo.county1.pk not in {r["division"] for r in rows}
    assert not flagged & {r["organization"] for r in other.get("/api/v1/ledger/committee-without-contact/",
                                                                 {"page_size": 500}).json()["results"]}
    client.logout()
    assert client.get("/api/v1/ledger/committee-study/").status_code in (401, 403)
