"""The statistical summary workbook (domain practice §3a): its numbers against counts made independently."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cadres.models import FirstSecretary, Pairing
from organizations.models import Division, OrganizationCategory
from rectification.exports.upward_summary import summary_of
from rectification.models import Designation, DesignationStatus
from tests.workbooks import header_index

from .publishing_support import add_visit, make_designation, make_round, organizations_of


@pytest.fixture
def year_2021(demo):
    round_ = make_round(demo.county1, 2021)
    villages_a = organizations_of(demo, demo.township_a, 4, category=OrganizationCategory.VILLAGE)
    villages_b = organizations_of(demo, demo.township_b, 2, category=OrganizationCategory.VILLAGE)
    communities = organizations_of(demo, demo.county1, 1, category=OrganizationCategory.COMMUNITY)
    specs = [
        (villages_a[0], DesignationStatus.CONSOLIDATING, ("RSHS01", "RSHS02"),
         dict(secretary_adjusted=True, secretary_trained=True, helping_unit="县财政局", contact_leader=("张三", "县委常委"),
              first_secretary=("赵五", "县财政局"))),
        (villages_a[1], DesignationStatus.RECTIFYING, ("RSHS02",),
         dict(secretary_trained=True, helping_unit="县财政局", contact_leader=("张三", "县委常委"),
              first_secretary=("钱六", "县民政局"))),
        (villages_a[2], DesignationStatus.CONSOLIDATED, ("RSHS04",), dict(helping_unit="县交通局")),
        (villages_a[3], DesignationStatus.PROPOSED, ("RSHS05",), dict(secretary_adjusted=True)),  # not counted
        (villages_b[0], DesignationStatus.RECTIFYING, ("RSHS07", "RSHS10"),
         dict(secretary_adjusted=True, contact_leader=("孙七", "副县长"), helping_unit="县财政局")),
        (villages_b[1], DesignationStatus.WITHDRAWN, ("RSHS01",), {}),  # not counted
        (communities[0], DesignationStatus.RECTIFYING, ("RSHS10",), dict(first_secretary=("周八", "县委组织部"))),
    ]
    designations = []
    for organization, status, codes, plan_fields in specs:
        designation = make_designation(round_, organization, status=status, codes=codes, **plan_fields)
        designations.append(designation)
    add_visit(designations[0].plan, demo.users["contact_leader"], dt.date(2021, 4, 1), solved=3)
    add_visit(designations[0].plan, demo.users["contact_leader"], dt.date(2021, 5, 1), solved=1)
    add_visit(designations[4].plan, demo.users["contact_leader"], dt.date(2021, 5, 1), solved=2)
    add_visit(designations[6].plan, demo.users["contact_leader"], dt.date(2021, 5, 1), solved=4)
    return round_


def pairings(designations):
    return Pairing.objects.filter(organization__in=[d.organization for d in designations], ended_on__isnull=True,
                                  started_on__lte=dt.date(2021, 12, 31))


def independent(designations):
    """Counts made row by row in Python, the way a clerk would."""
    counted = [d for d in designations if d.status not in (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)]
    plans = [d.plan for d in counted]
    codes = {}
    for d in counted:
        for c in d.categories.all():
            codes[c.code] = codes.get(c.code, 0) + 1
    return {
        "screened": len(counted),
        "rectified": sum(1 for d in counted if d.status in (DesignationStatus.CONSOLIDATING,
                                                             DesignationStatus.CONSOLIDATED)),
        "codes": codes,
        "secretaries_adjusted": sum(1 for p in plans if p.secretary_adjusted),
        "secretaries_trained": sum(1 for p in plans if p.secretary_trained),
        # The "four ones" are the cadres records of the organizations (running in 2021).
        "helping_units": len({p.helping_unit_id for p in pairings(counted) if p.helping_unit_id}),
        "contact_leaders": len({p.contact_leader_id for p in pairings(counted) if p.contact_leader_id}),
        "first_secretaries": len({(f.name, f.dispatching_unit) for f in FirstSecretary.objects.filter(
            organization__in=[d.organization for d in counted], term_start__lte=dt.date(2021, 12, 31),
            term_end__gte=dt.date(2021, 12, 31), recalled_on__isnull=True)}),
        "problems_solved": sum(v.problems_solved_count for p in plans for v in p.visits.all()),
    }


def test_summary_numbers_match_independent_counts(demo, year_2021):
    summary = summary_of(demo.users["county_admin"], demo.county1, 2021)
    rows = {row.label: row for row in summary.rows}
    all_ = list(Designation.objects.filter(round=year_2021))
    groups = {
        str(rows_label): members for rows_label, members in (
            (summary.rows[0].label, all_),
            (summary.rows[1].label, [d for d in all_ if d.organization.category == OrganizationCategory.VILLAGE]),
            (summary.rows[2].label, [d for d in all_ if d.organization.category == OrganizationCategory.COMMUNITY]),
            (demo.township_a.name, [d for d in all_ if d.township_id == demo.township_a.pk]),
            (demo.township_b.name, [d for d in all_ if d.township_id == demo.township_b.pk]),
        )}
    for label, members in groups.items():
        row, want = rows[label], independent(members)
        got = {key: getattr(row, key) for key in want if key != "codes"}
        assert got == {k: v for k, v in want.items() if k != "codes"}, label
        assert {c: n for c, n in row.categories.items() if n} == want["codes"], label
    assert rows[demo.township_a.name].helping_units == 2 and rows[summary.rows[0].label].helping_units == 2
    assert rows[summary.rows[0].label].problems_solved == 10
    assert [code for code, _name in summary.codes][:10] == [f"RSHS{n:02d}" for n in range(1, 11)]
    # Every township of the county has its row, in code order.
    townships = list(Division.objects.filter(parent=demo.county1, level="township").order_by("code")
                     .values_list("name", flat=True))
    assert [row.label for row in summary.rows[3:]] == townships


def test_summary_query_count_is_bounded(demo, year_2021):
    user = demo.users["county_admin"]
    with CaptureQueriesContext(connection) as small:
        summary_of(user, demo.township_b, 2021)
    with CaptureQueriesContext(connection) as large:
        summary_of(user, demo.county1, 2021)
    assert len(large.captured_queries) <= len(small.captured_queries) + 1
    # GROUP BY aggregates, the "four ones" and the cadres' figures (three reads each), the discipline cases.
    assert len(large.captured_queries) <= 20


def test_summary_workbook_download_and_scope(demo, login, year_2021):
    client = login("county_admin")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("rectification:summary-export", args=[demo.county1.pk]), {"year": 2021})
    assert response.status_code == 200 and response.streaming
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))[header_index(sheet):]  # under the letterhead
    with translation.override("en"):
        assert rows[0][:4] == ("Unit", "Weak and lax organizations screened", "Of which poverty-alleviated villages",
                               "Organizations rectified and upgraded")
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["Total"][1] == 5 and by_label["Total"][3] == 2
    assert by_label[demo.township_a.name][1] == 3
    # A township organizer cannot sum up another township (404), only its own.
    organizer = login("town_organizer")
    assert organizer.get(reverse("rectification:summary-export", args=[demo.township_b.pk])).status_code == 404
    assert organizer.get(reverse("rectification:summary-export", args=[demo.township_a.pk]),
                         {"year": "x"}).status_code == 200
