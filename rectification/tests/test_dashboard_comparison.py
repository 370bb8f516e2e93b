"""The dashboard compares divisions: a county (or township) of the scope with no designation is a row of zeros,
not a missing row (issue 12 item 5: the city reviewer's county table left out counties with none)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Division
from organizations.roles import Level
from rectification.models import Designation

from .publishing_support import make_designation, make_round, organizations_of

DASHBOARD = reverse("rectification:dashboard")
API = "/api/v1/ledger/dashboard/"


def rows_of(response) -> dict[str, int]:
    assert response.status_code == 200
    return {row.name: row.total for row in response.context["dashboard"].rows}


def test_city_reviewer_sees_a_county_without_designations_as_zeros(demo, login):
    round_ = make_round(demo.county1, 2023)
    make_designation(round_, organizations_of(demo, demo.township_a, 1, category="village")[0])
    client = login("city_reviewer")

    rows = rows_of(client.get(DASHBOARD, {"round": round_.pk}))  # a round of county 1: county 2 counts nothing

    assert rows == {demo.county1.name: 1, demo.county2.name: 0}
    html = client.get(DASHBOARD, {"round": round_.pk}).content.decode()
    assert demo.county2.name in html
    payload = client.get(API, {"round": round_.pk}).json()
    assert sorted(row["total"] for row in payload["results"]) == [0, 1]


def test_a_county_with_no_designation_at_all_is_listed(demo, login):
    Designation.objects.filter(county=demo.county2).delete()
    client = login("city_reviewer")

    rows = rows_of(client.get(DASHBOARD))

    assert rows[demo.county2.name] == 0
    assert rows[demo.county1.name] > 0


def test_county_admin_sees_every_township_of_the_county(demo, login):
    round_ = make_round(demo.county1, 2023)
    make_designation(round_, organizations_of(demo, demo.township_a, 1, category="village")[0])

    rows = rows_of(login("county_admin").get(DASHBOARD, {"round": round_.pk}))

    townships = Division.objects.filter(level=Level.TOWNSHIP, county=demo.county1)
    assert set(rows) == set(townships.values_list("name", flat=True))
    assert rows[demo.township_a.name] == 1 and sum(rows.values()) == 1
    # A county's own dashboard, opened from the city's table, lists its townships the same way.
    inner = rows_of(login("city_reviewer").get(DASHBOARD, {"round": round_.pk, "county": demo.county1.pk}))
    assert inner == rows


def test_zero_rows_cost_no_query_per_division(demo, login):
    client = login("city_reviewer")
    with CaptureQueriesContext(connection) as two:
        client.get(DASHBOARD)
    county = demo.county2
    for n in range(3):  # three more counties without designations
        new = Division(code=f"{county.code[:4]}9{n}000000", name=f"新县{n}", level=Level.COUNTY,
                       kind=county.kind, parent=county.parent)
        new.copy_ancestry()
        new.save()
    with CaptureQueriesContext(connection) as five:
        rows = rows_of(client.get(DASHBOARD))
    assert {f"新县{n}" for n in range(3)} <= {name for name, total in rows.items() if total == 0}
    assert len(five.captured_queries) <= len(two.captured_queries)


def test_an_empty_county_gets_no_empty_chart_and_numbers_come_first(demo, login):
    Designation.objects.filter(county=demo.county2).delete()
    client = login("city_reviewer")

    empty = client.get(DASHBOARD, {"county": demo.county2.pk})
    full = client.get(DASHBOARD, {"county": demo.county1.pk})

    assert empty.context["chart_data"]["labels"] == [] and 'id="dashboard-chart"' not in empty.content.decode()
    assert 'id="dashboard-chart"' in full.content.decode()
    labels = full.context["chart_data"]["labels"]
    first = [full.context["chart_data"][kind][0] for kind in ("due", "done", "closed")]
    assert labels and any(first)  # leading periods with nothing in them take no room
    html = full.content.decode()
    # On a phone the headline numbers are the first screen; the filters fold into a <details> after them.
    assert html.index('class="stats"') < html.index('<details class="filters-fold"') < html.index('role="search"')
