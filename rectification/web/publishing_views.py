"""Pages of the publishing area: the ledger export and the upward statistical summary, the disclosure board,
the leader dashboard. Thin: reads come from selectors, writes from services, exports go through the kernel's
export base (permission ``export/run``, security log)."""

from __future__ import annotations

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView

from organizations.caching import person_page
from organizations.models import Division
from organizations.permissions import can
from organizations.replica import reads_from_replica
from organizations.services.exports import export_run_request
from organizations.web.base import (
    ScopedExportView,
    ScopedQuerysetMixin,
    render_form,
    scoped_object_or_404,
    scoped_to,
    submit,
    write_gate,
)

from .. import services
from ..exports.ledger import ledger_export_response
from ..exports.upward_summary import default_year, summary_export_response, summary_of
from ..filters.ledger import DesignationFilter
from ..models import Designation, DisclosureBoard, Escalation
from ..selectors.boards import board_content
from ..selectors.dashboard_scope import dashboard_filters, dashboard_of_scope
from ..selectors.escalations import open_by_rung
from ..selectors.ledger import LEDGER_ORDER
from .dashboard_links import add_links


@method_decorator(reads_from_replica, name="get")
class LedgerExportView(ScopedExportView):
    """The ledger page's scope and filters, written as a workbook in the consolidated layout (read from the
    replica when there is one)."""

    model = Designation
    filterset_class = DesignationFilter
    export_name = "ledger"

    def get_queryset(self):
        return super().get_queryset().order_by(*LEDGER_ORDER)

    def export_response(self, queryset, obj):
        # More rows than the setting allows: a worker writes the workbook; the page of the run shows its
        # progress, then the download link (the requester's only).
        total = queryset.count()
        if total > settings.EXPORT_SYNC_MAX_ROWS:
            params = {key: self.request.GET.getlist(key) for key in self.request.GET if key != "page"}
            run = export_run_request(user=self.request.user, export="ledger", params=params, total=total)
            return redirect("organizations:download", run.pk)
        return ledger_export_response(queryset, self.request.user)


class UpwardSummaryExportView(ScopedExportView):
    """The upward statistical summary (total, villages, communities, each child division) of a division."""

    model = Division
    one_object = True
    export_name = "summary"  # the name earlier security-log entries carry

    def get_export_object(self):
        division = super().get_export_object()
        try:
            self.year = int(self.request.GET.get("year") or default_year(self.request.user, division))
        except ValueError:
            self.year = default_year(self.request.user, division)
        return division

    def log_detail(self) -> dict:
        return {"division": self.kwargs["pk"], "year": self.year}

    def export_response(self, queryset, division):
        return summary_export_response(summary_of(self.request.user, division, self.year), self.request.user)


# --- the disclosure board ---------------------------------------------------------------------------------------

def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, title=url))  # noqa: S308 - our SVG


class BoardActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("publish", gettext_lazy("Publish the board")),
                                        ("unpublish", gettext_lazy("Withdraw the board"))])


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def board_view(request, pk):
    """The printable A4 board of a designation; county admins publish or withdraw it here (POST)."""
    designation = scoped_object_or_404(Designation, request.user, pk=pk)
    form = BoardActionForm(request.POST or None)
    if request.method == "POST":
        write_gate(request.user, "board", "publish", designation)

        def perform(data):
            if data["action"] == "publish":
                return services.board_publish(user=request.user, designation=designation)
            return services.board_unpublish(user=request.user, designation=designation)

        done = submit(request, form, perform, success=reverse("rectification:board", args=[designation.pk]),
                      message=lambda _board: _("The board is published: its public link now works.")
                      if form.cleaned_data["action"] == "publish"
                      else _("The board is withdrawn: its public link no longer works."))
        if done:
            return done
    content = board_content(designation)
    board = content["board"]
    public_url = request.build_absolute_uri(reverse("rectification:board-public", args=[board.token])) \
        if board is not None else None
    return render_form(request, "rectification/publishing/board.html", {
        **content,
        "public_url": public_url,
        "qr_svg": _qr_svg(public_url) if public_url else "",
        "can_publish": can(request.user, "board", "publish", designation),
    }, form)


@require_GET
def board_public(request, token):
    """The published board, for everyone, through its unguessable link; 404 otherwise. Never listed."""
    board = DisclosureBoard.objects.filter(token=token, published_at__isnull=False).select_related(
        "designation").first()
    if board is None:
        raise Http404
    content = board_content(board.designation)
    public_url = request.build_absolute_uri(request.path)
    response = render(request, "rectification/publishing/board_public.html", {
        **content, "public_url": public_url, "qr_svg": _qr_svg(public_url)})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- the leader dashboard ---------------------------------------------------------------------------------------

@method_decorator(person_page, name="get")
@method_decorator(reads_from_replica, name="get")
class DashboardView(ScopedQuerysetMixin, TemplateView):
    """Organizations by status, overdue tasks, late and missing reports, visits against the policy (read from the
    replica when there is one)."""

    model = Designation
    template_name = "rectification/publishing/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        view = add_links(dashboard_of_scope(self.request.user, filters=dashboard_filters(self.request.GET),
                                            county_id=self.request.GET.get("county"),
                                            today=timezone.localdate()))
        chart = view.dashboard.chart
        escalations = Escalation.objects.visible_to(self.request.user)
        if view.county is not None:
            escalations = escalations.filter(county=view.county)
        context["escalations"] = open_by_rung(self.request.user, today=timezone.localdate(), queryset=escalations)
        context.update(dashboard=view.dashboard, filter=view.filterset, county=view.county,
                       filters_valid=view.valid, shown_statuses=view.shown_statuses,
                       summary_divisions=view.summary_divisions, chart_data=chart,
                       current_round=view.current_round, round_years=view.round_years, figures_as_of=view.as_of,
                       chart_rows=list(zip(chart["labels"], chart["due"], chart["done"], chart["closed"],
                                           strict=True)))
        return context
