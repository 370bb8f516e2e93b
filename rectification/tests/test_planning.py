"""The planning ledger (issue 14 items 4 and 7): the county's multi-year plan through the pages and the API, the
plan against the ledger (figures computed here from the designations and follow-up reviews, not from the
selector), rolling a year forward, the roles (out of scope 404, read-only roles 403) and the workbook."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import Division, Organization, OrganizationCategory
from rectification.models import (
    Designation,
    DesignationStatus,
    FollowUpFinding,
    FollowUpReview,
    MultiYearPlan,
    PlanEntry,
)

from .publishing_support import make_designation, make_round, organizations_of

YEAR = 2021
COUNTED_OUT = (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)
CLOSED = (DesignationStatus.CONSOLIDATING, DesignationStatus.CONSOLIDATED)


def expected_years(plan) -> dict[int, dict[str, int]]:
    """The comparison of ``plan`` computed from the rows: designations of the county's round of each year
    (confirmed, not withdrawn), close-outs, relapses found by follow-up reviews."""
    result = {}
    entries = list(PlanEntry.objects.filter(plan=plan))
    relapses = list(FollowUpReview.objects.filter(county=plan.division, finding=FollowUpFinding.RELAPSED)
                    .values_list("organization_id", "designation__round__year"))
    for year in range(plan.first_year, plan.last_year + 1):
        rows = Designation.objects.filter(county=plan.division, round__year=year).exclude(status__in=COUNTED_OUT)
        designated = set(rows.values_list("organization_id", flat=True))
        closed = set(rows.filter(status__in=CLOSED).values_list("organization_id", flat=True))
        planned = {e.organization_id for e in entries if e.year == year}
        result[year] = {
            "planned": len(planned), "planned_designated": len(planned & designated),
            "planned_rectified": len(planned & closed),
            "planned_relapsed": len({o for o in planned if any(org == o and y >= year for org, y in relapses)}),
            "designated": len(designated), "rectified": len(closed), "unplanned": len(designated - planned),
            "carried_forward": sum(1 for e in entries if e.year == year + 1 and e.carried_from_id
                                   and e.carried_from.year == year)}
    return result


def page_years(html: str) -> dict[int, dict[str, int]]:
    """The figures of the page's year table (``data-year`` rows, ``data-figure`` cells), as numbers."""
    found = {}
    for year, body in re.findall(r'<tr data-year="(\d+)">(.*?)</tr>', html, re.S):
        cells = dict(re.findall(r'data-figure="(\w+)">(.*?)</td>', body, re.S))
        found[int(year)] = {key: int(re.search(r"\d+", re.sub(r"<[^>]+>", "", value)).group())
                            for key, value in cells.items() if key != "target"}
    return found


@pytest.fixture
def demo_plan(demo):
    return MultiYearPlan.objects.get(division=demo.county1)


def test_demo_county_has_a_three_year_plan_that_matches_its_ledger(demo, login, demo_plan):
    client = login("county_admin")
    assert demo_plan.last_year - demo_plan.first_year == 2
    assert demo_plan.goals.count() == 3
    response = client.get(reverse("rectification:planning-plan", args=[demo_plan.pk]))
    assert response.status_code == 200
    figures = page_years(response.content.decode())
    expected = expected_years(demo_plan)
    assert figures == expected
    first, current = demo_plan.first_year, demo_plan.first_year + 1
    # The believable state: last year's repeat listing relapsed and was carried into this year, some of this
    # year's list was designated outside the plan, most of the planned ones are closed out.
    assert expected[first]["planned_relapsed"] >= 1 and expected[first]["carried_forward"] >= 1
    assert expected[current]["unplanned"] >= 1
    assert expected[current]["planned_rectified"] > expected[current]["planned"] // 2
    # The current round's weak organizations are those the dashboard counts for that round.
    weak = Designation.objects.filter(county=demo.county1, round__year=current).exclude(status__in=COUNTED_OUT)
    assert figures[current]["designated"] == weak.values("organization").distinct().count()
    listing = client.get(reverse("rectification:planning"))
    assert demo_plan.title in listing.content.decode()


def _post(client, name, data, *args):
    return client.post(reverse(f"rectification:{name}", args=args), data)


