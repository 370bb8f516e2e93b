"""Reads of the guarantee ledger (保障台账): per organization and year, the records against the policy.

* **Operating-fund subsidy**: due = the policy's band for the village's population (``village_fund_bands``) or
  the community amount (``community_fund``), ``organizations.policies.fund_subsidy``; disbursed = the sum of the
  year's disbursements; balance = due - disbursed. Short while the balance is above zero.
* **Activity venue**: short when not recorded, when there is none, when it is dilapidated, or when its area is
  below ``venue_min_area``.
* **Village Party secretary's pay**: at least ``secretary_pay_reference_income`` x
  ``secretary_pay_multiple_percent`` / 100 a year; short when not recorded or below.
* **Days in the village** (first secretary and work team, entered monthly): each person-month needs
  ``resident_days_share`` % of its working days (rounded up; the share is given to the hundredth, so 66.67 %
  stands for two thirds: 21 working days need 14); a month that has ended in which a first secretary served
  (term running, not recalled before it began) and has no entry is short too.

Subsidy, venue and pay concern villages and communities; the days concern every organization with a first
secretary. The ledger lists the organizations designated in the year's round (confirmed, not withdrawn) and any
other organization with a ledger of that year, all in the user's scope. Bounded: five queries per 5,000
organizations plus one for the policies, whatever the number of records.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.models.orgs import OrganizationCategory
from organizations.policies import PolicyBook, fund_subsidy, organization_chain
from organizations.roles import Role
from rectification.models import Designation
from rectification.selectors.counting import NOT_COUNTED, current_year

from ..models import (
    Disbursement,
    FirstSecretary,
    GuaranteeLedger,
    PresenceKind,
    PresenceMonth,
    VenueCondition,
)

#: Ids per query: below SQLite's limit of bound variables.
BATCH = 5000
POLICY_KEYS = ["village_fund_bands", "community_fund", "secretary_pay_reference_income",
               "secretary_pay_multiple_percent", "resident_days_share", "venue_min_area"]
#: Organizations the subsidy, the venue and the pay concern.
GUARANTEED_CATEGORIES = (OrganizationCategory.VILLAGE, OrganizationCategory.COMMUNITY)

SUBSIDY, VENUE, PAY, DAYS = "subsidy", "venue", "pay", "days"
KINDS = (SUBSIDY, VENUE, PAY, DAYS)
KIND_LABELS = {SUBSIDY: _("Subsidy not fully disbursed"), VENUE: _("Venue short of the standard"),
               PAY: _("Secretary's pay below the policy"), DAYS: _("Days in the village short")}
ANY = "any"
FLAG_CHOICES = [(ANY, _("Any shortfall")), *((kind, KIND_LABELS[kind]) for kind in KINDS)]


def required_days(working_days: int, share) -> int:
    """Days in the village a month of ``working_days`` needs at ``share`` percent (rounded up, see above)."""
    return max(0, math.ceil(Decimal(working_days) * Decimal(str(share)) / 100 - Decimal("0.01")))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def ended_months(year: int, on: dt.date) -> list[int]:
    """The months of ``year`` that have ended by ``on``."""
    return [m for m in range(1, 13) if month_end(year, m) < on]


@dataclass
class PersonMonth:
    month: int
    kind: str
    name: str
    working_days: int
    days: int
    required: int
    pk: int | None = None

    @property
    def short(self) -> bool:
        return self.days < self.required


@dataclass
class LedgerRow:
    organization: Organization
    year: int
    ledger: GuaranteeLedger | None
    guaranteed: bool
    subsidy_due: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    pay_required: Decimal = Decimal(0)
    venue_min_area: int = 0
    days_share: str = ""
    months: list[PersonMonth] = field(default_factory=list)
    #: (month, name) of first secretaries without an entry for an ended month of their term.
    missing_months: list[tuple[int, str]] = field(default_factory=list)
    shortfalls: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)

    @property
    def balance(self) -> Decimal:
        return self.subsidy_due - self.disbursed

    @property
    def secretary_name(self) -> str:
        return (self.ledger.secretary_name if self.ledger else "") or self.organization.secretary_name

    @property
    def kinds(self) -> set[str]:
        return {kind for kind, _text in self.shortfalls}

    @property
    def short_months(self) -> list[PersonMonth]:
        return [m for m in self.months if m.short]

    def shortfall_text(self) -> str:
        return "；".join(text for _kind, text in self.shortfalls)


def _money(value) -> str:
    return f"{Decimal(value):,.2f}".rstrip("0").rstrip(".") if value is not None else ""


def _person_months(pairs) -> str:
    return "、".join(str(_("%(name)s, month %(month)s") % {"name": name, "month": month}) for name, month in pairs)


def _assess(row: LedgerRow, on: dt.date, secretaries: list[dict]) -> None:
    ledger = row.ledger
    if row.guaranteed:
        if row.balance > 0:
            row.shortfalls.append((SUBSIDY, str(_("Subsidy: %(balance)s yuan not yet disbursed")
                                                % {"balance": _money(row.balance)})))
        condition = ledger.venue_condition if ledger else ""
        if not condition:
            row.shortfalls.append((VENUE, str(_("Venue not recorded"))))
        elif condition == VenueCondition.NONE:
            row.shortfalls.append((VENUE, str(_("No activity venue"))))
        elif condition == VenueCondition.POOR:
            row.shortfalls.append((VENUE, str(_("Venue dilapidated"))))
        elif ledger.venue_area is not None and ledger.venue_area < row.venue_min_area:
            row.shortfalls.append((VENUE, str(_("Venue of %(area)s m², below %(minimum)s m²")
                                              % {"area": _money(ledger.venue_area), "minimum": row.venue_min_area})))
        pay = ledger.secretary_pay if ledger else None
        if pay is None:
            row.shortfalls.append((PAY, str(_("Secretary's pay not recorded"))))
        elif pay < row.pay_required:
            row.shortfalls.append((PAY, str(_("Secretary's pay %(pay)s yuan, below %(required)s yuan")
                                            % {"pay": _money(pay), "required": _money(row.pay_required)})))
    entered = {(m.month, m.kind, m.name) for m in row.months}
    entered_ids = {(m.month, m.pk) for m in row.months if m.kind == PresenceKind.FIRST_SECRETARY}
    for month in ended_months(row.year, on):
        first, last = dt.date(row.year, month, 1), month_end(row.year, month)
        for fs in secretaries:
            serving = fs["term_start"] <= last and fs["term_end"] >= first and (
                fs["recalled_on"] is None or fs["recalled_on"] > first)
            if serving and (month, fs["pk"]) not in entered_ids and (
                    month, PresenceKind.FIRST_SECRETARY, fs["name"]) not in entered:
                row.missing_months.append((month, fs["name"]))
    short = row.short_months
    if short:
        row.shortfalls.append((DAYS, str(_("Days in the village below %(share)s%% of working days: %(months)s")
                                         % {"share": row.days_share,
                                            "months": _person_months((m.name, m.month) for m in short)})))
    if row.missing_months:
        row.shortfalls.append((DAYS, str(_("Days in the village not entered: %(months)s")
                                         % {"months": _person_months((name, month)
                                                                     for month, name in row.missing_months)})))


def rows_for(organizations: list[Organization], year: int, *, on: dt.date | None = None) -> list[LedgerRow]:
    """The ledger rows of ``organizations`` (already scoped by the caller) for ``year``, assessed on ``on``
    (default today)."""
    on = on or timezone.localdate()
    book = PolicyBook(POLICY_KEYS)
    rows = []
    for start in range(0, len(organizations), BATCH):
        rows.extend(_batch(organizations[start:start + BATCH], year, on, book))
    return rows


def _month_order(values: dict) -> tuple:
    """Month, then the first secretary before the work team, then the name."""
    return values["month"], values["kind"] != PresenceKind.FIRST_SECRETARY, values["name"]


def _batch(organizations: list[Organization], year: int, on: dt.date, book: PolicyBook) -> list[LedgerRow]:
    ids = [o.pk for o in organizations]
    ledgers = {g.organization_id: g for g in GuaranteeLedger.objects.filter(organization_id__in=ids, year=year)}
    disbursed = dict(Disbursement.objects.filter(organization_id__in=ids, ledger__year=year).order_by()
                     .values("organization_id").annotate(total=Sum("amount")).values_list("organization_id", "total"))
    months: dict[int, list] = defaultdict(list)
    for values in (PresenceMonth.objects.filter(organization_id__in=ids, ledger__year=year).order_by()
                   .values("organization_id", "month", "kind", "name", "working_days", "days_in_village",
                           "first_secretary_id")):
        months[values["organization_id"]].append(values)
    secretaries: dict[int, list] = defaultdict(list)
    for values in (FirstSecretary.objects.filter(organization_id__in=ids, term_start__lte=dt.date(year, 12, 31),
                                                 term_end__gte=dt.date(year, 1, 1))
                   .filter(Q(recalled_on__isnull=True) | Q(recalled_on__gt=dt.date(year, 1, 1))).order_by("term_start")
                   .values("pk", "organization_id", "name", "term_start", "term_end", "recalled_on")):
        secretaries[values["organization_id"]].append(values)
    rows = []
    for organization in organizations:
        policy = book.for_chain(organization_chain(organization))
        guaranteed = organization.category in GUARANTEED_CATEGORIES
        row = LedgerRow(organization=organization, year=year, ledger=ledgers.get(organization.pk),
                        guaranteed=guaranteed, days_share=str(policy["resident_days_share"]),
                        venue_min_area=int(policy["venue_min_area"]))
        if guaranteed:
            community = organization.category == OrganizationCategory.COMMUNITY
            row.subsidy_due = Decimal(fund_subsidy(policy, population=organization.population,
                                                   is_community=community))
            row.disbursed = disbursed.get(organization.pk) or Decimal(0)
            row.pay_required = (Decimal(int(policy["secretary_pay_reference_income"]))
                                * int(policy["secretary_pay_multiple_percent"]) / 100).quantize(Decimal("0.01"))
        row.months = [PersonMonth(month=v["month"], kind=v["kind"], name=v["name"], working_days=v["working_days"],
                                  days=v["days_in_village"], pk=v["first_secretary_id"],
                                  required=required_days(v["working_days"], row.days_share))
                      for v in sorted(months.get(organization.pk, ()), key=_month_order)]
        _assess(row, on, secretaries.get(organization.pk, []))
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------------ the list


def designations_of_year(user, year: int):
    return Designation.objects.visible_to(user).exclude(status__in=NOT_COUNTED).filter(round__year=year)


def default_year(user, today: dt.date | None = None) -> int:
    """The year of the current round of the user's counties (today's year when there is none)."""
    return current_year(Designation.objects.visible_to(user), today=today)


def ledger_organizations(user, year: int, *, county=None, township=None, counties=None) -> list[Organization]:
    """The organizations of the year's guarantee ledger in the user's scope: designated in the year's round, or
    with a ledger of that year (``counties``: only in these counties, by id)."""
    designated = designations_of_year(user, year).values("organization_id")
    kept = GuaranteeLedger.objects.visible_to(user).filter(year=year).values("organization_id")
    organizations = Organization.objects.visible_to(user).filter(Q(pk__in=designated) | Q(pk__in=kept))
    if county is not None:
        organizations = organizations.filter(county=county)
    if counties is not None:
        organizations = organizations.filter(county_id__in=list(counties))
    if township is not None:
        organizations = organizations.filter(township=township)
    return list(organizations.select_related("township", "county").order_by("township__code", "division__code",
                                                                             "name", "pk"))


def ledger_rows(user, *, year: int, county=None, township=None, counties=None,
                on: dt.date | None = None) -> list[LedgerRow]:
    return rows_for(ledger_organizations(user, year, county=county, township=township, counties=counties), year,
                    on=on)


def ledger_row(organization: Organization, year: int, *, on: dt.date | None = None) -> LedgerRow:
    """One organization's row (the caller looked the organization up in the user's scope)."""
    return rows_for([organization], year, on=on)[0]


def filter_rows(rows: list[LedgerRow], flag: str | None) -> list[LedgerRow]:
    if not flag:
        return rows
    if flag == ANY:
        return [r for r in rows if r.shortfalls]
    return [r for r in rows if flag in r.kinds]


@dataclass
class Tally:
    name: str = ""
    key: int | None = None
    organizations: int = 0
    short: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    due: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)

    @property
    def balance(self) -> Decimal:
        return self.due - self.disbursed

    def add(self, row: LedgerRow) -> None:
        self.organizations += 1
        self.short += bool(row.shortfalls)
        for kind in row.kinds:
            self.by_kind[kind] += 1
        self.due += row.subsidy_due
        self.disbursed += row.disbursed

    def as_dict(self) -> dict:
        return {"organizations": self.organizations, "short": self.short, **self.by_kind,
                "due": str(self.due), "disbursed": str(self.disbursed), "balance": str(self.balance)}

    def add_totals(self, values: dict) -> None:
        """Add another tally's ``as_dict()`` (e.g. a county's, kept in the dashboard summary)."""
        self.organizations += values["organizations"]
        self.short += values["short"]
        for kind in KINDS:
            self.by_kind[kind] += values[kind]
        self.due += Decimal(values["due"])
        self.disbursed += Decimal(values["disbursed"])


def tally(rows: list[LedgerRow]) -> tuple[Tally, list[Tally]]:
    """Totals and one tally per township (in the rows' order)."""
    total = Tally()
    townships: dict[int | None, Tally] = {}
    for row in rows:
        total.add(row)
        township = row.organization.township
        key = township.pk if township else None
        if key not in townships:
            townships[key] = Tally(name=township.name if township else "", key=key)
        townships[key].add(row)
    return total, list(townships.values())


def shortfall_counts(user, *, today: dt.date | None = None) -> tuple[int, Tally]:
    """(year, totals) of the guarantee ledger of the current round, for the dashboards."""
    today = today or timezone.localdate()
    year = default_year(user, today)
    total, _townships = tally(ledger_rows(user, year=year, on=today))
    return year, total


# ------------------------------------------------------------------ days not entered for the month (to-do)

#: Whose home page lists the organizations whose month's days in the village are not entered: the ledger's
#: keepers in the townships and the county.
DAYS_TODO_ROLES = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ORGANIZER, Role.TOWNSHIP_SECRETARY})


