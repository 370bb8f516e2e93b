"""Pages of the cadre roster: the list, an organization's two committees, a cadre's record, the forms,
the audited "show full numbers" action, the Excel export and the Excel import.

ID and mobile numbers are masked on every page (cadres/masking.py); the full numbers of one person are shown
only by a POST to ``roster-unmask`` by a role holding personal_data/unmask there, each time logged.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from organizations.filters import is_id
from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    render_form,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.roster import roster_export_response
from ..filters.roster import CadreFilter
from ..imports.roster import COLUMN_HELP, max_rows, roster_import
from ..masking import HISTORY_MASKERS, can_unmask, unmask
from ..models import Cadre
from ..selectors import roster as selectors
from ..services.roster import cadre_add, cadre_end_post, cadre_update
from .common import UnmaskableExportMixin, import_page
from .roster_forms import CadreForm, EndPostForm, RosterImportForm

NO_SECRETARY_SHOWN = 30


class RosterListView(ScopedListView):
    """Cadres in the user's scope, filtered; numbers masked."""

    model = Cadre
    filterset_class = CadreFilter
    template_name = "cadres/roster/list.html"
    paginate_by = 50

    def scoped_queryset(self):
        return selectors.roster_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            counts=selectors.roster_counts(user),
            can_change=can(user, "cadre", "change"),
            can_import=can(user, "cadre", "import"),
            can_unmask_any=can(user, "personal_data", "unmask"),
            no_secretary=list(selectors.organizations_without_secretary(user)[:NO_SECRETARY_SHOWN]),
        )
        return context


@login_required
@scoped_to(Organization)
def organization_roster(request, pk):
    """One organization's two committees (flags: no secretary, 一肩挑) and former holders."""
    organization = get_object_or_404(Organization.objects.visible_to(request.user).select_related("division"),
                                     pk=pk)
    return render(request, "cadres/roster/organization.html", {
        "organization": organization,
        "roster": selectors.organization_roster(request.user, organization),
        "can_change": can(request.user, "cadre", "change", organization),
    })


def _cadre_for(request, pk):
    return get_object_or_404(Cadre.objects.visible_to(request.user).select_related("organization", "township"),
                             pk=pk)


def _detail(request, cadre, *, unmasked=None, status=200):
    return render(request, "cadres/roster/detail.html", {
        "cadre": cadre,
        "history": history_entries(cadre, mask_fields=HISTORY_MASKERS),
        "can_change": can(request.user, "cadre", "change", cadre),
        "can_unmask": can_unmask(request.user, cadre),
        "unmasked": unmasked,
    }, status=status)


@login_required
@scoped_to(Cadre)
def cadre_detail(request, pk):
    return _detail(request, _cadre_for(request, pk))


@login_required
@scoped_to(Cadre)
def cadre_unmask(request, pk):
    """GET: the record with the button; POST: the full numbers, shown once and written to the security log."""
    cadre = _cadre_for(request, pk)
    if not can_unmask(request.user, cadre):
        raise PermissionDenied
    if request.method != "POST":
        return _detail(request, cadre)
    values = unmask(request.user, cadre, request=request, via="roster page")
    response = _detail(request, cadre, unmasked=values)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@scoped_to(Cadre)
def cadre_add_view(request):
    """Add a cadre; ``?organization=`` preselects the organization."""
    write_gate(request.user, "cadre", "change")
    initial = {}
    organization_id = request.GET.get("organization")
    if is_id(organization_id):
        initial["organization"] = organization_id
    form = CadreForm(request.POST or None, user=request.user, initial=initial)
    done = submit(request, form, lambda _data: cadre_add(user=request.user, **form.changes()),
                  success=lambda cadre: reverse("cadres:roster-organization", args=[cadre.organization_id]),
                  message=lambda cadre: _("%(name)s has been added to the roster.") % {"name": cadre.name})
    return done or render_form(request, "cadres/roster/form.html", {"cadre": None}, form)


@login_required
@scoped_to(Cadre)
def cadre_edit(request, pk):
    cadre = _cadre_for(request, pk)
    write_gate(request.user, "cadre", "change", cadre)
    form = CadreForm(request.POST or None, user=request.user, instance=cadre)
    done = submit(request, form, lambda _data: cadre_update(user=request.user, cadre=cadre, **form.changes()),
                  success=lambda saved: reverse("cadres:roster-cadre", args=[saved.pk]),
                  message=_("The record has been saved."))
    return done or render_form(request, "cadres/roster/form.html", {"cadre": cadre}, form)


@login_required
@scoped_to(Cadre)
def cadre_end(request, pk):
    cadre = _cadre_for(request, pk)
    write_gate(request.user, "cadre", "change", cadre)
    form = EndPostForm(request.POST or None)
    done = submit(request, form, lambda data: cadre_end_post(user=request.user, cadre=cadre,
                                                             ended_on=data["ended_on"], note=data["note"]),
                  success=reverse("cadres:roster-cadre", args=[cadre.pk]),
                  message=_("The post of %(name)s has ended.") % {"name": cadre.name})
    return done or render_form(request, "cadres/roster/end_form.html", {"cadre": cadre}, form)


class RosterExportView(UnmaskableExportMixin, ScopedExportView):
    """The list's scope and filters as a workbook; masked unless ``unmasked=1`` by a role that may unmask."""

    model = Cadre
    filterset_class = CadreFilter
    export_name = "cadre roster"
    unmask_via = "roster export"

    def scoped_queryset(self):
        return selectors.roster_list(self.request.user)

    def export_response(self, queryset, obj):
        return roster_export_response(queryset, unmasked_ids=self.unmasked_ids(queryset), user=self.request.user)


@login_required
@scoped_to(Cadre)
def roster_import_view(request):
    """Upload a roster workbook: every row is checked; all rows are written or none."""
    write_gate(request.user, "cadre", "import")
    form = RosterImportForm(request.POST or None, request.FILES or None)
    return import_page(
        request, form, lambda data: roster_import(user=request.user, upload=data["file"], request=request),
        template="cadres/roster/import.html", context={"columns": COLUMN_HELP, "max_rows": max_rows()},
        success=reverse("cadres:roster"),
        message=lambda result: _("%(count)s cadres have been imported.") % {"count": len(result.created)})


class RosterTemplateView(LoginRequiredMixin, View):
    """The blank import workbook: headers, one example row (fictitious) and the value lists."""

    model = Cadre
    http_method_names = ["get"]

    def get(self, request):
        from ..imports.roster import template_response

        return template_response()