def test_plan_through_the_pages_and_rolled_forward(demo, login):
    client = login("county_admin")
    response = _post(client, "planning-create", {"title": "测试三年规划", "first_year": YEAR, "last_year": YEAR + 2,
                                                 "overall_goal": "动态清零", "document_number": "测〔2021〕1号"})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = MultiYearPlan.objects.get(title="测试三年规划")
    assert plan.division == demo.county1 and plan.history.first().history_user.username == "county_admin"
    assert _post(client, "planning-goal", {"year": YEAR, "goal": "整顿转化两个村", "target_transformed": 2},
                 plan.pk).status_code == 302
    # A year outside the plan is refused on the form.
    refused = _post(client, "planning-goal", {"year": YEAR + 5, "goal": "x", "target_transformed": 1}, plan.pk)
    assert refused.status_code == 400
    round_ = make_round(demo.county1, YEAR)
    done, open_, never, unplanned = organizations_of(demo, demo.township_a, 4, category=OrganizationCategory.VILLAGE)
    make_designation(round_, done, status=DesignationStatus.CONSOLIDATING)
    make_designation(round_, open_, status=DesignationStatus.RECTIFYING)
    make_designation(round_, unplanned, status=DesignationStatus.RECTIFYING)
    for organization in (done, open_, never):
        assert _post(client, "planning-entry-add", {"organization": organization.pk, "year": YEAR,
                                                    "goal": "年底销号"}, plan.pk).status_code == 302
    twice = _post(client, "planning-entry-add", {"organization": done.pk, "year": YEAR}, plan.pk)
    assert twice.status_code == 400
    foreign = Organization.objects.filter(county=demo.county2).first()
    assert _post(client, "planning-entry-add", {"organization": foreign.pk, "year": YEAR},
                 plan.pk).status_code == 400
    page = client.get(reverse("rectification:planning-plan", args=[plan.pk])).content.decode()
    assert page_years(page)[YEAR] == expected_years(plan)[YEAR]
    assert page_years(page)[YEAR]["planned_rectified"] == 1 and page_years(page)[YEAR]["unplanned"] == 1

    assert _post(client, "planning-roll-forward", {"year": YEAR, "confirm": "on"}, plan.pk).status_code == 302
    carried = {e.organization_id: e for e in PlanEntry.objects.filter(plan=plan, year=YEAR + 1)}
    assert set(carried) == {open_.pk, never.pk, unplanned.pk}
    assert carried[open_.pk].carried_from.organization_id == open_.pk and carried[unplanned.pk].carried_from is None
    # Rolling the same year again adds nothing; rolling the last year moves the window on.
    _post(client, "planning-roll-forward", {"year": YEAR, "confirm": "on"}, plan.pk)
    assert PlanEntry.objects.filter(plan=plan, year=YEAR + 1).count() == 3
    assert _post(client, "planning-roll-forward", {"year": YEAR + 2, "confirm": "on"}, plan.pk).status_code == 302
    plan.refresh_from_db()
    assert plan.last_year == YEAR + 3 and plan.rolled_through == YEAR + 2
    # A relapse found later shows on the year planned.
    designation = Designation.objects.get(round=round_, organization=done)
    review = FollowUpReview(designation=designation, reviewed_on=designation.round.created_at.date(),
                            reviewers="县委组织部", finding=FollowUpFinding.RELAPSED, notes="反弹")
    review.copy_scope_from(designation)
    review.save()
    page = client.get(reverse("rectification:planning-plan", args=[plan.pk])).content.decode()
    assert page_years(page)[YEAR]["planned_relapsed"] == 1 == expected_years(plan)[YEAR]["planned_relapsed"]
    # Removing an entry (confirmed) is audited.
    entry = carried[never.pk]
    assert _post(client, "planning-entry-remove", {"confirm": "on"}, entry.pk).status_code == 302
    assert not PlanEntry.objects.filter(pk=entry.pk).exists()
    assert PlanEntry.history.filter(id=entry.pk, history_type="-").exists()


def test_roles_and_scope_on_the_pages(demo, login, demo_plan):
    detail = reverse("rectification:planning-plan", args=[demo_plan.pk])
    organizer = login("town_organizer")
    assert organizer.get(reverse("rectification:planning-create")).status_code == 404
    assert organizer.get(detail).status_code == 404  # the county's plan is outside a township's scope
    own = PlanEntry.objects.filter(plan=demo_plan, township=demo.township_a)
    listing = organizer.get(reverse("rectification:planning")).content.decode()
    for entry in own:
        assert entry.organization.name in listing
    for entry in PlanEntry.objects.filter(plan=demo_plan).exclude(township=demo.township_a)[:5]:
        assert f">{entry.organization.name}<" not in listing
    leader = login("county_leader")
    assert leader.get(detail).status_code == 200
    assert leader.get(reverse("rectification:planning-goal", args=[demo_plan.pk])).status_code == 403
    before = demo_plan.goals.count()
    assert _post(leader, "planning-goal", {"year": demo_plan.first_year, "goal": "x", "target_transformed": 1},
                 demo_plan.pk).status_code == 403
    assert demo_plan.goals.count() == before
    assert login("other_county_admin").get(detail).status_code == 404
    assert login("city_reviewer").get(detail).status_code == 200


