"""The guarantee ledger (保障台账, issue 14 item 3): the subsidy due by the policy's population band against the
disbursements, the venue, the secretary's pay against the policy's multiple, the monthly days in the village
against the policy's share; the list with its shortfall filter, the ledger page and its forms, the API, the
export, the dashboards; tenancy (another township's organization is a 404).

Expected amounts are computed here from the policy values (read back from the policy page's resolver), not by
the code under test."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import math
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import Disbursement, FirstSecretary, GuaranteeLedger, PresenceMonth
from organizations.models import Organization
from organizations.policies import effective_policy
from organizations.services import policy_set
from rectification.models import Designation
from rectification.selectors.counting import NOT_COUNTED, current_year

pytestmark = pytest.mark.django_db


def the_year() -> int:
    return current_year(Designation.objects.all(), today=timezone.localdate())


def designated(township, category="village") -> list[Organization]:
    ids = Designation.objects.filter(round__year=the_year(), township=township).exclude(
        status__in=NOT_COUNTED).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids, category=category).order_by("pk"))


def village_of(township) -> Organization:
    return designated(township)[0]


def fresh(organization: Organization) -> Organization:
    """The organization without any guarantee record of the year (the demo's removed: a clean start)."""
    PresenceMonth.objects.filter(organization=organization).delete()
    Disbursement.objects.filter(organization=organization).delete()
    GuaranteeLedger.objects.filter(organization=organization).delete()
    return organization


def band_amount(organization: Organization) -> int:
    """The subsidy due, read from the policy's bands by hand."""
    policy = effective_policy(organization.division)
    if organization.category == "community":
        return int(policy["community_fund"])
    for band in policy["village_fund_bands"]:
        if band["up_to"] is None or (organization.population or 0) <= band["up_to"]:
            return int(band["amount"])
    raise AssertionError("no band")


def ledger_url(organization, year=None) -> str:
    return f"{reverse('cadres:guarantee-ledger', args=[organization.pk])}?year={year or the_year()}"


def page_row(client, organization, year=None):
    response = client.get(ledger_url(organization, year))
    assert response.status_code == 200
    return response.context["row"]


def paid_day() -> dt.date:
    today = timezone.localdate()
    return today if today.year == the_year() else dt.date(the_year(), 12, 31)


# ------------------------------------------------------------------------------------------ subsidy


def test_subsidy_due_from_the_population_band_and_the_balance_of_disbursements(demo, login):
    organization = fresh(village_of(demo.township_a))
    Organization.objects.filter(pk=organization.pk).update(population=4200)
    organization.refresh_from_db()
    client = login("town_organizer")
    due = band_amount(organization)
    assert due == 40000  # the middle band of the built-in policy (3,001-5,000 people)
    year = the_year()
    url = f"{reverse('cadres:guarantee-disbursement-add', args=[organization.pk])}?year={year}"
    for amount in ("15000", "9000.50"):
        response = client.post(url, {"year": year, "paid_on": paid_day().isoformat(), "source": "county",
                                     "amount": amount, "use": "村级组织日常办公经费"})
        assert response.status_code == 302, response.content.decode()[:2000]
    row = page_row(client, organization)
    assert row.subsidy_due == due
    assert row.disbursed == Decimal("24000.50")
    assert row.balance == due - Decimal("24000.50")
    assert "subsidy" in row.kinds
    # The rest paid: the balance is zero, no subsidy shortfall.
    client.post(url, {"year": year, "paid_on": paid_day().isoformat(), "source": "township",
                      "amount": str(due - Decimal("24000.50")), "use": "为民服务项目"})
    row = page_row(client, organization)
    assert row.balance == 0 and "subsidy" not in row.kinds
    # The audit trail keeps who recorded each disbursement.
    ids = Disbursement.objects.filter(organization=organization).values("pk")
    assert {h.history_user.username for h in Disbursement.history.filter(id__in=ids, history_type="+")} == {
        "town_organizer"}


def test_a_township_setting_of_the_bands_changes_its_villages_subsidy(demo, login):
    organization = fresh(village_of(demo.township_a))
    Organization.objects.filter(pk=organization.pk).update(population=2500)
    organization.refresh_from_db()
    policy_set(user=demo.users["county_admin"], division=demo.township_a, key="village_fund_bands",
               value=[{"up_to": 2000, "amount": 30000}, {"up_to": None, "amount": 45000}])
    assert band_amount(organization) == 45000
    assert page_row(login("county_admin"), organization).subsidy_due == 45000


def test_a_community_is_due_the_community_amount(demo, login):
    community = next((o for t in (demo.township_a, demo.township_b) for o in designated(t, "community")), None)
    if community is None:
        community = Designation.objects.filter(round__year=the_year(), organization__category="community").exclude(
            status__in=NOT_COUNTED).first().organization
    row = page_row(login("county_admin"), community)
    assert row.subsidy_due == int(effective_policy(community.division)["community_fund"])


def test_a_disbursement_outside_the_ledger_year_or_not_positive_is_refused(demo, login):
    organization = fresh(village_of(demo.township_a))
    client = login("town_organizer")
    year = the_year()
    url = f"{reverse('cadres:guarantee-disbursement-add', args=[organization.pk])}?year={year}"
    response = client.post(url, {"year": year, "paid_on": f"{year - 1}-06-01", "source": "county", "amount": "100",
                                 "use": "办公"})
    assert response.status_code == 400 and response.context["form"].errors["paid_on"]
    response = client.post(url, {"year": year, "paid_on": paid_day().isoformat(), "source": "county",
                                 "amount": "0", "use": "办公"})
    assert response.status_code == 400
    assert not Disbursement.objects.filter(organization=organization).exists()


# ------------------------------------------------------------------------------------------ venue and pay


def test_secretary_pay_against_the_policy_multiple_and_the_venue(demo, login):
    admin = demo.users["county_admin"]
    policy_set(user=admin, division=demo.county1, key="secretary_pay_reference_income", value=30000)
    policy_set(user=admin, division=demo.county1, key="secretary_pay_multiple_percent", value=250)
    organization = fresh(village_of(demo.township_a))
    policy = effective_policy(organization.division)
    income, percent = policy["secretary_pay_reference_income"], policy["secretary_pay_multiple_percent"]
    required = Decimal(income) * Decimal(percent) / 100
    assert required == 75000
    client = login("town_organizer")
    url = f"{reverse('cadres:guarantee-edit', args=[organization.pk])}?year={the_year()}"
    minimum = int(policy["venue_min_area"])
    response = client.post(url, {"year": the_year(), "venue_area": str(minimum - 1), "venue_condition": "good",
                                 "venue_renovation": "under_way", "secretary_pay": str(required - 1)})
    assert response.status_code == 302
    row = page_row(client, organization)
    assert row.pay_required == required
    assert {"pay", "venue"} <= row.kinds
    client.post(url, {"year": the_year(), "venue_area": str(minimum), "venue_condition": "good",
                      "venue_renovation": "done", "secretary_pay": str(required)})
    row = page_row(client, organization)
    assert "pay" not in row.kinds and "venue" not in row.kinds
    client.post(url, {"year": the_year(), "venue_area": str(minimum + 100), "venue_condition": "poor",
                      "venue_renovation": "planned", "secretary_pay": str(required)})
    assert "venue" in page_row(client, organization).kinds


# ------------------------------------------------------------------------------------------ days in the village


def _serving_first_secretary(township):
    today = timezone.localdate()
    for organization in designated(township):
        fs = FirstSecretary.objects.filter(organization=organization, recalled_on__isnull=True,
                                           term_start__lte=dt.date(the_year(), 1, 1),
                                           term_end__gte=today).first()
        if fs is not None:
            return organization, fs
    pytest.skip("no first secretary serving the whole year in this township")


def test_monthly_days_against_the_policy_share_and_months_not_entered(demo, login):
    organization, fs = _serving_first_secretary(demo.township_a)
    fresh(organization)
    share = Decimal(effective_policy(organization.division)["resident_days_share"])
    client = login("town_organizer")
    year = the_year()
    url = f"{reverse('cadres:guarantee-days', args=[organization.pk])}?year={year}&month=1"
    page = client.get(url)
    assert page.status_code == 200
    people = page.context["people"]
    assert people[0][1] == fs.name
    working = 22
    needed = math.ceil(working * share / 100)  # 22 x 66.67 % = 14.67: 15 days
    assert needed == 15
    data = {"year": year, "month": 1, "working_days": working, "days_0": needed - 1}
    for i in range(1, len(people)):
        data[f"days_{i}"] = needed
    assert client.post(url, data).status_code == 302
    row = page_row(client, organization)
    short = [m for m in row.months if m.short]
    assert [(m.month, m.name, m.required) for m in short] == [(1, fs.name, needed)]
    assert "days" in row.kinds
    # Every other ended month of the year without an entry is listed as not entered.
    today = timezone.localdate()
    ended = [m for m in range(1, 13) if dt.date(year, m, calendar.monthrange(year, m)[1]) < today]
    assert sorted(month for month, name in row.missing_months if name == fs.name) == [m for m in ended if m != 1]
    # Corrected: the first secretary was there enough; the entry is replaced, not doubled.
    data["days_0"] = needed
    client.post(url, data)
    assert PresenceMonth.objects.filter(organization=organization, month=1, name=fs.name).count() == 1
    assert not page_row(client, organization).short_months


def test_twenty_one_working_days_need_fourteen(demo, login):
    """66.67 % stands for two thirds: 21 working days need 14, not 15."""
    organization, fs = _serving_first_secretary(demo.township_a)
    fresh(organization)
    client = login("county_admin")
    url = f"{reverse('cadres:guarantee-days', args=[organization.pk])}?year={the_year()}&month=2"
    client.post(url, {"year": the_year(), "month": 2, "working_days": 21, "days_0": 14})
    month = next(m for m in page_row(client, organization).months if m.month == 2 and m.name == fs.name)
    assert month.required == 21 * 2 // 3 and not month.short


# ------------------------------------------------------------------------------------------ list, dashboard


def test_list_filters_by_shortfall_and_counts_what_it_lists(demo, login):
    client = login("county_admin")
    year = the_year()
    everything = client.get(reverse("cadres:guarantee-list"), {"year": year})
    assert everything.status_code == 200
    rows = everything.context["rows"]
    expected_ids = set(Designation.objects.filter(county=demo.county1, round__year=year).exclude(
        status__in=NOT_COUNTED).values_list("organization_id", flat=True))
    assert {r.organization.pk for r in rows} >= expected_ids
    total = everything.context["total"]
    assert total.short == sum(1 for r in rows if r.shortfalls)
    for kind in ("subsidy", "venue", "pay", "days", "any"):
        response = client.get(reverse("cadres:guarantee-list"), {"year": year, "flag": kind})
        shown = response.context["shown"]
        assert all((r.shortfalls if kind == "any" else kind in r.kinds) for r in shown)
        assert len(shown) == (total.short if kind == "any" else total.by_kind[kind])
    # The demo shows some shortfalls, not everything failing.
    assert 0 < total.short < total.organizations


def test_the_dashboards_count_the_shortfalls_the_list_shows(demo, login):
    client = login("county_leader")
    listed = client.get(reverse("cadres:guarantee-list"), {"flag": "any"}).context["shown"]
    html = client.get(reverse("rectification:dashboard")).content.decode()
    assert 'data-figure="guarantee_short"' in html
    figure = html[html.index('data-figure="guarantee_short"'):]
    assert f'<span class="value">{len(listed)}</span>' in figure[:200]
    cadre = login("county_admin").get(reverse("cadres:dashboard")).context["sections"]
    section = next(s for s in cadre if s.key == "guarantee")
    assert section.figures[0].value == len(listed)


# ------------------------------------------------------------------------------------------ tenancy, roles


def test_another_townships_organization_is_404_for_a_township_organizer(demo, login):
    other = village_of(demo.township_b)
    client = login("town_organizer")
    before = Disbursement.objects.filter(organization=other).count()
    for name in ("cadres:guarantee-ledger", "cadres:guarantee-edit", "cadres:guarantee-disbursement-add",
                 "cadres:guarantee-days"):
        url = f"{reverse(name, args=[other.pk])}?year={the_year()}"
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"year": the_year(), "paid_on": paid_day().isoformat(), "source": "county",
                                 "amount": "1", "use": "x"}).status_code == 404, name
    assert Disbursement.objects.filter(organization=other).count() == before
    listed = client.get(reverse("cadres:guarantee-list")).context["rows"]
    assert listed and all(r.organization.township_id == demo.township_a.pk for r in listed)
    # The API too: not in the list, a 404 by id, a 400 for a write naming it.
    api = client.get("/api/v1/cadres/guarantee/").json()
    assert other.pk not in {r["organization"] for r in api["results"]}
    theirs = Disbursement.objects.filter(organization=other).first()
    if theirs is not None:
        assert client.get(f"/api/v1/cadres/disbursements/{theirs.pk}/").status_code == 404
        assert client.delete(f"/api/v1/cadres/disbursements/{theirs.pk}/").status_code == 404
    response = client.post("/api/v1/cadres/disbursements/", {
        "organization": other.pk, "year": the_year(), "paid_on": paid_day().isoformat(), "source": "county",
        "amount": "100.00", "use": "越权"}, content_type="application/json")
    assert response.status_code == 400
    assert Disbursement.objects.filter(organization=other).count() == before


