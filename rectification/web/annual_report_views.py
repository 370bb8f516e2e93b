"""Pages of the annual rectification report (年度整顿工作报告): the list for the level above (each child division's
report of the year, 未报送 when there is none, and the division's own report), the report with its actions,
the writing page, the submission (confirmed: the workbook is frozen), the review (return with a comment or
accept) and the frozen workbook. Thin: reads from selectors, writes from services (which check the roles)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from organizations.exports.excel import XLSX_CONTENT_TYPE
from organizations.filters.base import is_id
from organizations.history import history_entries
from organizations.models import Division
from organizations.web.base import (
    ScopedDetailView,
    ScopedExportView,
    ScopedQuerysetMixin,
    render_form,
    scoped_object_or_404,
    scoped_to,
    submit,
)

from ..models import AnnualReport
from ..selectors import annual_reports as selectors
from ..services import annual_reports as services
from ..services.stored_files import stored_bytes
from .annual_report_forms import AnnualReportForm, ConfirmForm, ReviewForm


class AnnualReportListView(ScopedQuerysetMixin, TemplateView):
    """年度报告: for a division (``?division=``, default the user's own) and a year (``?year=``)."""

    model = AnnualReport
    template_name = "rectification/summaries/annual_report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        division = selectors.default_division(user)
        asked = self.request.GET.get("division", "")
        if asked:
            if not is_id(asked):
                raise Http404
            division = scoped_object_or_404(Division, user, pk=int(asked))
        year = selectors.parse_year(self.request.GET.get("year"))
        context["overview"] = selectors.overview(user, division, year)
        return context


class AnnualReportDetailView(ScopedDetailView):
    model = AnnualReport
    template_name = "rectification/summaries/annual_report_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("division", "submitted_by", "reviewed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["actions"] = selectors.actions_on(self.request.user, self.object)
        context["history"] = history_entries(self.object)
        return context


def _posted(request):
    """A POST is always bound, even an empty one (a confirmation left unticked); a GET never is."""
    return request.POST if request.method == "POST" else None


def _report(request, pk) -> AnnualReport:
    return scoped_object_or_404(AnnualReport.objects.select_related("division"), request.user, pk=pk)


def _detail(report) -> str:
    return reverse("rectification:annual-report", args=[report.pk])


@scoped_to(Division)
@login_required
@require_http_methods(["GET", "POST"])
def annual_report_edit(request, pk):
    """Write the division's report of ``?year=`` (created as a draft on the first save)."""
    division = scoped_object_or_404(Division, request.user, pk=pk)
    if not services.may_draft(request.user, division):
        raise PermissionDenied(_("Only the officials of %(division)s write its annual report.")
                               % {"division": division.name})
    year = selectors.parse_year(request.POST.get("year") or request.GET.get("year"))
    report = AnnualReport.objects.filter(division=division, year=year).first()
    if report is not None and not report.is_editable:
        raise PermissionDenied(_("The report has been submitted: it can be changed only after the level above "
                                 "returns it."))
    initial = {name: getattr(report, name) for name in services.TEXT_FIELDS} if report else {}
    form = AnnualReportForm(_posted(request), initial={**initial, "year": year})
    done = submit(request, form, lambda data: services.annual_report_save(
        user=request.user, division=division, year=year, **{name: data[name] for name in services.TEXT_FIELDS}),
        success=_detail, message=_("The draft has been saved."))
    return done or render_form(request, "rectification/summaries/annual_report_form.html", {
        "division": division, "year": year, "report": report}, form)


@scoped_to(AnnualReport)
@login_required
@require_http_methods(["GET", "POST"])
def annual_report_submit(request, pk):
    """The confirmation before submitting: the statistical form of the year is frozen with the report."""
    report = _report(request, pk)
    if not selectors.actions_on(request.user, report)["submit"]:
        raise PermissionDenied(_("You may not submit this report."))
    form = ConfirmForm(_posted(request))
    done = submit(request, form, lambda _data: services.annual_report_submit(user=request.user, report=report),
                  success=_detail, message=_("The report has been submitted to the level above."))
    return done or render_form(request, "rectification/summaries/annual_report_action.html", {
        "object": report, "title": _("Submit the annual report")}, form)


@scoped_to(AnnualReport)
@login_required
@require_http_methods(["GET", "POST"])
def annual_report_review(request, pk):
    """The level above returns the report with a comment or accepts it."""
    report = _report(request, pk)
    if not selectors.actions_on(request.user, report)["review"]:
        raise PermissionDenied(_("You may not review this report."))
    form = ReviewForm(_posted(request))

    def perform(data):
        if data["decision"] == "accept":
            return services.annual_report_accept(user=request.user, report=report, comment=data["comment"])
        return services.annual_report_return(user=request.user, report=report, comment=data["comment"])

    done = submit(request, form, perform, success=_detail,
                  message=lambda result: _("The report has been accepted.") if result.status == "accepted"
                  else _("The report has been returned for revision."))
    return done or render_form(request, "rectification/summaries/annual_report_action.html", {
        "object": report, "title": _("Review the annual report")}, form)


class AnnualReportWorkbookView(ScopedExportView):
    """The statistical form frozen at the last submission (404 outside the scope or before any submission)."""

    model = AnnualReport
    one_object = True
    export_name = "annual_report"

    def get_export_object(self):
        report = scoped_object_or_404(AnnualReport.objects.select_related("division"), self.request.user,
                                      pk=self.kwargs["pk"])
        self.content = stored_bytes(report.workbook)
        if self.content is None:
            raise Http404
        return report

    def export_response(self, queryset, report):
        name = "{}-{}-{}.xlsx".format(report.division.name, report.year, _("annual rectification report"))
        response = HttpResponse(self.content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
