"""Demo guarantee ledger (保障台账) of county 1: the organizations designated in its current round, for the round's
year, up to today.

* **Subsidy**: the policy's amount by population band is paid in two instalments — county finance in March
  (60 %), the township in September (the rest); four organizations still wait for the second one, one of them
  for part of the first too, and 汾山村 (rectified again) received a helping unit's top-up for its venue.
* **Venue**: most have 320-680 m² in good or usable condition; one is dilapidated (renovation planned), one is
  below the minimum area (extension under way), two were renovated this year.
* **Secretary's pay**: most above twice the reference income; two below it.
* **Days in the village**: every ended month of each first secretary's term and of their work team's members,
  around the required two thirds; a few months short in three villages, two months not entered in one.

Written with the audit trail (``bulk_create_with_history``, the county admin as author). Deterministic (one
``random.Random`` per organization, seeded with its division code) and idempotent: an organization whose
ledger of the year exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from organizations.models.orgs import OrganizationCategory
from organizations.policies import PolicyBook, fund_subsidy, organization_chain
from rectification.models import Designation
from rectification.selectors.counting import NOT_COUNTED, current_year

from ..models import (
    Disbursement,
    FirstSecretary,
    FundSource,
    GuaranteeLedger,
    PresenceKind,
    PresenceMonth,
    Renovation,
    VenueCondition,
)
from ..selectors.guarantee import GUARANTEED_CATEGORIES, POLICY_KEYS, ended_months, month_end, required_days
from ..selectors.summary_figures import team_member_names
from ..selectors.support import working_days

USES_FIRST = ["村级组织日常办公经费", "党员教育培训和组织生活经费", "村务公开栏更新及办公用品"]
USES_SECOND = ["为民服务项目支出", "村“两委”干部误工补贴", "党群服务中心水电及维护费用"]


def seed(county, *, accounts) -> None:
    today = timezone.localdate()
    designations = Designation.objects.filter(county=county).exclude(status__in=NOT_COUNTED)
    year = current_year(designations, today=today)
    organizations = [d.organization for d in designations.filter(round__year=year).select_related(
        "organization").order_by("organization__division__code", "pk")]
    if not organizations:
        return
    done = set(GuaranteeLedger.objects.filter(organization__in=organizations, year=year)
               .values_list("organization_id", flat=True))
    todo = [o for o in organizations if o.pk not in done]
    if not todo:
        return
    admin = accounts.get("county_admin")
    with transaction.atomic():
        _seed(todo, organizations, year, today, admin)


def _seed(todo, organizations, year: int, today: dt.date, admin) -> None:
    book = PolicyBook(POLICY_KEYS)
    guaranteed = [o for o in organizations if o.category in GUARANTEED_CATEGORIES]
    # Who falls short, chosen among all of the round's organizations so that a re-run picks the same ones.
    short_subsidy = {o.pk for o in guaranteed[3::9]}  # about four
    low_pay = {o.pk for o in guaranteed[5::17]}  # two or three
    poor_venue, small_venue = (guaranteed[7].pk if len(guaranteed) > 7 else None,
                               guaranteed[12].pk if len(guaranteed) > 12 else None)
    renovated = {o.pk for o in guaranteed[20::11]}
    short_days = {o.pk for o in organizations[2::13]}
    unentered = organizations[10].pk if len(organizations) > 10 else None
    ledgers, payments, months = [], [], []
    for organization in todo:
        rng = random.Random(f"guarantee-{organization.division.code}-{year}")
        policy = book.for_chain(organization_chain(organization))
        scope = {"organization": organization, "county_id": organization.county_id,
                 "township_id": organization.township_id}
        ledger = GuaranteeLedger(year=year, secretary_name=organization.secretary_name, **scope)
        if organization.category in GUARANTEED_CATEGORIES:
            _venue_and_pay(ledger, organization.pk, rng, policy, poor_venue=poor_venue, small_venue=small_venue,
                           renovated=renovated, low_pay=low_pay)
        ledger.full_clean()
        ledgers.append(ledger)
    bulk_create_with_history(ledgers, GuaranteeLedger, default_user=admin)
    ledgers = {g.organization_id: g for g in GuaranteeLedger.objects.filter(
        organization__in=todo, year=year).select_related("organization")}
    for organization in todo:
        ledger = ledgers[organization.pk]
        rng = random.Random(f"guarantee-days-{organization.division.code}-{year}")
        policy = book.for_chain(organization_chain(organization))
        scope = {"organization": organization, "county_id": organization.county_id,
                 "township_id": organization.township_id, "ledger": ledger}
        if organization.category in GUARANTEED_CATEGORIES:
            due = Decimal(fund_subsidy(policy, population=organization.population,
                                       is_community=organization.category == OrganizationCategory.COMMUNITY))
            payments.extend(_payments(organization, due, year, today, rng, scope,
                                      short=organization.pk in short_subsidy))
        months.extend(_months(organization, year, today, rng, scope, str(policy["resident_days_share"]),
                              short=organization.pk in short_days, unentered=organization.pk == unentered))
    bulk_create_with_history(payments, Disbursement, default_user=admin, batch_size=500)
    bulk_create_with_history(months, PresenceMonth, default_user=admin, batch_size=500)


def _venue_and_pay(ledger, pk, rng, policy, *, poor_venue, small_venue, renovated, low_pay) -> None:
    minimum = int(policy["venue_min_area"])
    ledger.venue_area = Decimal(rng.randrange(max(minimum, 300) + 20, 680, 10))
    ledger.venue_condition = rng.choice([VenueCondition.GOOD, VenueCondition.GOOD, VenueCondition.ADEQUATE])
    ledger.venue_renovation = Renovation.NOT_NEEDED
    if pk == poor_venue:
        ledger.venue_condition, ledger.venue_renovation = VenueCondition.POOR, Renovation.PLANNED
        ledger.venue_note = "原村部为上世纪九十年代砖木结构，屋面漏水，已列入明年村级组织活动场所改造计划"
    elif pk == small_venue:
        ledger.venue_area = Decimal(max(minimum - rng.randrange(80, 140, 10), 60))
        ledger.venue_condition, ledger.venue_renovation = VenueCondition.ADEQUATE, Renovation.UNDER_WAY
        ledger.venue_note = "党群服务中心扩建工程已开工，预计明年6月竣工"
    elif pk in renovated:
        ledger.venue_condition, ledger.venue_renovation = VenueCondition.GOOD, Renovation.DONE
        ledger.venue_note = "今年完成党群服务中心提升改造，新增便民服务大厅"
    income, percent = int(policy["secretary_pay_reference_income"]), int(policy["secretary_pay_multiple_percent"])
    required = Decimal(income) * percent / 100
    if pk in low_pay:
        ledger.secretary_pay = _hundreds(required * Decimal("0.9"))
        ledger.note = "书记报酬未达到参照标准，乡镇已报县财政统筹解决"
    else:
        ledger.secretary_pay = _hundreds(required * Decimal(rng.choice(["1.05", "1.1", "1.15", "1.2", "1.3"])))


def _hundreds(amount: Decimal) -> Decimal:
    return (amount / 100).quantize(Decimal("1")) * 100


def _payments(organization, due: Decimal, year: int, today: dt.date, rng, scope, *, short: bool) -> list:
    first = (due * Decimal("0.6")).quantize(Decimal("1"))
    rows = []
    first_day = dt.date(year, 3, rng.randint(5, 25))
    second_day = dt.date(year, 9, rng.randint(5, 25))
    if first_day <= today:
        amount = first - 5000 if short and organization.division.code.endswith(("2", "4", "6", "8")) else first
        rows.append(Disbursement(paid_on=first_day, source=FundSource.COUNTY, amount=amount,
                                 use=rng.choice(USES_FIRST), **scope))
    if second_day <= today and not short:
        rows.append(Disbursement(paid_on=second_day, source=FundSource.TOWNSHIP, amount=due - first,
                                 use=rng.choice(USES_SECOND), **scope))
    if organization.name == "汾山村" and dt.date(year, 6, 18) <= today:
        rows.append(Disbursement(paid_on=dt.date(year, 6, 18), source=FundSource.HELPING_UNIT, amount=Decimal(20000),
                                 use="结对帮扶单位支持村部活动场所修缮", **scope))
    return rows


def _months(organization, year: int, today: dt.date, rng, scope, share: str, *, short: bool, unentered: bool) -> list:
    rows = []
    secretaries = list(FirstSecretary.objects.filter(organization=organization, term_start__lte=dt.date(year, 12, 31),
                                                     term_end__gte=dt.date(year, 1, 1)).order_by("term_start", "pk"))
    months = ended_months(year, today)
    skipped = set(months[-2:]) if unentered else set()
    short_months = set(rng.sample(months, min(2, len(months)))) if short and months else set()
    for month in months:
        if month in skipped:
            continue
        first, last = dt.date(year, month, 1), month_end(year, month)
        seen: set[tuple[str, str]] = set()
        working = working_days(first, last)
        needed = required_days(working, share)
        for fs in secretaries:
            if not (fs.term_start <= last and fs.term_end >= first) or (fs.recalled_on and fs.recalled_on <= first):
                continue
            days = needed - rng.randint(2, 5) if month in short_months else min(working + 2, needed + rng.randint(0, 4))
            seen.add((PresenceKind.FIRST_SECRETARY, fs.name))
            rows.append(PresenceMonth(month=month, kind=PresenceKind.FIRST_SECRETARY, first_secretary=fs, name=fs.name,
                                      working_days=working, days_in_village=max(0, days), **scope))
            for name in team_member_names(fs.team_members):
                if (PresenceKind.TEAM_MEMBER, name) in seen:
                    continue
                seen.add((PresenceKind.TEAM_MEMBER, name))
                days = min(working + 2, needed + rng.randint(0, 4))
                rows.append(PresenceMonth(month=month, kind=PresenceKind.TEAM_MEMBER, name=name,
                                          working_days=working, days_in_village=max(0, days), **scope))
    return rows