def test_a_county_leader_reads_but_may_not_record(demo, login):
    organization = village_of(demo.township_a)
    client = login("county_leader")
    assert client.get(ledger_url(organization)).status_code == 200
    url = f"{reverse('cadres:guarantee-disbursement-add', args=[organization.pk])}?year={the_year()}"
    assert client.get(url).status_code == 403
    response = client.post("/api/v1/cadres/disbursements/", {
        "organization": organization.pk, "year": the_year(), "paid_on": paid_day().isoformat(), "source": "county",
        "amount": "100.00", "use": "办公"}, content_type="application/json")
    assert response.status_code == 403


# ------------------------------------------------------------------------------------------ API, export


def test_api_records_and_reads_the_ledger(demo, login):
    organization = fresh(village_of(demo.township_a))
    client = login("town_organizer")
    year = the_year()
    response = client.post("/api/v1/cadres/disbursements/", {
        "organization": organization.pk, "year": year, "paid_on": paid_day().isoformat(), "source": "county",
        "amount": "12000.00", "use": "办公经费"}, content_type="application/json")
    assert response.status_code == 201, response.content
    response = client.post("/api/v1/cadres/guarantee-ledgers/", {
        "organization": organization.pk, "year": year, "venue_area": "350.0", "venue_condition": "good",
        "secretary_pay": "1000.00"}, content_type="application/json")
    assert response.status_code == 201, response.content
    ledger_id = response.json()["id"]
    assert client.patch(f"/api/v1/cadres/guarantee-ledgers/{ledger_id}/", {"secretary_pay": "2000.00"},
                        content_type="application/json").status_code == 200
    response = client.post("/api/v1/cadres/presence-months/", {
        "organization": organization.pk, "year": year, "month": 1, "kind": "team_member", "name": "张三",
        "working_days": 21, "days_in_village": 13}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["required"] == 14
    rows = client.get("/api/v1/cadres/guarantee/", {"year": year, "q": organization.name}).json()["results"]
    row = next(r for r in rows if r["organization"] == organization.pk)
    due = band_amount(organization)
    assert Decimal(row["subsidy_due"]) == due and Decimal(row["balance"]) == due - 12000
    assert Decimal(row["secretary_pay"]) == 2000
    assert {"subsidy", "pay", "days"} <= {s["kind"] for s in row["shortfalls"]}
    short = client.get("/api/v1/cadres/guarantee/", {"year": year, "flag": "pay"}).json()
    assert short["count"] == short["totals"]["pay"]


def test_export_lists_the_rows_of_the_list_with_the_letterhead(demo, login):
    import openpyxl

    from tests.workbooks import header_index

    client = login("town_organizer")
    listed = client.get(reverse("cadres:guarantee-list"), {"flag": "any"}).context["shown"]
    response = client.get(reverse("cadres:guarantee-export"), {"flag": "any"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["保障台账", "经费拨付明细", "驻村天数"]
    sheet = book["保障台账"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = header_index(sheet, rows)
    assert "保障台账" in str(rows[0][0] or "") or any("保障台账" in str(c or "") for c in rows[0])
    body = [r for r in rows[start + 1:] if r[0] is not None]
    assert [r[2] for r in body] == [r.organization.name for r in listed]
    assert sheet.print_title_rows  # the header row repeats on every printed page


# ------------------------------------------------------------------------- last month's days not entered


def expected_days_missing(organizations, year: int, month: int) -> set[int]:
    """Organizations (of ``organizations``) with a first secretary serving in the month and no days entered for
    them, worked out here row by row."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    found = set()
    for fs in FirstSecretary.objects.filter(organization__in=organizations):
        serving = fs.term_start <= last and fs.term_end >= first and (fs.recalled_on is None or fs.recalled_on > first)
        entered = [row for row in PresenceMonth.objects.filter(organization=fs.organization, ledger__year=year,
                                                               month=month)
                   if row.first_secretary_id == fs.pk or (row.kind == "first_secretary" and row.name == fs.name)]
        if serving and not entered:
            found.add(fs.organization_id)
    return found


def test_home_lists_last_months_days_not_entered_and_links_to_exactly_those(demo, login):
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    year, month = last.year, last.month
    # Two organizations of 林安镇 with a first secretary serving last month: their days not entered.
    serving = FirstSecretary.objects.filter(township=demo.township_a, term_start__lte=last,
                                            term_end__gte=last.replace(day=1), recalled_on__isnull=True)
    chosen = sorted({fs.organization_id for fs in serving})[:2]
    assert len(chosen) == 2, "the demo has first secretaries in 林安镇"
    PresenceMonth.objects.filter(organization_id__in=chosen, ledger__year=year, month=month).delete()
    county = Organization.objects.filter(county=demo.county1)
    expected = expected_days_missing(county, year, month)
    assert set(chosen) <= expected
    url = f"{reverse('cadres:guarantee-days-missing')}?year={year}&month={month}"
    for username, scope in (("county_admin", county), ("town_organizer", county.filter(township=demo.township_a))):
        client = login(username)
        todo = {item.key: item for item in client.get(reverse("home")).context["todo"]}
        item = todo["guarantee_days_missing"]
        wanted = expected_days_missing(scope, year, month)
        assert item.url == url and item.count == len(wanted) and item.urgent
        page = client.get(item.url)
        assert page.status_code == 200 and page.context["paginator"].count == item.count
        assert {organization.pk for organization, _names, _may in page.context["rows"]} == wanted
        assert "Days in the village not entered" in page.content.decode()
    # Read-only and village roles have no such line; the other county sees none of county 1's.
    for username in ("county_leader", "village_secretary", "city_reviewer"):
        assert "guarantee_days_missing" not in {i.key for i in login(username).get(reverse("home")).context["todo"]}
    other = login("other_county_admin").get(url)
    assert not {o.pk for o, _n, _m in other.context["rows"]} & expected
    # Entering one organization's days takes it off the line and the page.
    client = login("county_admin")
    organization = Organization.objects.get(pk=chosen[0])
    form = client.get(f"{reverse('cadres:guarantee-days', args=[organization.pk])}?year={year}&month={month}")
    data = {"year": year, "month": month, "working_days": 20}
    data.update({f"days_{i}": 15 for i in range(len(form.context["people"]))})
    assert client.post(f"{reverse('cadres:guarantee-days', args=[organization.pk])}?year={year}", data
                       ).status_code == 302
    todo = {item.key: item for item in client.get(reverse("home")).context["todo"]}
    assert todo["guarantee_days_missing"].count == len(expected) - 1
    assert organization.pk not in {o.pk for o, _n, _m in client.get(url).context["rows"]}


def test_the_days_not_entered_page_takes_only_ended_months(demo, login):
    client = login("county_admin")
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    for query in ({}, {"year": today.year, "month": today.month}, {"year": "x", "month": "²"},
                  {"year": today.year + 1, "month": 1}):
        page = client.get(reverse("cadres:guarantee-days-missing"), query)
        assert page.status_code == 200 and (page.context["year"], page.context["month"]) == (last.year, last.month)
    earlier = (last.replace(day=1) - dt.timedelta(days=1))
    page = client.get(reverse("cadres:guarantee-days-missing"), {"year": earlier.year, "month": earlier.month})
    assert (page.context["year"], page.context["month"]) == (earlier.year, earlier.month)


# --------------------------------------------------------------------- a first secretary's own days


@pytest.fixture
def first_secretary_account(demo):
    """A first secretary of 林安镇 serving the whole year, with a portal account (the object role on their village
    given by the service, as the county gives it)."""
    from cadres.services.support import first_secretary_update
    from organizations.models import User

    organization, fs = _serving_first_secretary(demo.township_a)
    account = User.objects.create(username="fs_linan", full_name=fs.name)
    first_secretary_update(user=demo.users["county_admin"], first_secretary=fs, account=account)
    return organization, fs, account


def test_a_first_secretary_enters_their_own_days_and_nothing_else(demo, client, first_secretary_account):
    organization, fs, account = first_secretary_account
    fresh(organization)
    fs.team_members = "张三（县农业农村局）\n李四（县水利局）"
    fs.save()
    year = the_year()
    client.force_login(account)
    ledger = client.get(f"{reverse('cadres:guarantee-ledger', args=[organization.pk])}?year={year}")
    assert ledger.status_code == 200
    html = ledger.content.decode()
    assert reverse("cadres:guarantee-days", args=[organization.pk]) in html
    assert reverse("cadres:guarantee-disbursement-add", args=[organization.pk]) not in html
    url = f"{reverse('cadres:guarantee-days', args=[organization.pk])}?year={year}&month=1"
    page = client.get(url)
    assert page.status_code == 200
    assert [(kind, name) for kind, name, _fs, _days in page.context["people"]] == [("first_secretary", fs.name)]
    # The work team's fields are not on the form: a posted one is ignored.
    response = client.post(url, {"year": year, "month": 1, "working_days": 21, "days_0": 16, "days_1": 3})
    assert response.status_code == 302
    rows = PresenceMonth.objects.filter(organization=organization, ledger__year=year, month=1)
    assert [(r.kind, r.name, r.days_in_village, r.first_secretary_id) for r in rows] == [
        ("first_secretary", fs.name, 16, fs.pk)]
    assert rows[0].history.first().history_user == account
    # Nothing else of the ledger: the venue and pay, a disbursement, a removal are the 403 page.
    for name in ("cadres:guarantee-edit", "cadres:guarantee-disbursement-add"):
        target = f"{reverse(name, args=[organization.pk])}?year={year}"
        assert client.get(target).status_code == 403
        assert client.post(target, {"year": year, "paid_on": f"{year}-01-10", "source": "county", "amount": "1",
                                    "use": "x", "secretary_pay": "1"}).status_code == 403
    assert not Disbursement.objects.filter(organization=organization).exists()
    # Another village of the township, not theirs: not even visible.
    other = next(o for o in designated(demo.township_a) if o.pk != organization.pk)
    assert client.get(f"{reverse('cadres:guarantee-days', args=[other.pk])}?year={year}").status_code == 404
    assert client.post(f"{reverse('cadres:guarantee-days', args=[other.pk])}?year={year}",
                       {"year": year, "month": 1, "working_days": 21, "days_0": 16}).status_code == 404
    # The township still enters everyone's days, the work team's too.
    client.force_login(demo.users["town_organizer"])
    people = client.get(url).context["people"]
    names = [name for _kind, name, _fs, _days in people]
    assert fs.name in names and any("张三" in n for n in names) and any("李四" in n for n in names)


def test_a_first_secretary_through_the_api_and_the_service(demo, client, first_secretary_account):
    from django.core.exceptions import PermissionDenied

    from cadres.services.guarantee import presence_record

    organization, fs, account = first_secretary_account
    fresh(organization)
    year = the_year()
    client.force_login(account)
    own = {"organization": organization.pk, "year": year, "month": 2, "kind": "first_secretary", "name": fs.name,
           "first_secretary": fs.pk, "working_days": 20, "days_in_village": 15}
    created = client.post("/api/v1/cadres/presence-months/", own, content_type="application/json")
    assert created.status_code == 201, created.content
    assert client.post("/api/v1/cadres/presence-months/", {**own, "kind": "team_member", "name": "张三",
                                                           "first_secretary": None},
                       content_type="application/json").status_code == 403
    assert client.post("/api/v1/cadres/disbursements/", {
        "organization": organization.pk, "year": year, "paid_on": f"{year}-01-10", "source": "county",
        "amount": "100", "use": "x"}, content_type="application/json").status_code == 403
    assert client.post("/api/v1/cadres/guarantee-ledgers/", {"organization": organization.pk, "year": year,
                                                             "secretary_pay": "1"},
                       content_type="application/json").status_code == 403
    other = next(o for o in designated(demo.township_a) if o.pk != organization.pk)
    assert client.post("/api/v1/cadres/presence-months/", {**own, "organization": other.pk},
                       content_type="application/json").status_code == 400  # outside the scope
    listed = client.get("/api/v1/cadres/presence-months/", {"page_size": 500}).json()["results"]
    assert {row["organization"] for row in listed} <= {organization.pk, *fs.other_villages.values_list("pk",
                                                                                                      flat=True)}
    # Another first secretary's row of the same village (a predecessor's, say) is not theirs.
    predecessor = FirstSecretary.objects.create(
        organization=organization, county_id=organization.county_id, township_id=organization.township_id,
        name="王前任", dispatching_unit="县财政局", term_start=dt.date(year - 2, 1, 1), term_end=dt.date(year, 3, 31))
    with pytest.raises(PermissionDenied):
        presence_record(user=account, organization=organization, year=year, month=2, working_days=20,
                        entries=[{"kind": "first_secretary", "name": predecessor.name, "first_secretary": predecessor,
                                  "days_in_village": 15}])
