"""Period reports: drafts prepared per plan and period (idempotent), frozen when submitted."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.policies import PolicyBook, effective_policy, organization_chain
from organizations.services.common import by, require

from .. import periods
from ..models import ContactVisit, PeriodReport, Plan, ReportStatus, Task


def _policy_values(plan: Plan) -> dict:
    return effective_policy(plan.organization.division).snapshot(periods.REPORT_POLICY_KEYS)


def _period_for(plan: Plan, period_start: dt.date, values: dict) -> periods.Period:
    interval, grace = int(values["report_interval_months"]), int(values["report_grace_days"])
    if not periods.is_period_start(period_start, interval_months=interval):
        raise ValidationError(_("%(date)s does not start a report period (every %(months)s months from January).")
                              % {"date": date_format(period_start, "DATE_FORMAT"), "months": interval})
    return periods.period_of(period_start, interval_months=interval, grace_days=grace)


def report_prepare(*, plan: Plan, period_start: dt.date, policy_values: dict | None = None) -> PeriodReport:
    """The plan's report of the period starting ``period_start``, created as a draft if it has none.

    Idempotent on (plan, period_start): running it again (or concurrently) returns the same row.
    A system step (the periodic job, the plan page): it checks no role.
    """
    values = policy_values or _policy_values(plan)
    period = _period_for(plan, period_start, values)
    existing = PeriodReport.objects.filter(plan=plan, period_start=period.start).first()
    if existing is not None:
        return existing
    report = PeriodReport(plan=plan, period_start=period.start, period_end=period.end, due_on=period.due_on,
                          status=ReportStatus.DRAFT)
    report.copy_scope_from(plan)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # created meanwhile by another worker
        return PeriodReport.objects.get(plan=plan, period_start=period.start)
    return report


def reports_ensure(*, plan: Plan, today: dt.date | None = None, policy_values: dict | None = None
                   ) -> list[PeriodReport]:
    """Drafts for every period the plan must report on up to today's (past-due ones included)."""
    today = today or timezone.localdate()
    values = policy_values or _policy_values(plan)
    designation = plan.designation
    expected = periods.expected_periods(
        status=designation.status, confirmed_on=periods.confirmed_on(designation),
        closed_out_on=designation.closed_out_on, today=today,
        interval_months=int(values["report_interval_months"]), grace_days=int(values["report_grace_days"]))
    have = {r.period_start: r for r in PeriodReport.objects.filter(
        plan=plan, period_start__in=[p.start for p in expected])}
    return [have.get(p.start) or report_prepare(plan=plan, period_start=p.start, policy_values=values)
            for p in expected]


def report_content(report: PeriodReport) -> dict:
    """What a report of this period holds now: its entries, every task of the plan, visits."""
    entries = list(report.plan.progress_entries.filter(
        happened_on__gte=report.period_start, happened_on__lte=report.period_end)
        .select_related("task", "author").annotate(evidence_count=Count("evidence")).order_by("happened_on", "pk"))
    tasks = list(Task.objects.filter(plan_id=report.plan_id).select_related("measure", "cycle")
                 .order_by("cycle__number", "measure__sort_order", "deadline", "pk"))
    visits = ContactVisit.objects.filter(plan_id=report.plan_id, visited_on__gte=report.period_start,
                                         visited_on__lte=report.period_end).count()
    return {
        "period": [report.period_start.isoformat(), report.period_end.isoformat()],
        "entries": [{"id": e.pk, "happened_on": e.happened_on.isoformat(), "content": e.content,
                     "task_id": e.task_id, "task": e.task.title if e.task else "",
                     "author": e.author.display_name if e.author else "", "evidence_count": e.evidence_count}
                    for e in entries],
        "tasks": [{"id": t.pk, "title": t.title, "measure": t.measure.title, "cycle": t.cycle.number,
                   "owner": t.owner_name, "deadline": t.deadline.isoformat(), "status": t.status,
                   "progress": t.progress, "completed_on": t.completed_on.isoformat() if t.completed_on else None}
                  for t in tasks],
        "visits_count": visits,
    }


