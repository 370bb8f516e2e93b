"""One counting rule for "weak organizations this round" (issue 11 item 7): the home page panel, the leader
dashboard (page and API) and the statistical summary give the same figures, and those figures are the ones
computed here independently from the database rows (the current round of each county, confirmed and not
withdrawn designations, each organization once)."""

from __future__ import annotations

import io
import re

import openpyxl
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from organizations.models import Division, Organization
from rectification.models import Designation, DesignationStatus, Round

from .publishing_support import make_designation, make_round

DASHBOARD = reverse("rectification:dashboard")
API = "/api/v1/ledger/dashboard/"
STAT = re.compile(r'<span class="value">(?:<a [^>]*>)?([\d,]+)(?:</a>)?</span><span class="label">([^<]+)</span>')
RECTIFIED = {DesignationStatus.CONSOLIDATING, DesignationStatus.CONSOLIDATED}


def expected(county_ids) -> dict[str, int]:
    """Counted independently: each county's round of the latest year up to today's, its confirmed,
    not withdrawn designations, distinct organizations."""
    year = timezone.localdate().year
    organizations, rectified = set(), set()
    for county_id in county_ids:
        years = sorted(Round.objects.filter(county_id=county_id).values_list("year", flat=True))
        if not years:
            continue
        past = [y for y in years if y <= year]
        current = past[-1] if past else years[0]
        for org_id, status in Designation.objects.filter(round__county_id=county_id, round__year=current) \
                .values_list("organization_id", "status"):
            if status in (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN):
                continue
            organizations.add(org_id)
            if status in RECTIFIED:
                rectified.add(org_id)
    return {"total": len(organizations), "rectified": len(rectified),
            "open": len(organizations) - len(rectified)}


def english(client):
    client.cookies["django_language"] = "en"
    return client


def home_figures(client, division) -> dict[str, int]:
    page = english(client).get("/").content.decode()
    block = page[page.index(f'id="block-{division.pk}"'):]
    block = block[:block.index("</section>")]
    stats = {label: int(value.replace(",", "")) for value, label in STAT.findall(block)}
    return {"total": stats.get("Weak and lax organizations", 0),
            "rectified": stats.get("Rectified and closed out", 0),
            "open": stats.get("Still in rectification", 0)}


def dashboard_figures(client, params=None) -> dict[str, int]:
    page = english(client).get(DASHBOARD, params or {}).content.decode()
    stats = {label: int(value.replace(",", "")) for value, label in STAT.findall(page)}
    return stats


def api_figures(client, params=None) -> dict:
    body = english(client).get(API, params or {}).json()
    by_status = body["totals"]["by_status"]
    rectified = sum(by_status[s] for s in RECTIFIED)
    return {"total": body["totals"]["total"], "rectified": rectified, "open": body["totals"]["total"] - rectified,
            "current_round": body["current_round"], "round_years": body["round_years"]}


