"""The cadre dashboard read from the counties' precomputed figures equals the live one (issue 13 item 1).

The figures counted over every organization of the scope — the guarantee ledger (organizations, with a shortfall,
by kind, subsidy due and disbursed), the reserve-pool shortfall and the "four ones" coverage — are computed both
ways: through the page (HTTP) and ``cadre_summary``, which read the dashboard summaries for users above the
county, and through the live selectors over the same scope; for several personas, on the demo and on a small
generated province, before and after writes once the refresh ran. A county stale for longer than the policy's
minutes is counted live; the query count does not grow with the data."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.models import ContactLeader, FirstSecretary, GuaranteeLedger, ReserveCadre
from cadres.selectors import guarantee, reserve, support
from cadres.selectors.dashboard import dashboard_panel
from cadres.selectors.dashboard_summary import NAME, cadre_summary
from cadres.services import guarantee as guarantee_services
from cadres.services import reserve as reserve_services
from cadres.services import support as support_services
from cadres.tests.test_shortfall import new_id
from organizations import services as org_services
from organizations.demo.province import BENCH_REVIEWER
from organizations.models import Division, Organization, User
from rectification.models.dashboard_summary import DashboardSummary
from rectification.services.dashboard_summary import (
    counties_to_refresh,
    dashboard_summary_refresh,
    refresh_stale,
)

pytestmark = pytest.mark.django_db

URL = reverse("cadres:dashboard")


def refresh_all(today) -> None:
    for county_id in Division.objects.filter(level="county").values_list("pk", flat=True):
        dashboard_summary_refresh(county_id=county_id, today=today)


def live(user, *, today, county=None) -> dict:
    """The live figures of the user's scope (of ``county``), with the selectors the county users' page uses."""
    year = guarantee.default_year(user, today)
    total, _townships = guarantee.tally(guarantee.ledger_rows(user, year=year, county=county, on=today))
    return {"guarantee": (year, _decimals(total.as_dict())),
            "reserve": reserve.shortfall_totals(user, county=county),
            "coverage": support.coverage_counts(user, today, counties=[county.pk] if county else None)}


def read(user, *, today, county=None):
    summary = cadre_summary(user, today=today, county=county)
    figures = {"guarantee": (summary.guarantee_year, _decimals(summary.guarantee.as_dict())),
               "reserve": summary.reserve, "coverage": summary.coverage}
    return figures, summary


def _decimals(values: dict) -> dict:
    return {key: Decimal(value) if key in ("due", "disbursed", "balance") else value for key, value in values.items()}


def page(client, user) -> tuple[dict, str, object]:
    client.force_login(user)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    figures = {f.key: f.value for section in response.context["sections"] for f in section.figures}
    return figures, response.content.decode(), response.context["figures_as_of"]


def assert_summary_equals_live(user, today, *, counties=()):
    for county in (None, *counties):
        summary, result = read(user, today=today, county=county)
        assert result.live_counties == [], (user.username, county)
        assert result.as_of is not None
        assert summary == live(user, today=today, county=county), (user.username, county)
    return read(user, today=today)[0]


def test_summary_equals_live_on_the_demo_for_every_persona(demo, client):
    today = timezone.localdate()
    before_refresh = {name: page(client, demo.users[name])[0] for name in ("city_reviewer", "county_admin")}
    refresh_all(today)
    reviewer = demo.users["city_reviewer"]
    figures = assert_summary_equals_live(reviewer, today, counties=[demo.county1, demo.county2])
    year, tally = figures["guarantee"]
    assert tally["organizations"] > 0 and tally["short"] > 0 and tally["due"] > 0 and tally["disbursed"] > 0
    assert figures["reserve"]["villages"] > 0 and figures["reserve"]["short"] > 0
    assert figures["coverage"]["total"] > 0 and figures["coverage"]["contact_leader"] > 0
    superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("cad-root", "", "x")
    assert_summary_equals_live(superuser, today, counties=[demo.county1])
    # The page (HTTP) shows the same numbers as before the refresh, when every county was counted live.
    after, html, as_of = page(client, reviewer)
    assert after == before_refresh["city_reviewer"] and as_of is not None
    assert after["guarantee_short"] == tally["short"] and after["reserve_short"] == figures["reserve"]["short"]
    assert after["no_helping_unit"] == figures["coverage"]["helping_unit"]
    # The leader dashboard's guarantee panel (whole scope and one county) reads the same summaries.
    for county in (None, demo.county1):
        panel = dashboard_panel(reviewer, county, today=today)["guarantee"]
        expected_year, expected = live(reviewer, today=today, county=county)["guarantee"]
        assert (panel["year"], _decimals(panel["total"].as_dict())) == (expected_year, expected)
    # County and township users keep the live figures (no summary read, no refresh time shown).
    for username in ("county_admin", "county_leader", "town_organizer", "other_county_admin"):
        user = demo.users[username]
        assert cadre_summary(user, today=today) is None
        figures, html, as_of = page(client, user)
        assert as_of is None and "数据更新于" not in html
        if username in before_refresh:
            assert figures == before_refresh[username]


def test_the_page_shows_the_refresh_time(demo, client):
    today = timezone.localdate()
    refresh_all(today)
    reviewer = demo.users["city_reviewer"]
    _figures, html, as_of = page(client, reviewer)
    refreshed = DashboardSummary.objects.visible_to(reviewer).filter(level="county").order_by(
        "refreshed_at").first().refreshed_at
    assert as_of == refreshed
    assert "数据更新于 " + timezone.localtime(refreshed).strftime("%Y-%m-%d %H:%M") in html
    # Nothing refreshed for today: every county live, no time shown.
    DashboardSummary.objects.all().delete()
    _figures, html, as_of = page(client, reviewer)
    assert as_of is None and "数据更新于" not in html


def test_after_writes_the_county_is_stale_then_live_past_the_policy_then_refreshed(
        demo, client, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    refresh_all(today)
    reviewer, admin = demo.users["city_reviewer"], demo.users["county_admin"]
    before = assert_summary_equals_live(reviewer, today)
    assert counties_to_refresh(today=today) == []
    year = before["guarantee"][0]

    # Writes through the services, each committed: a disbursement, a reserve cadre, a first secretary serving a
    # second village, a paired helping unit (each write's own mark: test_a_write_marks_its_county_stale).
    short = next(row for row in guarantee.ledger_rows(admin, year=year, on=today) if row.balance > 0)
    with django_capture_on_commit_callbacks(execute=True):
        _disbursement(admin, short.organization, year, short.balance)
    village = next(r for r in reserve.village_rows(admin, county=demo.county1) if r.is_short)
    with django_capture_on_commit_callbacks(execute=True):
        reserve_services.reserve_add(user=admin, organization=Organization.objects.get(pk=village.organization_id),
                                     name="新后备", id_number=new_id(), reserve_type="student_official",
                                     track="secretary")
    first, second = _uncovered(admin, demo.county1, today)[:2]
    with django_capture_on_commit_callbacks(execute=True):
        support_services.first_secretary_create(user=admin, organization=first, other_villages=[second],
                                                name="补派书记", dispatching_unit="县委办",
                                                term_start=today - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        unit = support_services.helping_unit_create(user=admin, division=demo.county1, name="县农业农村局",
                                                    kind="department")
        support_services.pairing_create(user=admin, organization=first, helping_unit=unit, started_on=today)
    assert counties_to_refresh(today=today) == [demo.county1.pk]

    now_live = live(reviewer, today=today)
    assert now_live["guarantee"][1]["disbursed"] == before["guarantee"][1]["disbursed"] + short.balance
    assert now_live["guarantee"][1]["subsidy"] == before["guarantee"][1]["subsidy"] - 1
    assert now_live["reserve"]["pool_size"] == before["reserve"]["pool_size"] + 1
    assert now_live["coverage"]["first_secretary"] == before["coverage"]["first_secretary"] - 2
    assert now_live["coverage"]["helping_unit"] <= before["coverage"]["helping_unit"]

    # Within the policy's minutes the refreshed figures are shown (the page says when they are from).
    summary, result = read(reviewer, today=today)
    assert result.live_counties == [] and summary == before
    # Stale for longer than the policy allows: that county is counted live, the others from the summary.
    org_services.policy_set(user=admin, division=demo.county1, key="dashboard_summary_max_age_minutes", value=1)
    DashboardSummary.objects.filter(county=demo.county1, level="county").update(
        stale_since=timezone.now() - dt.timedelta(minutes=2))
    summary, result = read(reviewer, today=today)
    assert result.live_counties == [demo.county1.pk] and result.as_of is not None
    assert summary == now_live
    figures, _html, _as_of = page(client, reviewer)
    assert figures["reserve_short"] == now_live["reserve"]["short"]
    assert figures["no_first_secretary"] == now_live["coverage"]["first_secretary"]
    assert figures["guarantee_subsidy"] == now_live["guarantee"][1]["subsidy"]

    # The minutely refresh recomputes the stale county: from the summary again, equal to live.
    assert refresh_stale(today=today)["counties"] == [demo.county1.pk]
    assert counties_to_refresh(today=today) == []
    assert assert_summary_equals_live(reviewer, today, counties=[demo.county1]) == now_live


def _disbursement(user, organization, year, amount):
    today = timezone.localdate()
    paid_on = today if year == today.year else dt.date(year, 12, 1)
    return guarantee_services.disbursement_record(user=user, organization=organization, year=year, paid_on=paid_on,
                                                  source="county", amount=amount, use="补足运转经费")


def _uncovered(user, county, today) -> list[Organization]:
    """Weak organizations of the county's current round without a first secretary."""
    designations = support.coverage_filter(support.with_coverage(support.current_designations(user), today),
                                           support.MISSING_FIRST_SECRETARY)
    return [d.organization for d in designations.filter(county=county).select_related("organization")]


