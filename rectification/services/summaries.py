"""Making the bimonthly progress reports (双月报告汇总) of a county and its townships.

Upserted on (division, period start): running the job twice leaves one report per division and period,
and running it again refreshes the figures and the workbook. Each report stores the policy values used,
links the report of the period before and carries an Excel workbook for the level above.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Division, NotificationKind, RoleAssignment, User
from organizations.notifications import notify
from organizations.roles import Role

from .. import summary_reports as figures_of
from ..models import SummaryReport
from ..periods import Period
from ..summary_workbook import build_workbook


def period_label(start: dt.date, end: dt.date) -> str:
    return _("%(start)s to %(end)s") % {"start": f"{start.year}年{start.month}月{start.day}日",
                                         "end": f"{end.year}年{end.month}月{end.day}日"}


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
    divisions = {d.pk: d for d in Division.objects.filter(pk__in=township_ids)}
    divisions[county.pk] = county
    label = period_label(period.start, period.end)
    title = _("Bimonthly progress report")

    def upsert(division_id: int, figures: dict, sheets) -> SummaryReport:
        before = previous.get(division_id)
        figures = {**figures, "deltas": figures_of.deltas(figures, before.figures if before else None)}
        report, _created = SummaryReport.objects.update_or_create(
            division_id=division_id, period_start=period.start,
            defaults={"county": county, "period_end": period.end, "figures": figures, "policy": policy,
                      "previous": before})
        content = build_workbook(title=title, period_label=label, sheets=sheets(figures))
        division = divisions[division_id]
        # The same file name each refresh: the previous file is replaced, not piled up.
        if report.workbook.name and report.workbook.storage.exists(report.workbook.name):
            report.workbook.storage.delete(report.workbook.name)
        report.workbook.save(f"summary-{division.code}-{period.start:%Y%m%d}.xlsx", ContentFile(content),
                             save=False)
        SummaryReport.objects.filter(pk=report.pk).update(workbook=report.workbook.name)
        return report

    township_reports = []
    for township_id in township_ids:
        figures = computed.townships[township_id]
        name = computed.township_names.get(township_id, "")
        before = previous.get(township_id)
        township_reports.append(upsert(township_id, figures, lambda f, n=name, b=before: [
            (n, f, b.figures if b else None)]))
    county_before = previous.get(county.pk)

    def county_sheets(figures):
        sheets = [(_("County totals"), figures, county_before.figures if county_before else None)]
        for report in township_reports:
            before = previous.get(report.division_id)
            sheets.append((computed.township_names.get(report.division_id, ""), report.figures,
                           before.figures if before else None))
        return sheets

    county_report = upsert(county.pk, computed.county_figures, county_sheets)
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