def summary_figures(client, division) -> dict[str, int]:
    response = english(client).get(reverse("rectification:summary-export", args=[division.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "Unit")
    total = dict(zip(header, {row[0]: row for row in rows}["Total"], strict=True))
    screened, rectified = total["Weak and lax organizations screened"], total["Organizations rectified and upgraded"]
    return {"total": screened, "rectified": rectified, "open": screened - rectified}


def assert_all_agree(client, county, county_ids):
    want = expected(county_ids)
    assert want["total"] > 0
    assert home_figures(client, county) == want
    api = api_figures(client)
    assert (api["total"], api["rectified"], api["open"]) == (want["total"], want["rectified"], want["open"])
    assert api["current_round"] is True and api["round_years"]
    page = dashboard_figures(client)
    assert page["Weak and lax organizations"] == want["total"]
    closed = page.get("Closed out, consolidating", 0) + page.get("Consolidation completed", 0)
    assert closed == want["rectified"]
    assert summary_figures(client, county) == want
    return want


def test_demo_home_dashboard_and_summary_count_the_same_organizations(demo, login):
    """The demo's repeat listing (鲁头村, on last year's list too) counts once: 37 / 32 / 5 in the demo."""
    client = login("county_admin")
    want = assert_all_agree(client, demo.county1, [demo.county1.pk])
    repeat_listed = (Designation.objects.filter(county=demo.county1).values("organization")
                     .order_by().annotate(n=Count("pk"))
                     .filter(n__gt=1))
    assert repeat_listed.exists()  # the demo has a repeat listing, which must not count twice
    assert Designation.objects.filter(county=demo.county1).count() > want["total"]


def test_withdrawn_and_proposed_designations_and_other_years_are_not_counted(demo, login):
    year = timezone.localdate().year
    current = Round.objects.filter(county=demo.county1, year__lte=year).order_by("-year").first()
    spare = (Organization.objects.filter(county=demo.county1, division__level="village")
             .exclude(designations__round=current).order_by("pk")[:3])
    make_designation(current, spare[0], status=DesignationStatus.WITHDRAWN)
    make_designation(current, spare[1], status=DesignationStatus.PROPOSED)
    make_round(demo.county1, year + 1)  # next year's round, opened early: not current yet
    make_designation(Round.objects.get(county=demo.county1, year=year + 1), spare[2],
                     status=DesignationStatus.DESIGNATED)
    client = login("county_admin")
    assert_all_agree(client, demo.county1, [demo.county1.pk])


def test_dashboard_says_which_round_it_counts_and_a_chosen_round_counts_that_round(demo, login):
    client = english(login("county_admin"))
    page = client.get(DASHBOARD).content.decode()
    assert "Current round of each county" in page and "Counted: the current round of each county" in page
    previous = Round.objects.filter(county=demo.county1).order_by("year").first()
    chosen = api_figures(client, {"round": previous.pk})
    confirmed = Designation.objects.filter(round=previous).exclude(
        status__in=(DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN))
    assert chosen["current_round"] is False and chosen["total"] == confirmed.count()


def test_city_reviewer_sees_the_same_figures_across_counties(demo, login):
    client = login("city_reviewer")
    counties = list(Division.objects.filter(level="county", parent=demo.county1.parent).values_list("pk", flat=True))
    want = expected(counties)
    api = api_figures(client)
    assert (api["total"], api["rectified"]) == (want["total"], want["rectified"])
    assert home_figures(client, demo.county1.parent) == want
    assert summary_figures(client, demo.county1.parent) == want


def test_generated_province_figures_agree(db, client):
    """The same comparison on a small generated province (generate_province --ledger), with a repeat listing
    (last year's round) and a withdrawn designation added, for the province reviewer and a county admin."""
    import io as _io

    from django.core.management import call_command
    from django.db import connection

    from organizations.demo.province import BENCH_COUNTY_ADMIN, BENCH_REVIEWER
    from organizations.models import User

    code = "95"
    call_command("generate_province", "--province-code", code, "--counties", "2", "--townships-per-county", "2",
                 "--villages-per-township", "6", "--ledger", "--designations", "12", "--tasks", "60",
                 "--progress-entries", "60", stdout=_io.StringIO())
    connection.check_constraints()
    province = Division.objects.get(code=code.ljust(12, "0"))
    counties = list(Division.objects.filter(level="county", code__startswith=code).order_by("code"))
    current = Round.objects.filter(county=counties[0]).order_by("-year").first()
    listed = Designation.objects.filter(round=current).exclude(
        status__in=(DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)).first()
    make_designation(make_round(counties[0], current.year - 1), listed.organization,
                     status=DesignationStatus.CONSOLIDATED)  # the repeat listing: counted once
    spare = (Organization.objects.filter(county=counties[0], division__level="village")
             .exclude(designations__round=current).order_by("pk").first())
    make_designation(current, spare, status=DesignationStatus.WITHDRAWN)
    county_ids = [c.pk for c in counties]

    reviewer = english(client)
    reviewer.force_login(User.objects.get(username=BENCH_REVIEWER))
    want = expected(county_ids)
    assert want["total"] > 0
    assert home_figures(reviewer, province) == want
    api = api_figures(reviewer)
    assert (api["total"], api["rectified"], api["open"]) == (want["total"], want["rectified"], want["open"])
    assert summary_figures(reviewer, province) == want

    admin = User.objects.get(username=BENCH_COUNTY_ADMIN)
    county = Division.objects.get(pk=admin.role_assignments.values_list("division_id", flat=True).first())
    reviewer.force_login(admin)
    want = expected([county.pk])
    assert home_figures(reviewer, county) == want
    api = api_figures(reviewer)
    assert (api["total"], api["rectified"]) == (want["total"], want["rectified"])
    assert summary_figures(reviewer, county) == want
