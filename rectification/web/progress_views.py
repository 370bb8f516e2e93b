"""Pages of the progress area: progress entries and evidence, period reports, contact-leader visits."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from organizations.filters.base import is_id
from organizations.permissions import can
from organizations.web.base import (
    ScopedListView,
    ScopedQuerysetMixin,
    form_errors_from,
    render_form,
    scoped_object_or_404,
    scoped_to,
    submit,
    write_gate,
)

from ..filters.progress import ContactVisitFilter, ReportPlanFilter
from ..models import ContactVisit, EvidenceFile, PeriodReport, Plan, ProgressEntry, ReportStatus
from ..periods import period_label
from ..selectors import progress as selectors
from ..selectors import report_list
from ..selectors.visits import leader_history, visit_counts, visit_leaders
from ..services.progress import progress_entry_add, progress_open
from ..services.reports import (
    report_draft_save,
    report_prepare,
    report_submit,
    report_submit_opens_on,
    reports_ensure,
    submit_too_early_message,
)
from ..services.visits import visit_leader_choices, visit_log
from .progress_forms import ProgressEntryForm, ReportSubmitForm, VisitForm


def _plan_for(request, pk):
    return scoped_object_or_404(Plan.objects.select_related("designation__round", "organization__division"),
                                request.user, pk=pk)


# ------------------------------------------------------------------------------------------ progress


@login_required
@scoped_to(Plan)
@require_http_methods(["GET", "POST"])
def plan_progress(request, pk):
    """Every progress entry of a plan with its evidence; POST prepares the plan's period-report drafts."""
    plan = _plan_for(request, pk)
    if request.method == "POST":
        write_gate(request.user, "report", "submit", plan)
        made = reports_ensure(plan=plan)
        messages.success(request, _("%(count)s period reports are ready.") % {"count": len(made)})
        return redirect("rectification:plan-progress", pk=plan.pk)
    entries = ProgressEntry.objects.visible_to(request.user).filter(plan=plan).select_related(
        "task", "author").prefetch_related(Prefetch("evidence", queryset=EvidenceFile.objects.order_by("pk")))
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    return render(request, "rectification/progress/plan_progress.html", {
        "plan": plan, "page_obj": page, "entries": page.object_list,
        "panel": selectors.plan_progress_panel(request.user, plan),
    })


@login_required
@scoped_to(Plan)
@require_http_methods(["GET", "POST"])
def progress_add(request, pk):
    """Quick progress entry, usable from a phone: what was done, the date, photos from the camera."""
    plan = _plan_for(request, pk)
    write_gate(request.user, "progress", "create", plan)
    form = ProgressEntryForm(request.POST or None, request.FILES or None, plan=plan)

    def perform(data):
        try:
            return progress_entry_add(user=request.user, plan=plan, task=data["task"],
                                      happened_on=data["happened_on"], content=data["content"],
                                      files=[*data["photos"], *data["files"]])
        except ValidationError as exc:  # the service names the upload "files"; the page has "photos" first
            if hasattr(exc, "error_dict") and "files" in exc.error_dict:
                exc.error_dict["photos"] = exc.error_dict.pop("files")
            raise

    done = submit(request, form, perform, success=reverse("rectification:plan", args=[plan.pk]) + "#progress",
                  message=_("The progress has been recorded."))
    return done or render_form(request, "rectification/progress/entry_form.html", {
        "plan": plan, "progress_open": progress_open(plan)}, form)


