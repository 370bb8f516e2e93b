"""Making the bimonthly progress reports (双月报告汇总) of a county and its townships.

Upserted on (division, period start): running the job twice leaves one report per division and period,
and running it again refreshes the figures and the workbook. Each report stores the policy values used,
links the report of the period before and carries an Excel workbook for the level above.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Division, NotificationKind, RoleAssignment, User
from organizations.roles import Role
from organizations.services.notifications import notify

from ..exports.bimonthly_reports import build_workbook, county_sheets
from ..models import SummaryReport
from ..periods import Period, period_label
from ..selectors import bimonthly_reports as figures_of
from .stored_files import replace_file


def _previous_reports(division_ids: list[int], start: dt.date) -> dict[int, SummaryReport]:
    previous: dict[int, SummaryReport] = {}
    for report in SummaryReport.objects.filter(division_id__in=division_ids, period_start__lt=start).order_by(
            "division_id", "-period_start"):
        previous.setdefault(report.division_id, report)
    return previous


@transaction.atomic
def summary_reports_make(*, county: Division, today: dt.date | None = None,
                         period: Period | None = None) -> list[SummaryReport]:
    """Make (or refresh) the reports of ``county`` and its townships for ``period`` (by default the period
    that just ended). Returns the reports, the county's first."""
    today = today or timezone.localdate()
    policy = figures_of.effective_policy(county).snapshot(figures_of.SUMMARY_POLICY_KEYS)
    period = period or figures_of.last_ended_period(county, today, policy)
    computed = figures_of.county_figures(county, period=period, today=today, policy=policy)
    township_ids = sorted(computed.townships, key=lambda pk: computed.township_names.get(pk, ""))
    previous = _previous_reports([county.pk, *township_ids], period.start)
    label = period_label(period.start, period.end)
    figures_by_division = {county.pk: computed.county_figures, **computed.townships}
    rows = []
    for division_id, figures in figures_by_division.items():
        before = previous.get(division_id)
        rows.append(SummaryReport(
            division_id=division_id, county=county, period_start=period.start, period_end=period.end,
            figures={**figures, "deltas": figures_of.deltas(figures, before.figures if before else None)},
            policy=policy, previous=before))
    # One upsert on (division, period start): a second run, or a concurrent one, updates the same rows.
    SummaryReport.objects.bulk_create(rows, update_conflicts=True, unique_fields=["division", "period_start"],
                                      update_fields=["county", "period_end", "figures", "policy", "previous",
                                                     "generated_at"])
    reports = {r.division_id: r for r in SummaryReport.objects.filter(
        division_id__in=list(figures_by_division), period_start=period.start).select_related("previous")}
    county_report = reports[county.pk]
    township_reports = [reports[pk] for pk in township_ids]
    # The county's workbook (county totals and one sheet per township) is stored with the report; a township's
    # own workbook is made from its figures when downloaded (exports.bimonthly_reports.report_workbook).
    content = build_workbook(title=_("Bimonthly progress report"), period_label=label,
                             sheets=county_sheets(county_report, township_reports, computed.township_names),
                             county=county, computed_at=county_report.generated_at)
    replace_file(county_report.workbook, f"summary-{county.code}-{period.start:%Y%m%d}.xlsx", content)
    SummaryReport.objects.filter(pk=county_report.pk).update(workbook=county_report.workbook.name)
    _tell_county_admins(county, county_report, label)
    return [county_report, *township_reports]


def _tell_county_admins(county: Division, report: SummaryReport, label: str) -> None:
    user_ids = RoleAssignment.objects.filter(role=Role.COUNTY_ADMIN, division=county).values("user_id")
    notify(users=User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"),
           kind=NotificationKind.REPORT_READY,
           title=_("Bimonthly progress report of %(county)s ready") % {"county": county.name},
           body=label, url=reverse("rectification:summary", args=[report.pk]),
           dedupe_key=f"summary:{county.pk}:{report.period_start.isoformat()}")


def make_county_summary_reports(county_id: int, today: str | None = None) -> dict:
    """The job (scheduled, run now, management command): the reports of one county for the period that just
    ended. Returns what it made, for the job run record."""
    county = Division.objects.get(pk=county_id)
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    reports = summary_reports_make(county=county, today=day)
    first = reports[0]
    return {"reports": len(reports), "period_start": first.period_start.isoformat(),
            "period_end": first.period_end.isoformat()}
