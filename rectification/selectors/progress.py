"""Reads of the progress area, each starting from ``visible_to(user)``, with bounded query counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateField, F, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import Division
from organizations.permissions import can
from organizations.policies import ORGANIZATION_CHAIN_FIELDS, PolicyBook

from .. import periods
from ..models import (
    RECTIFIED_STATUSES,
    ContactVisit,
    EvidenceFile,
    PeriodReport,
    Plan,
    ProgressEntry,
    ReportStatus,
)

# ---------------------------------------------------------------------------------------------- report flags

MISSING, LATE, ON_TIME, OPEN = "missing", "late", "on_time", "open"


def report_flag(*, status: str | None, due_on: dt.date, submitted_at, today: dt.date) -> str:
    """missing: past due and not submitted; late: submitted after its due date; open: not yet due."""
    if status == ReportStatus.SUBMITTED and submitted_at is not None:
        return LATE if timezone.localdate(submitted_at) > due_on else ON_TIME
    return MISSING if due_on < today else OPEN


@dataclass
class ReportItem:
    plan_id: int
    organization_id: int
    organization_name: str
    county_id: int
    township_id: int | None
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    flag: str
    report_id: int | None = None
    submitted_at: dt.datetime | None = None


@dataclass
class FlagCount:
    division_id: int | None
    name: str
    due: int = 0  # periods past their due date (the ones that must be submitted by now)
    on_time: int = 0
    late: int = 0
    missing: int = 0
    open: int = 0

    def add(self, flag: str) -> None:
        setattr(self, flag, getattr(self, flag) + 1)
        if flag != OPEN:
            self.due += 1


@dataclass
class ReportFlags:
    today: dt.date
    items: list[ReportItem] = field(default_factory=list)
    by_county: list[FlagCount] = field(default_factory=list)
    by_township: list[FlagCount] = field(default_factory=list)

    @property
    def late(self) -> list[ReportItem]:
        return [i for i in self.items if i.flag == LATE]

    @property
    def missing(self) -> list[ReportItem]:
        return [i for i in self.items if i.flag == MISSING]


_PLAN_FIELDS = ("pk", "organization_id", "organization__name", "county_id", "township_id", "designation__status",
                "designation__confirmed_at", "designation__closed_out_on") + tuple(
    f"organization__{name}" for name in ORGANIZATION_CHAIN_FIELDS)


def late_and_missing_reports(user, *, today: dt.date, plans=None, flags=(MISSING, LATE)) -> ReportFlags:
    """The late and missing reports of the visible plans as of ``today``, with counts per county and township.

    Every period each plan must report on up to ``today`` is flagged; ``flags`` chooses which items are
    listed (the counts always cover every flag). ``plans`` narrows the visible plans (a filtered
    queryset). Four queries whatever the number of plans."""
    queryset = Plan.objects.visible_to(user) if plans is None else plans & Plan.objects.visible_to(user)
    reporting = queryset.filter(designation__status__in=periods.REPORTING_STATUSES)
    rows = list(reporting.values_list(*_PLAN_FIELDS).order_by("organization__division__code", "pk"))
    book = PolicyBook(periods.REPORT_POLICY_KEYS)
    reports: dict[int, list[tuple]] = defaultdict(list)
    for report in PeriodReport.objects.filter(plan_id__in=reporting.values("pk")).values_list(
            "plan_id", "pk", "period_start", "period_end", "status", "submitted_at").order_by("period_start"):
        reports[report[0]].append(report[1:])
    result = ReportFlags(today=today)
    counties: dict[int, FlagCount] = {}
    townships: dict[int | None, FlagCount] = {}
    for pk, org_id, org_name, county_id, township_id, status, confirmed_at, closed_out_on, *chain in rows:
        values = book.for_chain(chain)
        expected = periods.expected_periods(
            status=status, confirmed_on=timezone.localdate(confirmed_at) if confirmed_at else None,
            closed_out_on=closed_out_on, today=today, interval_months=int(values["report_interval_months"]),
            grace_days=int(values["report_grace_days"]))
        for period in expected:
            # The report of this period: same start, or (after a policy change) one overlapping it.
            match = next((r for r in reports[pk] if r[1] == period.start), None) or next(
                (r for r in reports[pk] if r[3] == ReportStatus.SUBMITTED and r[1] <= period.end
                 and r[2] >= period.start), None)
            flag = report_flag(status=match[3] if match else None, due_on=period.due_on,
                               submitted_at=match[4] if match else None, today=today)
            counties.setdefault(county_id, FlagCount(county_id, "")).add(flag)
            townships.setdefault(township_id, FlagCount(township_id, "")).add(flag)
            if flag in flags:
                result.items.append(ReportItem(pk, org_id, org_name, county_id, township_id, period.start,
                                               period.end, period.due_on, flag, match[0] if match else None,
                                               match[4] if match else None))
    names = dict(Division.objects.filter(pk__in=[k for k in [*counties, *townships] if k]).values_list("pk", "name"))
    for count in [*counties.values(), *townships.values()]:
        count.name = names.get(count.division_id, "")
    result.by_county = sorted(counties.values(), key=lambda c: c.name)
    result.by_township = sorted(townships.values(), key=lambda c: c.name)
    result.items.sort(key=lambda i: (i.due_on, i.organization_name))
    return result


@dataclass
class FlagTotal:
    late: int = 0
    missing: int = 0


def report_flag_counts(user, *, today: dt.date, plans=None, group_by: str = "county_id") -> dict[int | None, FlagTotal]:
    """The late and missing reports of ``late_and_missing_reports`` counted per ``group_by`` (a Plan column)
    in SQL, without a row per plan or per period in Python.

    The periods a plan must report on depend only on its status, confirmation and close-out dates and its
    policy: the plans are grouped by those (one GROUP BY) and each group's periods past due counted once.
    A plan whose every report covers exactly one period of its policy (the rule's usual case) has a period
    matched by the submitted report of that period, if any: those are counted by the report's period end
    and submission day (one GROUP BY). The plans with a report of another length or alignment (the policy
    changed since) keep the per-plan matching of ``late_and_missing_reports``, on those plans only."""
    from django.db.models.functions import TruncDate

    queryset = Plan.objects.visible_to(user) if plans is None else plans & Plan.objects.visible_to(user)
    reporting = queryset.filter(designation__status__in=periods.REPORTING_STATUSES, designation__confirmed_at__isnull=False)
    book = PolicyBook(periods.REPORT_POLICY_KEYS)
    plan_chain = book.chain_expressions("organization__")
    report_chain = book.chain_expressions("plan__organization__")
    reports = PeriodReport.objects.filter(plan__in=reporting.values("pk")).order_by()

    def policy(values, chain) -> tuple[int, int]:
        found = book.for_chain([values[name] for name in chain])
        return int(found["report_interval_months"]), int(found["report_grace_days"])

    # Plans with a report that is not exactly one period of their policy: the per-plan rule.
    odd = []
    for row in reports.annotate(**report_chain).values("period_start", "period_end", *report_chain).distinct():
        interval, _grace = policy(row, report_chain)
        period = periods.period_of(row["period_start"], interval_months=interval, grace_days=0)
        if (period.start, period.end) != (row["period_start"], row["period_end"]):
            odd.append(Q(period_start=row["period_start"], period_end=row["period_end"],
                         **{name: row[name] for name in report_chain}))
    odd_plans = set()
    if odd:
        combined = odd[0]
        for condition in odd[1:]:
            combined |= condition
        odd_plans = set(reports.annotate(**report_chain).filter(combined).values_list("plan_id", flat=True))
    totals: dict[int | None, FlagTotal] = {}
    if odd_plans:
        for item in late_and_missing_reports(user, today=today, plans=queryset.filter(pk__in=odd_plans)).items:
            total = totals.setdefault(getattr(item, group_by), FlagTotal())
            if item.flag == LATE:
                total.late += 1
            elif item.flag == MISSING:
                total.missing += 1
        reporting = reporting.exclude(pk__in=odd_plans)
        reports = reports.exclude(plan_id__in=odd_plans)

    # Periods past due, per group of plans with the same dates and policy: missing unless matched below.
    expected_due: dict[tuple, int] = {}
    for row in reporting.order_by().annotate(confirmed_on=TruncDate("designation__confirmed_at"), **plan_chain).values(
            group_by, "designation__status", "confirmed_on", "designation__closed_out_on", *plan_chain).annotate(
            n=Count("pk")):
        interval, grace = policy(row, plan_chain)
        key = (row["designation__status"], row["confirmed_on"], row["designation__closed_out_on"], interval, grace)
        if key not in expected_due:
            expected_due[key] = sum(1 for period in periods.expected_periods(
                status=key[0], confirmed_on=key[1], closed_out_on=key[2], today=today, interval_months=interval,
                grace_days=grace) if period.due_on < today)
        totals.setdefault(row[group_by], FlagTotal()).missing += expected_due[key] * row["n"]
    # The submitted reports of those periods: the plan's window is [confirmed_on, today or its close-out].
    ongoing = Q(plan__designation__status__in=periods.ONGOING_STATUSES) | Q(plan__designation__closed_out_on__isnull=True)
    submitted = reports.filter(status=ReportStatus.SUBMITTED, submitted_at__isnull=False).annotate(
        confirmed_on=TruncDate("plan__designation__confirmed_at"), submitted_on=TruncDate("submitted_at"),
        **report_chain).filter(
        Q(period_end__gte=F("confirmed_on")), Q(period_start__lte=today), Q(confirmed_on__lte=today),
        ongoing | Q(period_start__lte=F("plan__designation__closed_out_on"),
                    plan__designation__closed_out_on__gte=F("confirmed_on")))
    for row in submitted.annotate(late_on=Case(When(submitted_on__gt=F("period_end"), then=F("submitted_on")),
                                               default=None, output_field=DateField())).values(
            f"plan__{group_by}", "period_end", "late_on", *report_chain).annotate(n=Count("pk")):
        _interval, grace = policy(row, report_chain)
        due_on = row["period_end"] + dt.timedelta(days=grace)
        total = totals.setdefault(row[f"plan__{group_by}"], FlagTotal())
        if row["late_on"] is not None and row["late_on"] > due_on:
            total.late += row["n"]
        if due_on < today:
            total.missing -= row["n"]
    return totals


# ------------------------------------------------------------------------------------------ report pages


def report_queryset(user):
    return PeriodReport.objects.visible_to(user).select_related(
        "plan__designation__round", "organization__division", "township", "county", "submitted_by")


def report_view_content(report: PeriodReport) -> dict:
    """The frozen snapshot of a submitted report; the live content of a draft."""
    if report.status == ReportStatus.SUBMITTED:
        return report.snapshot or {}
    from ..services.reports import report_content

    return report_content(report)


def previous_report(report: PeriodReport) -> PeriodReport | None:
    return PeriodReport.objects.filter(plan_id=report.plan_id, status=ReportStatus.SUBMITTED,
                                       period_start__lt=report.period_start).order_by("-period_start").first()


@dataclass
class ReportChanges:
    previous: PeriodReport | None
    newly_done: list[dict] = field(default_factory=list)
    progressed: list[dict] = field(default_factory=list)  # each with before, after, delta
    new_tasks: list[dict] = field(default_factory=list)
    entries_now: int = 0
    entries_before: int = 0
    visits_now: int = 0
    visits_before: int = 0

    @property
    def entries_delta(self) -> int:
        return self.entries_now - self.entries_before


def report_changes(report: PeriodReport, content: dict | None = None) -> ReportChanges:
    """What changed since the previous submitted report of the plan: tasks newly done, progress, entries."""
    content = content if content is not None else report_view_content(report)
    previous = previous_report(report)
    changes = ReportChanges(previous=previous, entries_now=len(content.get("entries", [])),
                            visits_now=content.get("visits_count", 0))
    before_tasks = {}
    if previous is not None:
        before = previous.snapshot or {}
        before_tasks = {t["id"]: t for t in before.get("tasks", [])}
        changes.entries_before = len(before.get("entries", []))
        changes.visits_before = before.get("visits_count", 0)
    for task in content.get("tasks", []):
        old = before_tasks.get(task["id"])
        if old is None:
            if previous is not None:
                changes.new_tasks.append(task)
            if task["status"] == "done":
                changes.newly_done.append(task)
            continue
        if task["status"] == "done" and old["status"] != "done":
            changes.newly_done.append(task)
        if task["progress"] != old["progress"]:
            changes.progressed.append({**task, "before": old["progress"], "after": task["progress"],
                                       "delta": task["progress"] - old["progress"]})
    return changes


# --------------------------------------------------------------------------------------------- plan panel

PANEL_ENTRIES = 5


@dataclass
class VisitTally:
    done: int
    required: int

    @property
    def short(self) -> int:
        return max(0, self.required - self.done)

    @property
    def met(self) -> bool:
        return self.done >= self.required


@dataclass
class PlanPanel:
    plan: Plan
    today: dt.date
    entries: list[ProgressEntry]
    entry_count: int
    reports: list[tuple[PeriodReport | None, periods.Period, str]]  # (report row or None, period, flag)
    current_period: periods.Period | None
    visits: VisitTally
    recent_visits: list[ContactVisit]
    progress_open: bool
    can_add_progress: bool
    can_log_visit: bool
    can_submit_reports: bool
    unprepared: int  # expected periods without a report row yet


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def plan_progress_panel(user, plan: Plan, *, today: dt.date | None = None) -> PlanPanel:
    """The progress block of a plan page: latest entries, reports with flags, this month's visits."""
    from ..services.progress import progress_open

    today = today or timezone.localdate()
    plan = Plan.objects.visible_to(user).select_related("designation", "organization").get(pk=plan.pk)
    entries_qs = ProgressEntry.objects.visible_to(user).filter(plan=plan)
    entries = list(entries_qs.select_related("task", "author").prefetch_related(
        Prefetch("evidence", queryset=EvidenceFile.objects.order_by("pk")))[:PANEL_ENTRIES])
    # One read of the policy settings for the reports' and the visits' values.
    values = PolicyBook(dict.fromkeys([*periods.REPORT_POLICY_KEYS, *VISIT_POLICY_KEYS])).for_organization(
        plan.organization)
    designation = plan.designation
    expected = periods.expected_periods(
        status=designation.status, confirmed_on=periods.confirmed_on(designation),
        closed_out_on=designation.closed_out_on, today=today,
        interval_months=int(values["report_interval_months"]), grace_days=int(values["report_grace_days"]))
    rows = {r.period_start: r for r in PeriodReport.objects.visible_to(user).filter(plan=plan)}
    reports = []
    for period in expected:
        row = rows.pop(period.start, None)
        reports.append((row, period, report_flag(status=row.status if row else None, due_on=period.due_on,
                                                 submitted_at=row.submitted_at if row else None, today=today)))
    for row in rows.values():  # reports of periods no longer expected (policy changed): still shown
        period = periods.Period(row.period_start, row.period_end, row.due_on)
        reports.append((row, period, report_flag(status=row.status, due_on=row.due_on,
                                                 submitted_at=row.submitted_at, today=today)))
    reports.sort(key=lambda r: r[1].start, reverse=True)
    first, last = month_bounds(today)
    visits_qs = ContactVisit.objects.visible_to(user).filter(plan=plan)
    month_count = visits_qs.filter(visited_on__gte=first, visited_on__lte=last).count()
    current = next((p for p in expected if p.contains(today)), None)
    return PlanPanel(
        plan=plan, today=today, entries=entries, entry_count=entries_qs.count(), reports=reports,
        current_period=current,
        visits=VisitTally(month_count, visits_required(designation.status, values)),
        recent_visits=list(visits_qs.select_related("leader")[:3]),
        progress_open=progress_open(plan),
        can_add_progress=can(user, "progress", "create", plan),
        can_log_visit=can(user, "visit", "create", plan) or can(user, "visit", "record", plan),
        can_submit_reports=can(user, "report", "submit", plan),
        unprepared=sum(1 for row, _p, _f in reports if row is None),
    )


# ------------------------------------------------------------------------------------------------ visits

#: The policy values of the visit requirement.
VISIT_POLICY_KEYS = ["contact_visits_per_month", "visits_after_closeout"]
#: Who logs visits: the leader's own account ("visit"/"create") or for the leader ("visit"/"record").
VISIT_WRITERS = ("contact_leader", "county_admin", "township_organizer")


def visits_required(status: str, values: dict) -> int:
    """The visits a month an organization in ``status`` needs: the policy's number while it is in rectification
    (before close-out); after close-out none, unless the policy ``visits_after_closeout`` says so."""
    if status in periods.ONGOING_STATUSES or (values.get("visits_after_closeout") and status in RECTIFIED_STATUSES):
        return int(values["contact_visits_per_month"])
    return 0


@dataclass
class VisitRow:
    plan: Plan
    done: int
    required: int
    can_log: bool
    #: This month's visits that solved no problem (seed 001: 1-2 per visit), counted apart.
    solved_nothing: int = 0

    @property
    def short(self) -> int:
        return max(0, self.required - self.done)


def visits_against_policy(user, *, today: dt.date, plans=None) -> list[VisitRow]:
    """Visible plans in rectification or later with this month's visits against the policy (3 queries + grants)."""

    first, last = month_bounds(today)
    queryset = Plan.objects.visible_to(user) if plans is None else plans & Plan.objects.visible_to(user)
    month = Q(visits__visited_on__gte=first, visits__visited_on__lte=last)
    queryset = queryset.filter(designation__status__in=periods.REPORTING_STATUSES).select_related(
        "organization", "designation").annotate(
        month_visits=Count("visits", filter=month),
        month_solved_nothing=Count("visits", filter=month & Q(visits__problems_solved_count=0)),
    ).order_by("organization__division__code")
    writable = set(Plan.objects.visible_to(user, roles=list(VISIT_WRITERS)).values_list("pk", flat=True)) \
        if not user.is_superuser else None
    book = PolicyBook(VISIT_POLICY_KEYS)
    rows = []
    for plan in queryset:
        values = book.for_organization(plan.organization)
        rows.append(VisitRow(plan, plan.month_visits, visits_required(plan.designation.status, values),
                             can_log=writable is None or plan.pk in writable,
                             solved_nothing=plan.month_solved_nothing))
    return rows


@dataclass
class VisitTotal:
    """The visits of a group of plans this month: done, required and the plans short of the policy."""

    done: int = 0
    required: int = 0
    plans_short: int = 0


def visit_totals(user, *, today: dt.date, plans=None, group_by: str = "county_id") -> dict[int | None, VisitTotal]:
    """``visits_against_policy`` summed per ``group_by`` (a Plan column: county_id, township_id,
    organization_id) in SQL: one GROUP BY by the group, the designation status, the plan's visits this month
    and the divisions whose policy applies (a handful of rows whatever the number of plans), then the rule
    (``visits_required``) per group. Two queries."""
    first, last = month_bounds(today)
    queryset = Plan.objects.visible_to(user) if plans is None else plans & Plan.objects.visible_to(user)
    month = ContactVisit.objects.filter(plan=OuterRef("pk"), visited_on__gte=first, visited_on__lte=last).order_by(
        ).values("plan").annotate(n=Count("pk")).values("n")
    book = PolicyBook(VISIT_POLICY_KEYS)
    chain = book.chain_expressions("organization__")
    groups = queryset.filter(designation__status__in=periods.REPORTING_STATUSES).order_by().annotate(
        month_visits=Coalesce(Subquery(month), 0), **chain).values(
        group_by, "designation__status", "month_visits", *chain).annotate(n=Count("pk"))
    totals: dict[int | None, VisitTotal] = {}
    for row in groups:
        required = visits_required(row["designation__status"], book.for_chain([row[name] for name in chain]))
        total = totals.setdefault(row[group_by], VisitTotal())
        total.done += row["month_visits"] * row["n"]
        total.required += required * row["n"]
        total.plans_short += row["n"] if row["month_visits"] < required else 0
    return totals


def visits_this_month(user, plan: Plan, *, today: dt.date | None = None) -> VisitTally:
    today = today or timezone.localdate()
    first, last = month_bounds(today)
    done = ContactVisit.objects.visible_to(user).filter(plan=plan, visited_on__gte=first,
                                                        visited_on__lte=last).count()
    values = PolicyBook(VISIT_POLICY_KEYS).for_organization(plan.organization)
    return VisitTally(done, visits_required(plan.designation.status, values))
