"""The leader dashboard: the ledger of the user's scope in numbers, per county, township or organization.

Every number is a GROUP BY over the same designations the ledger list shows (the user's scope and the
DesignationFilter), so each drills into a ledger list of exactly that many rows. Late and missing
reports and contact-leader visits come from the progress selectors (their rules are defined there).
A fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear

from organizations.models import Division
from organizations.roles import Level
from organizations.scoping import grants_for

from ..models import Designation, DesignationStatus, Plan, Task, TaskStatus
from .ledger import has_overdue_task, overdue_tasks_q
from .progress import report_flag_counts, visit_totals

COUNTY, TOWNSHIP, ORGANIZATION = "county", "township", "organization"
GROUP_COLUMN = {COUNTY: "county_id", TOWNSHIP: "township_id", ORGANIZATION: "organization_id"}
STATUSES = [value for value, _label in DesignationStatus.choices]


@dataclass
class DashboardRow:
    key: int | None
    name: str
    level: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue_organizations: int = 0
    overdue_tasks: int = 0
    reports_late: int = 0
    reports_missing: int = 0
    visits_done: int = 0
    visits_required: int = 0
    plans_short_of_visits: int = 0
    designation_id: int | None = None  # organization rows: the designation (one per round)
    plan_id: int | None = None
    division_id: int | None = None  # the row's division (an organization row: the organization's division)
    links: dict[str, str] = field(default_factory=dict)
    status_cells: list[tuple] = field(default_factory=list)  # (status, label, count, link) for the page

    def add(self, other: DashboardRow) -> None:
        self.total += other.total
        for status, n in other.by_status.items():
            self.by_status[status] = self.by_status.get(status, 0) + n
        for name in ("overdue_organizations", "overdue_tasks", "reports_late", "reports_missing", "visits_done",
                     "visits_required", "plans_short_of_visits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {
            "name": self.name, "level": self.level, "total": self.total,
            "by_status": {s: self.by_status.get(s, 0) for s in STATUSES},
            "overdue_organizations": self.overdue_organizations, "overdue_tasks": self.overdue_tasks,
            "reports_late": self.reports_late, "reports_missing": self.reports_missing,
            "visits_done": self.visits_done, "visits_required": self.visits_required,
            "plans_short_of_visits": self.plans_short_of_visits,
        }


@dataclass
class Dashboard:
    today: dt.date
    level: str
    totals: DashboardRow
    rows: list[DashboardRow]
    chart: dict


def row_level(user, county: Division | None) -> str:
    """Counties for province and city grants, townships for county grants, organizations below."""
    if county is not None:
        return TOWNSHIP
    if user.is_superuser:
        return COUNTY
    levels = {level for _role, _division, level in grants_for(user).divisions}
    if levels & {Level.PROVINCE, Level.CITY}:
        return COUNTY
    if Level.COUNTY in levels:
        return TOWNSHIP
    return ORGANIZATION


def dashboard(user, designations, *, today: dt.date, county: Division | None = None) -> Dashboard:
    """The numbers of ``designations`` (already scoped and filtered) grouped at the user's level."""
    level = row_level(user, county)
    rows = dashboard_figures(user, designations, today=today, level=level)
    return dashboard_of_rows(user, rows, level=level, county=county, designations=designations, today=today,
                             chart=progress_chart(designations, today=today))


def dashboard_figures(user, designations, *, today: dt.date, level: str) -> dict[int | None, DashboardRow]:
    """The dashboard's numbers of ``designations`` per ``level`` (county, township, organization), unnamed:
    one GROUP BY per figure (the progress selectors' for reports and visits)."""
    column = GROUP_COLUMN[level]
    rows: dict[int | None, DashboardRow] = {}

    def row(key) -> DashboardRow:
        if key not in rows:
            rows[key] = DashboardRow(key=key, name="", level=level)
        return rows[key]

    designations = designations.order_by()
    for values in designations.values(column, "status").annotate(n=Count("pk")):
        target = row(values[column])
        target.by_status[values["status"]] = values["n"]
        target.total += values["n"]
    for values in designations.filter(has_overdue_task(today)).values(column).annotate(n=Count("pk")):
        row(values[column]).overdue_organizations = values["n"]
    tasks = Task.objects.filter(overdue_tasks_q(today), plan__designation__in=designations.values("pk"))
    for values in tasks.order_by().values(column).annotate(n=Count("pk")):
        row(values[column]).overdue_tasks = values["n"]
    plans = Plan.objects.filter(designation__in=designations.values("pk"))
    for key, flags in report_flag_counts(user, today=today, plans=plans, group_by=column).items():
        if flags.late or flags.missing:
            row(key).reports_late += flags.late
            row(key).reports_missing += flags.missing
    for key, visits in visit_totals(user, today=today, plans=plans, group_by=column).items():
        target = row(key)
        target.visits_done += visits.done
        target.visits_required += visits.required
        target.plans_short_of_visits += visits.plans_short
    return rows


