"""The Excel workbook of a bimonthly progress report: one sheet of figures per township and the county totals.

Each sheet lists the figures of the period, the previous period's and the change. Written with the kernel's
writer (organizations.exports.excel) into memory, then saved to the report's file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.exports.excel import (
    Letterhead,
    SheetWriter,
    issuing_unit,
    new_workbook,
    unique_sheet_title,
)

from ..models import DesignationStatus
from ..selectors.dashboard import STATUSES


def figure_rows(figures: dict) -> list[tuple[str, str]]:
    """(key, label) of every figure shown, in order; status counts keyed ``status:<value>``."""
    labels = dict(DesignationStatus.choices)
    rows = [("total", _("Organizations listed"))]
    rows += [(f"status:{status}", str(labels[status])) for status in STATUSES]
    rows += [
        ("overdue_organizations", _("Organizations with overdue tasks")),
        ("overdue_tasks", _("Overdue tasks")),
        ("reports_late", _("Late period reports")),
        ("reports_missing", _("Missing period reports")),
        ("plans_reporting", _("Plans reporting in the period")),
        ("visits_done", _("Contact-leader visits in the period")),
        ("visits_required", _("Contact-leader visits required by the policy")),
        ("plans_short_of_visits", _("Plans short of visits")),
    ]
    return rows


def figure_value(figures: dict | None, key: str):
    if not figures:
        return None
    if key.startswith("status:"):
        return figures.get("by_status", {}).get(key.split(":", 1)[1], 0)
    return figures.get(key, 0)


def build_workbook(*, title: str, period_label: str, sheets: Iterable[tuple[str, dict, dict | None]],
                   county=None, computed_at=None) -> bytes:
    """``sheets``: (sheet name, figures, previous figures or None). Returns the .xlsx bytes.

    The letterhead's 数据截至 is ``computed_at``, when the figures were computed (the report's
    ``generated_at``), not the day the workbook is downloaded; the county's organization department makes it."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, in_memory=True)
    columns = [(_("Figure"), 36), (_("This period"), 14), (_("Previous period"), 14), (_("Change"), 14)]
    used: set[str] = set()
    made_on = timezone.localtime(computed_at).date() if computed_at else None
    for name, figures, previous in sheets:
        judged = figures.get("as_of", "")
        letterhead = Letterhead(
            subject=f"{title}·{name}", whose=county.name if county else "", period=period_label,
            unit=issuing_unit(county), as_of=computed_at, made_on=made_on,
            notes=(_("Overdue tasks and late or missing reports judged as of %(day)s")
                   % {"day": official_date(dt.date.fromisoformat(judged)) if judged else ""},))
        writer = SheetWriter(workbook, name, columns, landscape=False, sheet_title=unique_sheet_title(name, used),
                             letterhead=letterhead)
        for key, label in figure_rows(figures):
            value = figure_value(figures, key)
            before = figure_value(previous, key)
            writer.write((label, value, before, None if before is None else value - before))
    workbook.close()
    return buffer.getvalue()


def _previous_figures(report) -> dict | None:
    return report.previous.figures if report.previous_id and report.previous else None


def county_sheets(county_report, township_reports, names: dict[int, str]) -> list[tuple[str, dict, dict | None]]:
    sheets = [(_("County totals"), county_report.figures, _previous_figures(county_report))]
    for report in township_reports:
        sheets.append((names.get(report.division_id) or report.division.name, report.figures,
                       _previous_figures(report)))
    return sheets


def report_workbook(report) -> bytes:
    """The workbook of a report: the stored file (a county's), or one made from the figures (a township's)."""
    from django.utils.translation import gettext as _t

    from ..periods import period_label
    from ..services.stored_files import stored_bytes

    stored = stored_bytes(report.workbook)
    if stored is not None:
        return stored
    if report.division_id == report.county_id:
        from ..models import SummaryReport

        townships = list(SummaryReport.objects.filter(county_id=report.county_id, period_start=report.period_start)
                         .exclude(pk=report.pk).select_related("division", "previous").order_by("division__code"))
        sheets = county_sheets(report, townships, {})
    else:
        sheets = [(report.division.name, report.figures, _previous_figures(report))]
    return build_workbook(title=_t("Bimonthly progress report"), period_label=period_label(
        report.period_start, report.period_end), sheets=sheets, county=report.county,
        computed_at=report.generated_at)