@login_required
@scoped_to(EvidenceFile)
def evidence_download(request, pk):
    """An evidence file, only to users whose scope includes its plan; images inline, the rest as attachment."""
    record = scoped_object_or_404(EvidenceFile, request.user, pk=pk)
    try:
        handle = record.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    inline = record.content_type.startswith("image/")
    response = FileResponse(handle, as_attachment=not inline, filename=record.original_name,
                            content_type=record.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ------------------------------------------------------------------------------------------- reports


#: The ledger's filters the dashboard passes on in its report links (the reports page's own form has the others).
LEDGER_ONLY_FILTERS = ("counted", "year", "category")


def narrowed_by_ledger_filters(user, params, plans):
    """The plans of the designations the ledger's filter keeps for ``params``' counting rule, year and category
    (the dashboard's 未报送 and 逾期报送 open this page with the filters they were counted with); unchanged
    without them, none when they are invalid."""
    from ..filters.ledger import designation_filter_for

    data = {key: params.get(key) for key in LEDGER_ONLY_FILTERS if params.get(key)}
    if not data:
        return plans
    filterset = designation_filter_for(user, data)
    if not filterset.is_valid():
        return plans.none()
    return plans.filter(designation__in=filterset.qs.values("pk"))


class ReportFlagsView(LoginRequiredMixin, TemplateView):
    """双月报告: this period's reports of the user's scope (draft, due, submitted, late, missing), with the
    prepare and submit actions; ``?flag=`` chooses another view (to submit, late or missing, all...)."""

    model = PeriodReport
    template_name = "rectification/progress/report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        filterset = ReportPlanFilter(self.request.GET or None, queryset=Plan.objects.visible_to(user),
                                     request=self.request)
        valid = not filterset.is_bound or filterset.is_valid()
        plans = filterset.qs if filterset.is_bound and valid else (
            Plan.objects.visible_to(user) if valid else Plan.objects.none())
        plans = narrowed_by_ledger_filters(user, self.request.GET, plans)
        view = (filterset.form.cleaned_data.get("flag") if filterset.is_bound and valid else "") or report_list.CURRENT
        rows, result = report_list.report_rows(user, today=today, plans=plans, view=view)
        page = Paginator(rows, 50).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        base = query.copy()
        base.pop("flag", None)
        context.update(filter=filterset, flags=result, page_obj=page, rows=page.object_list, today=today,
                       view=view, querystring=query.urlencode(), basequery=base.urlencode(),
                       items=[row.item for row in page.object_list],
                       totals={"missing": sum(c.missing for c in result.by_county),
                               "late": sum(c.late for c in result.by_county),
                               "on_time": sum(c.on_time for c in result.by_county),
                               "due": sum(c.due for c in result.by_county),
                               "to_submit": sum(1 for i in result.items if i.flag in (selectors.MISSING,
                                                                                       selectors.OPEN)
                                                and i.period_end < today)})
        return context


@login_required
@scoped_to(Plan)
@require_http_methods(["GET", "POST"])
def report_prepare_view(request, pk):
    """起草: the draft of the plan's period starting ``period_start`` (POST), then its page to write the summary;
    GET lists the plan's periods without a draft yet, each with its button."""
    plan = _plan_for(request, pk)
    write_gate(request.user, "report", "submit", plan)
    if request.method == "GET":
        rows, _flags = report_list.report_rows(request.user, today=timezone.localdate(),
                                               plans=Plan.objects.filter(pk=plan.pk), view=report_list.ALL)
        return render(request, "rectification/progress/report_prepare.html", {
            "plan": plan, "rows": [row for row in rows if row.may_prepare]})
    raw_start = request.POST.get("period_start", "")
    try:
        period_start = dt.date.fromisoformat(raw_start)
        if period_start > timezone.localdate():
            raise ValidationError(_("This period has not started yet."))
        report = report_prepare(plan=plan, period_start=period_start)
    except (ValueError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [])) or _("Choose a report period."))
        return redirect("rectification:reports")
    return redirect("rectification:report", pk=report.pk)


