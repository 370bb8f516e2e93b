"""Pages of the cadre roster: the list, an organization's two committees, a cadre's record, the forms,
the audited "show full numbers" action, the Excel export and the Excel import.

ID and mobile numbers are masked on every page (cadres/masking.py); the full numbers of one person are shown
only by a POST to ``roster-unmask`` by a role holding personal_data/unmask there, each time logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can
from organizations.web.base import ScopedListView, form_errors_from, scoped_to

from ..filters import CadreFilter
from ..masking import MASKERS, can_unmask, unmask
from ..models import Cadre
from ..selectors import roster as selectors
from ..services.roster import cadre_add, cadre_end_post, cadre_update
from .roster_forms import CadreForm, EndPostForm

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
        "history": history_entries(cadre, mask_fields=MASKERS),
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


def _write_gate(request, obj=None, action="change"):
    if not can(request.user, "cadre", action, obj):
        if obj is None:
            raise Http404
        raise PermissionDenied


@login_required
@scoped_to(Cadre)
def cadre_add_view(request):
    """Add a cadre; ``?organization=`` preselects the organization."""
    _write_gate(request)
    initial = {}
    organization_id = request.GET.get("organization")
    if organization_id and organization_id.isdigit():
        initial["organization"] = organization_id
    form = CadreForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            cadre = cadre_add(user=request.user, **data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("%(name)s has been added to the roster.") % {"name": cadre.name})
            return redirect("cadres:roster-organization", pk=cadre.organization_id)
    return render(request, "cadres/roster/form.html", {"form": form, "cadre": None},
                  status=400 if form.errors else 200)


@login_required
@scoped_to(Cadre)
def cadre_edit(request, pk):
    cadre = _cadre_for(request, pk)
    _write_gate(request, cadre)
    form = CadreForm(request.POST or None, user=request.user, instance=cadre)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = cadre_update(user=request.user, cadre=cadre, **form.changes())
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The record has been saved."))
            return redirect("cadres:roster-cadre", pk=cadre.pk)
    return render(request, "cadres/roster/form.html", {"form": form, "cadre": cadre},
                  status=400 if form.errors else 200)


@login_required
@scoped_to(Cadre)
def cadre_end(request, pk):
    cadre = _cadre_for(request, pk)
    _write_gate(request, cadre)
    form = EndPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cadre_end_post(user=request.user, cadre=cadre, ended_on=form.cleaned_data["ended_on"],
                           note=form.cleaned_data["note"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The post of %(name)s has ended.") % {"name": cadre.name})
            return redirect("cadres:roster-cadre", pk=cadre.pk)
    return render(request, "cadres/roster/end_form.html", {"form": form, "cadre": cadre},
                  status=400 if form.errors else 200)


class RosterExportView(LoginRequiredMixin, View):
    """The list's scope and filters as a workbook; masked unless ``unmasked=1`` by a role that may unmask."""

    model = Cadre
    http_method_names = ["get"]

    def get(self, request):
        from ..exports.roster import roster_export_response

        if not can(request.user, "export", "run"):
            raise Http404
        filterset = CadreFilter(request.GET, queryset=selectors.roster_list(request.user), request=request)
        queryset = filterset.qs if filterset.is_valid() else Cadre.objects.none()
        unmasked = request.GET.get("unmasked") == "1"
        if unmasked and not can(request.user, "personal_data", "unmask"):
            raise PermissionDenied
        return roster_export_response(request.user, queryset, unmasked=unmasked, request=request,
                                      filters=request.GET.dict())


class RosterImportView(LoginRequiredMixin, View):
    """Upload a roster workbook: every row is checked; all rows are written or none."""

    model = Cadre
    template_name = "cadres/roster/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "cadre", "import"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        from .roster_forms import RosterImportForm

        return render(request, self.template_name, {"form": RosterImportForm(), **self._layout()})

    def post(self, request):
        from ..imports.roster import roster_import
        from .roster_forms import RosterImportForm

        form = RosterImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            try:
                result = roster_import(user=request.user, upload=form.cleaned_data["file"], request=request)
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                if result.ok:
                    messages.success(request, _("%(count)s cadres have been imported.") % {
                        "count": len(result.created)})
                    return redirect("cadres:roster")
        return render(request, self.template_name, {"form": form, "result": result,
                                                    **self._layout()}, status=400)

    def _layout(self):
        from ..imports.roster import COLUMN_HELP, max_rows

        return {"columns": COLUMN_HELP, "max_rows": max_rows()}


class RosterTemplateView(LoginRequiredMixin, View):
    """The blank import workbook: headers, one example row (fictitious) and the value lists."""

    model = Cadre
    http_method_names = ["get"]

    def get(self, request):
        from ..imports.roster import template_response

        return template_response()