def dashboard_of_rows(user, rows: dict[int | None, DashboardRow], *, level: str, county: Division | None,
                      designations, today: dt.date, chart: dict) -> Dashboard:
    """Name the rows (``designations``: for organization rows), add the divisions without any, total."""
    _name_rows(rows, level, designations, _compared_divisions(user, level, county))
    totals = DashboardRow(key=None, name="", level="total")
    for value in rows.values():
        totals.add(value)
    ordered = sorted(rows.values(), key=lambda r: (r.name == "", r.name))
    return Dashboard(today=today, level=level, totals=totals, rows=ordered, chart=chart)


def _compared_divisions(user, level: str, county: Division | None):
    """The counties (or townships) of the user's scope a comparison lists, with or without designations."""
    if level == ORGANIZATION:
        return None
    divisions = Division.objects.visible_to(user).filter(level=level)
    return divisions.filter(county=county) if county is not None else divisions


def _name_rows(rows: dict, level: str, designations, divisions) -> None:
    """Name the rows; a county or township of the scope without any designation becomes a row of zeros
    (one query), so that divisions can be compared."""
    if level == ORGANIZATION:
        for pk, org_id, name, plan_id, division_id in designations.values_list(
                "pk", "organization_id", "organization__name", "plan__pk", "organization__division_id"):
            if org_id in rows:
                target = rows[org_id]
                target.name, target.designation_id, target.plan_id = name, pk, plan_id
                target.division_id = division_id
        return
    names = dict(divisions.values_list("pk", "name"))
    for key, name in names.items():
        if key not in rows:
            rows[key] = DashboardRow(key=key, name=name, level=level)
    unnamed = [key for key in rows if key and key not in names]
    if unnamed:
        names.update(Division.objects.filter(pk__in=unnamed).values_list("pk", "name"))
    for key, target in rows.items():
        target.name = names.get(key, "")
        target.division_id = key


def _period_of(year: int, month: int, months: int) -> tuple[int, int]:
    return year, (month - 1) // months * months + 1


CHART_KINDS = ("due", "done", "closed")


def chart_starts(today: dt.date, *, months: int = 2, periods: int = 6) -> list[tuple[int, int]]:
    """The (year, month) starts of the chart's ``periods`` calendar periods of ``months``, up to today's."""
    year, start_month = _period_of(today.year, today.month, months)
    starts = []
    for _period in range(periods):
        starts.append((year, start_month))
        start_month -= months
        if start_month < 1:
            start_month += 12
            year -= 1
    starts.reverse()
    return starts


def chart_series(designations, *, today: dt.date, group_by: str | None = None, months: int = 2,
                 periods: int = 6) -> dict[int | None, dict[str, list[int]]]:
    """Per ``group_by`` value (a Designation/Task column; None: one group), the chart's counts per period of
    ``chart_starts``: tasks due, tasks done, organizations closed out. Three GROUP BY queries."""
    starts = chart_starts(today, months=months, periods=periods)
    index = {start: i for i, start in enumerate(starts)}
    first = dt.date(*starts[0], 1)
    ids = designations.values("pk")
    series: dict[int | None, dict[str, list[int]]] = {}
    columns = (group_by,) if group_by else ()
    tasks = Task.objects.filter(plan__designation__in=ids).order_by()
    for kind, queryset, date_field in (
            ("due", tasks.filter(deadline__gte=first, deadline__lte=today), "deadline"),
            ("done", tasks.filter(status=TaskStatus.DONE, completed_on__gte=first, completed_on__lte=today),
             "completed_on"),
            ("closed", Designation.objects.filter(pk__in=ids, closed_out_on__gte=first, closed_out_on__lte=today)
             .order_by(), "closed_out_on")):
        for values in queryset.annotate(y=ExtractYear(date_field), m=ExtractMonth(date_field)).values(
                *columns, "y", "m").annotate(n=Count("pk")):
            key = values[group_by] if group_by else None
            counts = series.setdefault(key, {name: [0] * len(starts) for name in CHART_KINDS})
            counts[kind][index[_period_of(values["y"], values["m"], months)]] += values["n"]
    return series


def chart_of_series(series, *, today: dt.date, months: int = 2, periods: int = 6) -> dict:
    """The chart (labels and the three series) from the summed counts of ``chart_series`` groups."""
    starts = chart_starts(today, months=months, periods=periods)
    totals = {kind: [0] * len(starts) for kind in CHART_KINDS}
    for counts in series:
        for kind in CHART_KINDS:
            totals[kind] = [a + b for a, b in zip(totals[kind], counts[kind], strict=True)]
    # Periods before the first with anything in it take no room (none at all: an empty chart, not drawn).
    skip = 0
    while skip < len(starts) and not any(totals[kind][skip] for kind in CHART_KINDS):
        skip += 1
    return {
        "labels": [f"{y}.{m}–{m + months - 1}" if months > 1 else f"{y}.{m}" for y, m in starts[skip:]],
        **{kind: totals[kind][skip:] for kind in CHART_KINDS},
    }


def progress_chart(designations, *, today: dt.date, months: int = 2, periods: int = 6) -> dict:
    """Per calendar period of ``months`` (the bimonthly reports), up to today: tasks due, tasks done,
    organizations closed out. Three GROUP BY queries."""
    series = chart_series(designations, today=today, months=months, periods=periods)
    return chart_of_series(series.values(), today=today, months=months, periods=periods)


def dashboard_counties(user) -> list[Division]:
    return list(Division.objects.visible_to(user).filter(level=Level.COUNTY).order_by("code"))