@login_required
@scoped_to(PeriodReport)
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    """A period report: its content (frozen once submitted), what changed since the previous one.

    Its summary is drafted here (保存草稿) and submitted in two steps: the first POST keeps the draft and asks
    for confirmation (the report will be frozen), the second (``confirm``) submits; no script needed. The
    submission opens when the period has ended (the policy may allow some days before)."""
    report = get_object_or_404(selectors.report_queryset(request.user), pk=pk)
    today = timezone.localdate()
    form = ReportSubmitForm(request.POST or None, initial={"summary": report.summary})
    action = request.POST.get("action", "submit")
    confirming = False
    opens_on = report_submit_opens_on(report)
    if request.method == "POST":
        write_gate(request.user, "report", "submit", report)
        if action == "save" or request.POST.get("confirm") == "yes":
            service, message = (report_draft_save, _("The draft has been saved; it is not submitted yet.")) \
                if action == "save" else (report_submit, _("The report has been submitted; it can no longer be changed."))
            done = submit(request, form, lambda data: service(user=request.user, report=report,
                                                              summary=data["summary"]),
                          success=reverse("rectification:report", args=[report.pk]), message=message)
            if done:
                return done
        elif form.is_valid():
            try:
                report = report_draft_save(user=request.user, report=report, summary=form.cleaned_data["summary"])
                if today < opens_on:
                    raise ValidationError(submit_too_early_message(report, opens_on))
                confirming = True
            except ValidationError as exc:
                form_errors_from(exc, form)
    may_submit = report.status == ReportStatus.DRAFT and can(request.user, "report", "submit", report)
    content = selectors.report_view_content(report)
    flag = selectors.report_flag(status=report.status, due_on=report.due_on, submitted_at=report.submitted_at,
                                 today=today)
    return render_form(request, "rectification/progress/report_detail.html", {
        "report": report, "plan": report.plan, "content": content, "flag": flag,
        "changes": selectors.report_changes(report, content), "form": form if may_submit else None,
        "confirming": confirming and may_submit, "summary": form.cleaned_data.get("summary", "")
        if confirming else "", "opens_on": opens_on, "submit_open": today >= opens_on,
        "period": period_label(report.period_start, report.period_end),
        # A refused submission of a report no longer open (e.g. submitted meanwhile): the reason, without the form.
        "refused": form.non_field_errors() if form.errors and not may_submit else None,
    }, form)


class VisitListView(ScopedListView):
    """Visits in the user's scope (a contact leader: their villages), with this month's count against policy."""

    model = ContactVisit
    filterset_class = ContactVisitFilter
    template_name = "rectification/progress/visit_list.html"
    select_related = ("plan__organization", "leader", "entered_by", "township")
    paginate_by = 30

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        plans = Plan.objects.visible_to(self.request.user)
        query = (self.request.GET.get("q") or "").strip()
        if query:
            plans = plans.filter(organization__name__icontains=query)
        tally = selectors.visits_against_policy(self.request.user, today=today, plans=plans)
        # ``?short=true``: only the villages short of visits this month (the home page's to-do links here).
        context["short_only"] = self.request.GET.get("short") in ("true", "1")
        if context["short_only"]:
            tally = [row for row in tally if row.short]
        context["tally"] = tally[:200]
        context["month"] = today
        context["counts"] = visit_counts(self.filterset.qs if self.filterset is not None and self.filterset.is_bound
                                         and self.filterset.is_valid() else self.get_queryset())
        return context


@login_required
@scoped_to(Plan)
@require_http_methods(["GET", "POST"])
def visit_add(request, pk):
    plan = _plan_for(request, pk)
    # The leader's own account logs its visit; a township organizer or the county admin enters it for a
    # leader paired with the village (most have no account).
    own = can(request.user, "visit", "create", plan)
    if not own:
        write_gate(request.user, "visit", "record", plan)
    leaders = None if own else visit_leader_choices(plan)
    form = VisitForm(request.POST or None, leaders=leaders)
    done = submit(request, form, lambda data: visit_log(user=request.user, plan=plan, **data),
                  success=reverse("rectification:visits"), message=_("The visit has been logged."))
    return done or render_form(request, "rectification/progress/visit_form.html", {
        "plan": plan, "tally": selectors.visits_this_month(request.user, plan), "leaders": leaders}, form)


class VisitHistoryView(ScopedQuerysetMixin, TemplateView):
    """A contact leader's visits month by month against the policy, problems solved (``?leader=`` the leader's
    record); without a leader, the leaders of the visits in scope. A leader outside the scope is a 404."""

    model = ContactVisit
    template_name = "rectification/progress/visit_leader_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("leader")
        if raw in (None, ""):
            context["leaders"] = visit_leaders(self.request.user)
            return context
        if not is_id(raw):
            raise Http404
        history = leader_history(self.request.user, int(raw))
        if history is None:
            raise Http404
        context["history"] = history
        return context