def _secretary_with_another_village(demo, *, county=None):
    secretary = FirstSecretary.objects.filter(county=demo.county1).first()
    other = Organization.objects.filter(county=county or demo.county1, category="village").exclude(
        pk=secretary.organization_id).first()
    return secretary, other


def _clear_other_villages(demo):
    """A first secretary's other villages cleared, one of them (oddly) in county 2: both counties are marked.
    The row is made without signals beforehand (a mark sent earlier in the test's transaction would stand for
    the one under test)."""
    secretary, other = _secretary_with_another_village(demo, county=demo.county2)
    FirstSecretary.other_villages.through.objects.bulk_create([FirstSecretary.other_villages.through(
        firstsecretary=secretary, organization=other)])
    return secretary


def _population(demo):
    village = Organization.objects.filter(county=demo.county2, category="village").first()
    village.population = 6000
    village.save()


WRITES = {
    "disbursement": lambda demo, admin, today: _disbursement(
        admin, GuaranteeLedger.objects.filter(county=demo.county1).first().organization, today.year, Decimal(100)),
    "guarantee ledger": lambda demo, admin, today: guarantee_services.guarantee_ledger_save(
        user=admin, organization=GuaranteeLedger.objects.filter(county=demo.county1).first().organization,
        year=today.year, secretary_pay=Decimal(90000)),
    "reserve cadre left": lambda demo, admin, today: reserve_services.reserve_set_status(
        user=admin, reserve=ReserveCadre.objects.filter(county=demo.county1, status="in_pool").first(),
        status="left", note="外出务工"),
    "first secretary recalled": lambda demo, admin, today: support_services.first_secretary_recall(
        user=admin, first_secretary=FirstSecretary.objects.filter(county=demo.county1, recalled_on__isnull=True)
        .first(), recalled_on=today),
    "other village added (many-to-many alone)": lambda demo, admin, today: (
        lambda pair: pair[0].other_villages.add(pair[1]))(_secretary_with_another_village(demo)),
    "other villages cleared (many-to-many alone)": lambda demo, admin, today: (
        lambda secretary: secretary.other_villages.clear())(_clear_other_villages(demo)),
    "pairing": lambda demo, admin, today: support_services.pairing_create(
        user=admin, organization=_uncovered(admin, demo.county1, today)[0], started_on=today,
        contact_leader=ContactLeader.objects.filter(division=demo.county1).first()),
    "organization's population": lambda demo, admin, today: _population(demo),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_marks_its_county_stale(demo, django_capture_on_commit_callbacks, write):
    """Each kind of write to the records the figures count marks its county stale once committed (and only
    then: nothing before the commit)."""
    today = timezone.localdate()
    refresh_all(today)
    counties = {"organization's population": [demo.county2.pk],
                "other villages cleared (many-to-many alone)": [demo.county1.pk, demo.county2.pk]}.get(
        write, [demo.county1.pk])
    with django_capture_on_commit_callbacks(execute=True):
        WRITES[write](demo, demo.users["county_admin"], today)
        assert counties_to_refresh(today=today) == []
    assert sorted(counties_to_refresh(today=today)) == sorted(counties)
    assert DashboardSummary.objects.filter(level="county", figures__has_key=NAME).count() == Division.objects.filter(
        level="county").count()


def test_summary_equals_live_on_a_generated_province(db):
    call_command("generate_province", "--province-code", "93", "--counties", "3", "--townships-per-county", "2",
                 "--villages-per-township", "10", "--ledger", "--designations", "24", "--tasks", "72",
                 "--progress-entries", "100", stdout=io.StringIO())
    reviewer = User.objects.get(username=BENCH_REVIEWER)
    county = Division.objects.visible_to(reviewer).filter(level="county").order_by("code").first()
    # Two years of guarantee records in one county: the ledger's year is the scope's current year.
    organization = Organization.objects.filter(county=county, category="village").first()
    for today in (timezone.localdate(), timezone.localdate() - dt.timedelta(days=75)):
        refresh_all(today)
        figures = assert_summary_equals_live(reviewer, today, counties=[county])
        assert figures["guarantee"][1]["organizations"] > 0 and figures["coverage"]["total"] > 0
        assert figures["reserve"]["villages"] >= 60
    GuaranteeLedger.objects.create(organization=organization, county_id=county.pk,
                                   township_id=organization.township_id, year=timezone.localdate().year + 1)
    refresh_all(timezone.localdate())
    assert_summary_equals_live(reviewer, timezone.localdate(), counties=[county])


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def test_queries_do_not_grow_with_the_data(demo, client):
    """The city reviewer's page: the same number of queries on the demo and after adding villages, weak
    organizations, first secretaries, pairings and guarantee records, from the summaries and with a county
    counted live."""
    from tests.test_query_counts import grow

    today = timezone.localdate()
    reviewer, admin = demo.users["city_reviewer"], demo.users["county_admin"]
    client.force_login(reviewer)
    refresh_all(today)
    small = _queries(client)
    DashboardSummary.objects.filter(county=demo.county1).delete()
    small_live = _queries(client)

    grow(demo)
    leader = support_services.contact_leader_create(user=admin, division=demo.county1, name="加量领导", post="副县长")
    villages = list(Organization.objects.filter(county=demo.county1, township=demo.township_a,
                                                category="village").order_by("-pk")[:30])
    for index, village in enumerate(villages):
        support_services.first_secretary_create(user=admin, organization=village, name=f"加量{index}",
                                                dispatching_unit="县财政局", term_start=today - dt.timedelta(days=30))
        support_services.pairing_create(user=admin, organization=village, contact_leader=leader, started_on=today)
        guarantee_services.guarantee_ledger_save(user=admin, organization=village, year=today.year,
                                                 venue_condition="good", venue_area=Decimal(300))
    assert ContactLeader.objects.filter(name="加量领导").exists()
    refresh_all(today)
    client.force_login(reviewer)
    assert _queries(client) == small
    DashboardSummary.objects.filter(county=demo.county1).delete()
    assert _queries(client) == small_live
