"""The figures of the bimonthly progress report (双月报告汇总) of a county and its townships.

The numbers are the leader dashboard's (``selectors.dashboard.dashboard``, same definitions) for the county's designations
of the current rounds (the latest round year up to the period's end), grouped per township: counts by
designation status, organizations with overdue tasks, overdue tasks, late and missing period reports.
The job has no user: it reads as the platform (an unsaved superuser), which is what the dashboard of a
county admin shows for his whole county. Contact-leader visits are counted over the period against the
policy (``contact_visits_per_month`` × the months of the period) for every plan reporting in the period.

The figures are as of ``as_of``: the day after the period's reports were due (or today when earlier),
so that the period's own reports count as missing when they were not submitted in time and a refresh
later gives the same late/missing numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from organizations.models import Division, User
from organizations.policies import ORGANIZATION_CHAIN_FIELDS, PolicyBook, effective_policy

from .. import periods
from ..models import Designation, Plan, Round, Task
from .dashboard import STATUSES, TOWNSHIP, DashboardRow
from .ledger import has_overdue_task, overdue_tasks_q
from .progress import LATE, MISSING, late_and_missing_reports

#: Policy values the report uses (stored with it).
SUMMARY_POLICY_KEYS = ["report_interval_months", "report_grace_days", "contact_visits_per_month"]
#: Numeric figures compared with the previous period (the deltas).
COMPARED = ("total", "overdue_organizations", "overdue_tasks", "reports_late", "reports_missing", "visits_done",
            "visits_required", "plans_short_of_visits")


def system_reader() -> User:
    """The platform reading the whole ledger (never saved): background jobs have no user."""
    return User(username="__system__", is_superuser=True, is_active=True)


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def last_ended_period(county: Division, today: dt.date, values: dict | None = None) -> periods.Period:
    """The latest period of the county whose reports were due before ``today`` (it just ended)."""
    values = values or effective_policy(county).snapshot(SUMMARY_POLICY_KEYS)
    interval, grace = int(values["report_interval_months"]), int(values["report_grace_days"])
    period = periods.period_of(today, interval_months=interval, grace_days=grace)
    while period.due_on >= today:
        period = periods.period_of(period.start - dt.timedelta(days=1), interval_months=interval, grace_days=grace)
    return period


def current_round_year(county: Division, period: periods.Period) -> int | None:
    return (Round.objects.filter(county=county, year__lte=period.end.year).order_by("-year")
            .values_list("year", flat=True).first())


@dataclass
class CountyFigures:
    county: Division
    period: periods.Period
    as_of: dt.date
    year: int | None
    policy: dict
    county_figures: dict
    townships: dict[int, dict]  # township id -> figures
    township_names: dict[int, str]


def _empty_visits() -> dict:
    return {"visits_done": 0, "visits_required": 0, "plans_short_of_visits": 0, "plans_reporting": 0}


def period_visits(plans, period: periods.Period) -> dict[int | None, dict]:
    """Per township: visits in the period against ``contact_visits_per_month`` × months, for the plans
    reporting in the period (rectifying or later, confirmed before the period ended). Two queries."""
    book = PolicyBook(["contact_visits_per_month"])
    reporting = plans.filter(designation__status__in=periods.REPORTING_STATUSES,
                             designation__confirmed_at__isnull=False).annotate(
        period_visits=Count("visits", filter=Q(visits__visited_on__gte=period.start,
                                               visits__visited_on__lte=period.end)))
    months = months_between(period.start, period.end)
    result: dict[int | None, dict] = defaultdict(_empty_visits)
    for row in reporting.order_by().values_list("township_id", "designation__status", "designation__confirmed_at",
                                                "designation__closed_out_on", "period_visits",
                                                *(f"organization__{f}" for f in ORGANIZATION_CHAIN_FIELDS)):
        township_id, status, confirmed_at, closed_out_on, done, *chain = row
        window = periods.reporting_window(status=status, confirmed_on=timezone.localdate(confirmed_at),
                                          closed_out_on=closed_out_on, today=period.end)
        if window is None or window[1] < period.start:
            continue
        required = int(book.for_chain(chain)["contact_visits_per_month"]) * months
        target = result[township_id]
        target["plans_reporting"] += 1
        target["visits_done"] += done
        target["visits_required"] += required
        target["plans_short_of_visits"] += 1 if done < required else 0
    return result


def _dashboard_rows(designations, *, as_of: dt.date) -> dict[int | None, DashboardRow]:
    """The leader dashboard's numbers per township (``selectors.dashboard.dashboard`` at township level, the same
    definitions and queries) without its chart and this month's visits, which the report does not use."""
    rows: dict[int | None, DashboardRow] = {}

    def row(key) -> DashboardRow:
        if key not in rows:
            rows[key] = DashboardRow(key=key, name="", level=TOWNSHIP)
        return rows[key]

    designations = designations.order_by()
    for values in designations.values("township_id", "status").annotate(n=Count("pk")):
        target = row(values["township_id"])
        target.by_status[values["status"]] = values["n"]
        target.total += values["n"]
    for values in designations.filter(has_overdue_task(as_of)).values("township_id").annotate(n=Count("pk")):
        row(values["township_id"]).overdue_organizations = values["n"]
    tasks = Task.objects.filter(overdue_tasks_q(as_of), plan__designation__in=designations.values("pk"))
    for values in tasks.order_by().values("township_id").annotate(n=Count("pk")):
        row(values["township_id"]).overdue_tasks = values["n"]
    plans = Plan.objects.filter(designation__in=designations.values("pk"))
    for item in late_and_missing_reports(system_reader(), today=as_of, plans=plans).items:
        if item.flag == LATE:
            row(item.township_id).reports_late += 1
        elif item.flag == MISSING:
            row(item.township_id).reports_missing += 1
    return rows


