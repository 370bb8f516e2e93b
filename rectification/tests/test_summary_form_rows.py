"""The rows of the statistical form that were missing (issue 11 item 8): the poor villages among the designated,
secretary posts vacant at the start of the year and filled since, secretaries trained at county level or above,
resident cadres, and the violations of discipline or law investigated. Each figure is checked against the
records the test makes, through the form's download (HTTP) and the designation page's case record."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cadres.models import SECRETARY_POSTS, Cadre, FirstSecretary, TrainingAttendance, TrainingEvent
from cadres.models.roster import Post
from cadres.selectors.summary_figures import team_member_names
from organizations.models import OrganizationCategory
from rectification.exports.upward_summary import summary_of
from rectification.models import DesignationStatus, DisciplineCase

from .publishing_support import make_designation, make_round, organizations_of

YEAR = 2021


def _scope(org) -> dict:
    return {"organization": org, "county_id": org.county_id, "township_id": org.township_id}


def _secretary(org, name, since, until=None) -> Cadre:
    return Cadre.objects.create(name=name, post=Post.SECRETARY, post_started_on=since, post_ended_on=until,
                                **_scope(org))


@pytest.fixture
def form_year(demo):
    """A 2021 round: three villages of township A, two of township B (one of A withdrawn, not counted)."""
    round_ = make_round(demo.county1, YEAR)
    a = organizations_of(demo, demo.township_a, 3, category=OrganizationCategory.VILLAGE)
    b = organizations_of(demo, demo.township_b, 2, category=OrganizationCategory.VILLAGE)
    statuses = [DesignationStatus.RECTIFYING, DesignationStatus.RECTIFYING, DesignationStatus.WITHDRAWN,
                DesignationStatus.RECTIFYING, DesignationStatus.RECTIFYING]
    designations = [make_designation(round_, org, status=status) for org, status in zip(a + b, statuses,
                                                                                        strict=True)]
    orgs = a + b
    # 脱贫村: the first of A, the withdrawn one (not counted) and the second of B.
    for org in (orgs[0], orgs[2], orgs[4]):
        org.is_poverty_village = True
        org.save()
    # The roster: every organization's secretary in office since 2018 ...
    Cadre.objects.filter(organization__in=orgs, post__in=SECRETARY_POSTS).delete()
    for org in orgs:
        _secretary(org, f"{org.division.name}书记", dt.date(2018, 1, 1))
    # ... except A's first (left in 2020, a new one from June 2021: vacant, filled), B's first (left in
    # October 2020, nobody since: vacant) and the withdrawn one (vacant, not counted).
    for org, left in ((orgs[0], dt.date(2020, 12, 31)), (orgs[3], dt.date(2020, 10, 1)),
                      (orgs[2], dt.date(2020, 5, 1))):
        Cadre.objects.filter(organization=org, post__in=SECRETARY_POSTS).update(post_ended_on=left)
    newcomer = _secretary(orgs[0], "新任书记", dt.date(2021, 6, 1))
    # Trainings: the county's of 2021 (A's second secretary completed it, B's second did not), the county's of
    # 2020 and a township's of 2021 (neither counts as "county level in 2021").
    county_2021 = TrainingEvent.objects.create(division=demo.county1, title="2021年村党组织书记轮训",
                                               held_on=dt.date(YEAR, 4, 10))
    county_2020 = TrainingEvent.objects.create(division=demo.county1, title="2020年轮训", held_on=dt.date(2020, 4, 10))
    township = TrainingEvent.objects.create(division=demo.township_a, title="镇级培训", held_on=dt.date(YEAR, 5, 10))
    secretary_of = {org.pk: Cadre.objects.filter(organization=org, post__in=SECRETARY_POSTS,
                                                 post_ended_on__isnull=True).first() for org in orgs}
    for event, org, passed in ((county_2021, orgs[1], True), (county_2021, orgs[4], False),
                               (county_2020, orgs[4], True), (township, orgs[0], True)):
        cadre = secretary_of[org.pk]
        TrainingAttendance.objects.create(event=event, cadre=cadre, name=cadre.name, passed=passed, **_scope(org))
    # Resident cadres: A's second has a first secretary and a work team of two in 2021; B's first had one
    # recalled before 2021 began.
    FirstSecretary.objects.create(name="驻村书记", dispatching_unit="县财政局", team_members="王一、王二",
                                  term_start=dt.date(2020, 3, 1), term_end=dt.date(2022, 3, 1), **_scope(orgs[1]))
    FirstSecretary.objects.create(name="召回书记", dispatching_unit="县民政局", team_members="赵三",
                                  term_start=dt.date(2019, 3, 1), term_end=dt.date(2022, 3, 1),
                                  recalled_on=dt.date(2020, 6, 1), **_scope(orgs[3]))
    return {"designations": designations, "orgs": orgs, "newcomer": newcomer}


def _record_case(client, designation, day: dt.date, summary="村委会主任挪用集体资金"):
    return client.post(reverse("rectification:discipline-case-create", args=[designation.pk]),
                       {"decided_on": day.isoformat(), "handled_by": "县纪委监委", "summary": summary})


def _form_rows(client, division) -> dict:
    client.cookies["django_language"] = "en"
    response = client.get(reverse("rectification:summary-export", args=[division.pk]), {"year": YEAR})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
                .iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Unit")
    header = rows[header_at]
    return {row[0]: dict(zip(header, row, strict=False)) for row in rows[header_at + 1:] if row and row[0]}


def test_the_missing_rows_compute_from_the_records(demo, login, form_year):
    designations, orgs = form_year["designations"], form_year["orgs"]
    client = login("county_admin")
    # Discipline cases are recorded on the designation page (HTTP): two in 2021, one of 2020 (not counted).
    assert _record_case(client, designations[0], dt.date(YEAR, 3, 1)).status_code == 302
    assert _record_case(client, designations[4], dt.date(YEAR, 8, 1)).status_code == 302
    assert _record_case(client, designations[1], dt.date(2020, 12, 1)).status_code == 302
    case = DisciplineCase.objects.get(designation=designations[0])
    assert case.history.latest().history_user == demo.users["county_admin"]
    page = client.get(reverse("rectification:designation", args=[designations[0].pk])).content.decode()
    assert "村委会主任挪用集体资金" in page

    counted = [d for d in designations if d.status != DesignationStatus.WITHDRAWN]
    counted_orgs = [d.organization for d in counted]
    start = dt.date(YEAR, 1, 1)

    def in_office_on_first_day(org):
        return Cadre.objects.filter(organization=org, post__in=SECRETARY_POSTS, post_started_on__lte=start).exclude(
            post_ended_on__lte=start).exists()

    def expected(members):
        vacant = [o for o in members if not in_office_on_first_day(o)]
        filled = [o for o in vacant if Cadre.objects.filter(organization=o, post__in=SECRETARY_POSTS,
                                                            post_started_on__gt=start).exists()]
        trained = {a.cadre_id for a in TrainingAttendance.objects.filter(
            organization__in=members, passed=True, event__held_on__year=YEAR, event__division__level="county")}
        resident = set()
        for fs in FirstSecretary.objects.filter(organization__in=members, term_end__gte=start,
                                                term_start__lte=dt.date(YEAR, 12, 31)).exclude(
                recalled_on__lte=start):
            resident |= {("fs", fs.pk)} | {(fs.pk, name) for name in team_member_names(fs.team_members)}
        return {
            "Of which poverty-alleviated villages": sum(1 for o in members if o.is_poverty_village),
            "Secretary posts vacant at the start of the year": len(vacant),
            "Of which filled this year": len(filled),
            "Secretaries trained at county level or above": len(trained),
            "Resident cadres sent": len(resident),
            "Violations of discipline or law investigated": DisciplineCase.objects.filter(
                organization__in=members, decided_on__year=YEAR, designation__in=counted).count(),
        }

    for org in orgs:
        org.refresh_from_db()
    rows = _form_rows(client, demo.county1)
    for label, members in (("Total", counted_orgs),
                           (demo.township_a.name, [o for o in counted_orgs if o.township_id == demo.township_a.pk]),
                           (demo.township_b.name, [o for o in counted_orgs if o.township_id == demo.township_b.pk])):
        want = expected(members)
        assert {key: rows[label][key] for key in want} == want, label
    # The records make each figure non-trivial (the fixture is what it claims).
    assert rows["Total"]["Secretary posts vacant at the start of the year"] == 2
    assert rows["Total"]["Of which filled this year"] == 1
    assert rows["Total"]["Resident cadres sent"] == 1 + len(team_member_names("王一、王二"))
    # A township organizer sums up its own township the same way.
    township_rows = _form_rows(login("town_organizer"), demo.township_a)
    assert township_rows["Total"]["Violations of discipline or law investigated"] == \
        rows[demo.township_a.name]["Violations of discipline or law investigated"]


def test_discipline_case_page_roles_and_scope(demo, login, form_year):
    designation = form_year["designations"][0]  # township A
    url = reverse("rectification:discipline-case-create", args=[designation.pk])
    assert login("town_organizer").get(url).status_code == 200
    bad = _record_case(login("town_organizer"), designation, dt.date(2999, 1, 1))
    assert bad.status_code == 400 and not DisciplineCase.objects.filter(designation__in=form_year["designations"]).exists()
    assert login("county_leader").get(url).status_code == 403  # sees it, may not record
    assert login("other_county_admin").post(url, {"decided_on": "2021-01-01", "handled_by": "x",
                                                  "summary": "x"}).status_code == 404
    withdrawn = form_year["designations"][2]
    assert _record_case(login("county_admin"), withdrawn, dt.date(YEAR, 3, 1)).status_code == 400
    assert not DisciplineCase.objects.filter(designation__in=form_year["designations"]).exists()


def test_the_form_keeps_a_fixed_number_of_queries(demo, form_year):
    user = demo.users["county_admin"]
    with CaptureQueriesContext(connection) as small:
        summary_of(user, demo.township_b, YEAR)
    with CaptureQueriesContext(connection) as large:
        summary_of(user, demo.county1, YEAR)
    assert len(large.captured_queries) <= len(small.captured_queries) + 1
    with translation.override("en"):
        labels = [str(label) for _key, label in summary_of(user, demo.county1, YEAR).columns]
    # The form's order (domain practice §3a): vacancies before the adjusted, the county training after the
    # trained, the resident cadres after the first secretaries, the discipline cases last.
    assert labels.index("Secretary posts vacant at the start of the year") < labels.index("Secretaries adjusted")
    assert labels.index("Secretaries trained") < labels.index("Secretaries trained at county level or above")
    assert labels.index("First secretaries sent") < labels.index("Resident cadres sent")
    assert labels[-1] == "Violations of discipline or law investigated"


def test_the_demo_counts_its_poverty_alleviated_villages(demo, login):
    """The demo marks about one village in eight as 脱贫村 (Fenshan and Liuhu among them): the county's form for
    the current round counts those on its list, as a clerk would from the rows."""
    from django.utils import timezone

    from rectification.models import Designation, Round

    current = Round.objects.filter(county=demo.county1, year__lte=timezone.localdate().year).order_by("-year").first()
    listed = Designation.objects.filter(round=current).exclude(status__in=("proposed", "withdrawn"))
    expected = listed.filter(organization__is_poverty_village=True).count()
    assert expected >= 2
    client = login("county_admin")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("rectification:summary-export", args=[demo.county1.pk]), {"year": current.year})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
                .iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Unit")
    total = dict(zip(rows[header_at], rows[header_at + 1], strict=False))
    assert total["Of which poverty-alleviated villages"] == expected


def test_discipline_cases_through_the_api(demo, login, form_year):
    """The cases are entered and read through the API as on the page: the role table decides (a county leader
    reads, does not enter), a designation outside the scope is a 400 on entry and a case outside it a 404, and
    the statistical form counts what the API entered."""
    url = "/api/v1/ledger/discipline-cases/"
    township_a_designation = form_year["designations"][0]
    township_b_designation = form_year["designations"][3]
    body = {"designation": township_a_designation.pk, "decided_on": f"{YEAR}-05-06", "handled_by": "县纪委监委",
            "summary": "违规发放补贴"}
    organizer = login("town_organizer")
    created = organizer.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    case = DisciplineCase.objects.get(pk=created.json()["id"])
    assert (case.designation, case.entered_by, case.township_id) == (
        township_a_designation, demo.users["town_organizer"], demo.township_a.pk)
    assert organizer.post(url, {**body, "designation": township_b_designation.pk},
                          content_type="application/json").status_code == 400
    assert organizer.post(url, {**body, "summary": ""}, content_type="application/json").status_code == 400
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert organizer.post(url, {**body, "decided_on": future}, content_type="application/json").status_code == 400
    assert organizer.patch(f"{url}{case.pk}/", {"summary": "x"}, content_type="application/json").status_code == 405
    leader = login("county_leader")
    assert leader.post(url, {**body, "designation": township_b_designation.pk},
                       content_type="application/json").status_code == 403
    assert case.pk in {row["id"] for row in leader.get(url).json()["results"]}
    assert login("other_county_admin").get(f"{url}{case.pk}/").status_code == 404
    assert login("county_admin").get(url, {"designation": township_a_designation.pk}).json()["results"][0][
        "summary"] == "违规发放补贴"
    rows = _form_rows(login("county_admin"), demo.county1)
    assert rows["Total"]["Violations of discipline or law investigated"] == DisciplineCase.objects.filter(
        designation__in=form_year["designations"], decided_on__year=YEAR).count() == 1