def test_plan_through_the_api(demo, login):
    client = login("county_admin")
    url = "/api/v1/ledger/multi-year-plans/"
    response = client.post(url, {"division": demo.county1.pk, "title": "接口规划", "first_year": YEAR,
                                 "last_year": YEAR + 1}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.post(f"{url}{pk}/goals/", {"year": YEAR, "goal": "转化", "target_transformed": 1},
                       content_type="application/json").json()["goals"] == [
        {"year": YEAR, "goal": "转化", "target_transformed": 1}]
    round_ = make_round(demo.county1, YEAR)
    organization, other = organizations_of(demo, demo.township_b, 2, category=OrganizationCategory.VILLAGE)
    make_designation(round_, organization, status=DesignationStatus.CONSOLIDATED)
    added = client.post(f"{url}{pk}/entries/", {"organization": organization.pk, "year": YEAR},
                        content_type="application/json")
    assert added.status_code == 201, added.content
    foreign = Organization.objects.filter(county=demo.county2).first()
    assert client.post(f"{url}{pk}/entries/", {"organization": foreign.pk, "year": YEAR},
                       content_type="application/json").status_code == 400
    assert client.post(f"{url}{pk}/entries/", {"organization": other.pk, "year": YEAR + 4},
                       content_type="application/json").status_code == 400
    comparison = client.get(f"{url}{pk}/comparison/").json()
    plan = MultiYearPlan.objects.get(pk=pk)
    expected = expected_years(plan)
    for row in comparison["years"]:
        mine = {key: row[key] for key in expected[row["year"]] if key != "unplanned"}
        assert mine == {k: v for k, v in expected[row["year"]].items() if k != "unplanned"}
        assert len(row["unplanned"]) == expected[row["year"]]["unplanned"]
    assert comparison["entries"][0]["state"] == "rectified"
    patched = client.patch(f"{url}{pk}/", {"document_number": "接〔2021〕2号"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["document_number"] == "接〔2021〕2号"
    # Read-only and township roles may not write; another county does not see the plan.
    leader = login("county_leader")
    assert leader.get(f"{url}{pk}/").status_code == 200
    assert leader.patch(f"{url}{pk}/", {"title": "改"}, content_type="application/json").status_code == 403
    assert login("other_county_admin").get(f"{url}{pk}/").status_code == 404
    organizer = login("town_organizer")
    assert organizer.post(url, {"division": demo.county1.pk, "title": "越权", "first_year": YEAR,
                                "last_year": YEAR}, content_type="application/json").status_code in (400, 403)
    entries = organizer.get("/api/v1/ledger/plan-entries/", {"page_size": 500}).json()
    rows = entries.get("results", entries)
    assert rows and all(PlanEntry.objects.get(pk=r["id"]).township_id == demo.township_a.pk for r in rows)
    # The county removes the entry.
    client = login("county_admin")
    assert client.delete(f"/api/v1/ledger/plan-entries/{added.json()['id']}/").status_code == 204
    assert not PlanEntry.objects.filter(plan_id=pk).exists()


def test_the_workbook_for_the_city(demo, login, demo_plan):
    client = login("city_reviewer")
    response = client.get(reverse("rectification:planning-export", args=[demo_plan.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    years_sheet, entries_sheet = workbook.worksheets
    rows = list(years_sheet.iter_rows(values_only=True))
    assert demo_plan.division.name in str(rows[0][0])
    expected = expected_years(demo_plan)
    data = [row for row in rows if isinstance(row[0], int) and row[0] in expected]
    assert [row[0] for row in data] == sorted(expected)
    for row in data:
        want = expected[row[0]]
        assert row[3:11] == (want["planned"], want["planned_designated"], want["planned_rectified"],
                             want["planned_relapsed"], want["designated"], want["rectified"], want["unplanned"],
                             want["carried_forward"])
    names = {row[2] for row in entries_sheet.iter_rows(values_only=True)}
    assert {e.organization.name for e in PlanEntry.objects.filter(plan=demo_plan)} <= names
    # The kernel's print set-up: the header row repeats on every page.
    assert years_sheet.print_title_rows and entries_sheet.print_title_rows
    assert Division.objects.filter(pk=demo_plan.division_id, level="county").exists()