def county_figures(county: Division, *, period: periods.Period, today: dt.date,
                   policy: dict | None = None) -> CountyFigures:
    """The figures of the county and of each of its townships for ``period`` (a bounded number of queries)."""
    policy = policy or effective_policy(county).snapshot(SUMMARY_POLICY_KEYS)
    as_of = min(today, period.due_on + dt.timedelta(days=1))
    year = current_round_year(county, period)
    designations = Designation.objects.filter(county=county, round__year=year) if year else Designation.objects.none()
    rows = _dashboard_rows(designations, as_of=as_of)
    visits = period_visits(Plan.objects.filter(designation__in=designations.values("pk")), period)
    names = dict(Division.objects.filter(pk__in=[k for k in rows if k]).values_list("pk", "name"))
    base = {"as_of": as_of.isoformat(), "year": year}
    totals = DashboardRow(key=None, name=county.name, level="county")
    townships: dict[int, dict] = {}
    for key, row in rows.items():
        totals.add(row)
        if key is None:
            continue
        row.name = names.get(key, "")
        townships[key] = {**base, **row.as_dict(), **_empty_visits(), **visits.get(key, {})}
    county_total = {**base, **totals.as_dict(), **_empty_visits()}
    for township_visits in visits.values():
        for key, value in township_visits.items():
            county_total[key] += value
    return CountyFigures(county=county, period=period, as_of=as_of, year=year, policy=policy,
                         county_figures=county_total, townships=townships, township_names=names)


def deltas(figures: dict, previous: dict | None) -> dict:
    """The change of each compared figure (and of each status count) since the previous report."""
    if not previous:
        return {}
    changes = {key: figures.get(key, 0) - previous.get(key, 0) for key in COMPARED}
    before = previous.get("by_status", {})
    changes["by_status"] = {status: figures.get("by_status", {}).get(status, 0) - before.get(status, 0)
                            for status in STATUSES}
    return changes
