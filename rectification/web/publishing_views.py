"""Pages of the publishing area: the ledger export and statistical summary, the disclosure board, the
leader dashboard. Thin: reads come from selectors, writes from services."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from organizations.models import Division
from organizations.permissions import can
from organizations.services import security_event_record
from organizations.web.base import ScopedQuerysetMixin, scoped_to

from .. import services
from ..exports.ledger import ledger_export_response
from ..exports.upward_summary import default_year, summary_export_response, summary_of
from ..models import Designation, DisclosureBoard
from ..selectors.boards import board_content
from ..selectors.dashboard import dashboard_for_request
from ..selectors.ledger_export import filtered_designations


def ledger_order():
    from .ledger_views import LEDGER_ORDER

    return LEDGER_ORDER


class LedgerExportView(LoginRequiredMixin, View):
    """The ledger page's scope and filters, written as a workbook in the consolidated layout."""

    model = Designation
    http_method_names = ["get"]

    def get(self, request):
        if not can(request.user, "export", "run"):
            raise Http404
        queryset = filtered_designations(request).order_by(*ledger_order())
        security_event_record(kind="export", user=request.user, request=request, what="ledger",
                              filters=request.GET.dict())
        return ledger_export_response(queryset)


class SummaryExportView(LoginRequiredMixin, View):
    """The statistical summary (total, villages, communities, each child division) of a division."""

    model = Division
    http_method_names = ["get"]

    def get(self, request, pk):
        division = get_object_or_404(Division.objects.visible_to(request.user), pk=pk)
        if not can(request.user, "export", "run"):
            raise Http404
        try:
            year = int(request.GET.get("year") or default_year(request.user, division))
        except ValueError:
            year = default_year(request.user, division)
        summary = summary_of(request.user, division, year)
        security_event_record(kind="export", user=request.user, request=request, what="summary",
                              division=division.pk, year=year)
        return summary_export_response(summary)


# --- the disclosure board ---------------------------------------------------------------------------------------

def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, title=url))  # noqa: S308 - our SVG


@scoped_to(Designation)
def board_view(request, pk):
    """The printable A4 board of a designation; county admins publish or withdraw it here (POST)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    designation = get_object_or_404(Designation.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if not can(request.user, "board", "publish", designation):
            raise PermissionDenied
        try:
            if action == "publish":
                services.board_publish(user=request.user, designation=designation)
                messages.success(request, _("The board is published: its public link now works."))
            elif action == "unpublish":
                services.board_unpublish(user=request.user, designation=designation)
                messages.success(request, _("The board is withdrawn: its public link no longer works."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("rectification:board", pk=designation.pk)
    content = board_content(designation)
    board = content["board"]
    public_url = request.build_absolute_uri(reverse("rectification:board-public", args=[board.token])) \
        if board is not None else None
    return render(request, "rectification/publishing/board.html", {
        **content,
        "public_url": public_url,
        "qr_svg": _qr_svg(public_url) if public_url else "",
        "can_publish": can(request.user, "board", "publish", designation),
    })


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

class DashboardView(ScopedQuerysetMixin, TemplateView):
    """Organizations by status, overdue tasks, late and missing reports, visits against the policy."""

    model = Designation
    template_name = "rectification/publishing/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(dashboard_for_request(self.request, today=timezone.localdate()))
        chart = context["dashboard"].chart
        context["chart_data"] = chart
        context["chart_rows"] = list(zip(chart["labels"], chart["due"], chart["done"], chart["closed"], strict=True))
        return context