#: The policy deciding how many days before its period's end a report may be submitted (0: after the end).
SUBMIT_POLICY_KEY = "report_submit_days_before_end"


def submit_opens_on(period_end: dt.date, days_before_end: int) -> dt.date:
    """The first day a report of a period ending ``period_end`` may be submitted."""
    return period_end + dt.timedelta(days=1 - max(0, int(days_before_end)))


def report_submit_opens_on(report: PeriodReport, values: dict | None = None) -> dt.date:
    """The first day ``report`` may be submitted, from the policy of its organization's division."""
    if values is None:
        values = PolicyBook([SUBMIT_POLICY_KEY]).for_organization(report.plan.organization)
    return submit_opens_on(report.period_end, values[SUBMIT_POLICY_KEY])


def submit_too_early_message(report: PeriodReport, opens_on: dt.date) -> str:
    return _("The report of %(period)s can be submitted from %(date)s: a report covers its whole period and is "
             "frozen once submitted.") % {"period": periods.period_label(report.period_start, report.period_end),
                                          "date": official_date(opens_on)}


@transaction.atomic
def report_submit(*, user, report: PeriodReport, summary: str, today: dt.date | None = None) -> PeriodReport:
    """Freeze the report: its content and the policy values used are stored and never change again."""
    today = today or timezone.localdate()
    report = PeriodReport.objects.select_for_update().select_related("plan__organization__division").get(
        pk=report.pk)
    require(user, "report", "submit", report)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError(_("This report was submitted on %(date)s and can no longer be changed.") % {
            "date": date_format(timezone.localdate(report.submitted_at), "DATE_FORMAT")})
    if today < report.period_start:
        raise ValidationError(_("This period has not started yet."))
    opens_on = report_submit_opens_on(report)
    if today < opens_on:
        raise ValidationError(submit_too_early_message(report, opens_on))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Summarise the progress of the period.")})
    report.summary = summary
    report.snapshot = report_content(report)
    report.policy = _policy_values(report.plan)
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = user
    report.submitted_at = timezone.now()
    by(report, user).save()
    return report


@transaction.atomic
def report_draft_save(*, user, report: PeriodReport, summary: str) -> PeriodReport:
    """Keep the summary typed so far on a draft (起草): the report stays open until it is submitted."""
    report = PeriodReport.objects.select_for_update().get(pk=report.pk)
    require(user, "report", "submit", report)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError(_("This report was submitted on %(date)s and can no longer be changed.") % {
            "date": date_format(timezone.localdate(report.submitted_at), "DATE_FORMAT")})
    summary = (summary or "").strip()
    if report.summary != summary:
        report.summary = summary
        by(report, user).save()
    return report


def county_ids_with_reporting_plans() -> list[int]:
    """The counties with plans in rectification: those the daily preparation fans out to."""
    return sorted(set(Plan.objects.filter(designation__status__in=periods.ONGOING_STATUSES).values_list(
        "county_id", flat=True)))


def prepare_county_reports(county_id: int, today: dt.date) -> int:
    """Make sure every plan in rectification in the county has drafts of its current and past-due periods.

    Idempotent: a second run finds the rows (unique on plan and period start) and creates nothing.
    The policy values are resolved once per organization chain (``PolicyBook``), not once per plan.
    Returns the number of report rows checked.
    """
    book = PolicyBook(periods.REPORT_POLICY_KEYS)
    checked = 0
    plans = Plan.objects.filter(county_id=county_id, designation__status__in=periods.ONGOING_STATUSES).select_related(
        "designation", "organization").order_by("pk")
    for plan in plans.iterator(chunk_size=500):
        values = book.for_chain(organization_chain(plan.organization))
        checked += len(reports_ensure(plan=plan, today=today, policy_values=values))
    return checked
