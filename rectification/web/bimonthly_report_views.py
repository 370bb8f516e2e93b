"""Pages of the bimonthly progress reports (双月报告汇总): list (period, level), detail with deltas, workbook."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from organizations.exports.excel import XLSX_CONTENT_TYPE
from organizations.policies import POLICY_BY_KEY
from organizations.web.base import ScopedDetailView, ScopedExportView, ScopedListView, scoped_object_or_404

from ..exports.bimonthly_reports import figure_rows, figure_value, report_workbook
from ..filters.bimonthly_reports import SummaryReportFilter
from ..models import SummaryReport


class SummaryListView(ScopedListView):
    model = SummaryReport
    filterset_class = SummaryReportFilter
    select_related = ("division", "county")
    template_name = "rectification/summaries/summary_list.html"
    paginate_by = 50


def comparison_rows(report: SummaryReport) -> list[dict]:
    """(label, value, previous value, change) of every figure, for the page."""
    previous = report.previous.figures if report.previous_id and report.previous else None
    rows = []
    for key, label in figure_rows(report.figures):
        value = figure_value(report.figures, key)
        before = figure_value(previous, key)
        rows.append({"key": key, "label": label, "value": value, "previous": before,
                     "delta": None if before is None else value - before})
    return rows


class SummaryDetailView(ScopedDetailView):
    model = SummaryReport
    select_related = ("division", "county", "previous")
    template_name = "rectification/summaries/summary_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context["rows"] = comparison_rows(report)
        context["policy_rows"] = [(POLICY_BY_KEY[key].label if key in POLICY_BY_KEY else key, value)
                                  for key, value in (report.policy or {}).items()]
        context["township_reports"] = list(
            SummaryReport.objects.visible_to(self.request.user).filter(
                county=report.county, period_start=report.period_start).exclude(pk=report.pk)
            .select_related("division").order_by("division__code")) if report.division_id == report.county_id else []
        return context


class ReportWorkbookView(ScopedExportView):
    """The report's Excel workbook (only within the scope: 404 otherwise), for the level above."""

    model = SummaryReport
    one_object = True
    export_name = "bimonthly_report"

    def get_export_object(self):
        return scoped_object_or_404(SummaryReport.objects.select_related("division", "previous"),
                                    self.request.user, pk=self.kwargs["pk"])

    def export_response(self, queryset, report):
        name = f"{report.division.name}-{report.period_start:%Y%m}-{report.period_end:%Y%m}.xlsx"
        response = HttpResponse(report_workbook(report), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