def previous_month(today: dt.date) -> tuple[int, int]:
    """(year, month) of the month before ``today``'s."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.year, last.month


def serving_in(year: int, month: int):
    """First secretaries serving in the month: term running through part of it, not recalled by its first day
    (the rule of the ledger's "not entered" shortfall)."""
    first, last = dt.date(year, month, 1), month_end(year, month)
    return FirstSecretary.objects.filter(term_start__lte=last, term_end__gte=first).filter(
        Q(recalled_on__isnull=True) | Q(recalled_on__gt=first))


def secretaries_without_days(year: int, month: int):
    """Serving first secretaries with no days in the village entered for the month (their own row: by the link
    to them or, for rows entered by name, by their name)."""
    entered = PresenceMonth.objects.filter(organization_id=OuterRef("organization_id"), ledger__year=year,
                                           month=month).filter(
        Q(first_secretary_id=OuterRef("pk")) | Q(kind=PresenceKind.FIRST_SECRETARY, name=OuterRef("name")))
    return serving_in(year, month).filter(~Exists(entered))


def days_not_entered(user, *, year: int, month: int):
    """The organizations in the user's scope where a first secretary served in the month and no days in the
    village were entered for them (the work team's days are entered on the same monthly form): the rows of the
    page /cadres/guarantee/days-not-entered/ and the count of the home to-do line. One query."""
    missing = secretaries_without_days(year, month).filter(organization_id=OuterRef("pk"))
    return Organization.objects.visible_to(user).filter(Exists(missing))


def days_todo_items(user, today: dt.date) -> list:
    """The home to-do line of the townships' and county's ledger keepers: organizations whose previous month's
    days in the village are not entered (one query; its count is the linked page's rows)."""
    from django.urls import reverse

    from organizations.registry import TodoItem
    from organizations.scoping import grants_for

    if not (user.is_superuser or grants_for(user).roles() & DAYS_TODO_ROLES):
        return []
    year, month = previous_month(today)
    count = days_not_entered(user, year=year, month=month).count()
    url = f"{reverse('cadres:guarantee-days-missing')}?year={year}&month={month}"
    return [TodoItem("guarantee_days_missing", _("Days in the village of last month not entered"), count, url,
                     urgent=True)]

