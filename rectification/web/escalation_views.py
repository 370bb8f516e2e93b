"""Pages of the escalation ladder: the list (filtered by state, rung, cause, township), one escalation with its
steps and instructions, the forms that raise, escalate and resolve it, a leader's instruction, and the circulars
(printable page and workbook). The kernel's read and write paths (scope → gate → form → service)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.exports.excel import issuing_unit
from organizations.models import Organization
from organizations.permissions import can
from organizations.scoping import constant_in_scope
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    acting_division_or_404,
    render_form,
    restrict_form_fields,
    scoped_object_or_404,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.escalations import circular_workbook, escalations_workbook
from ..filters.escalations import EscalationFilter
from ..models import Circular, Escalation
from ..selectors.escalations import circulable, circular_rows, escalation_detail, open_by_rung
from ..services.escalations import (
    circular_issue,
    escalation_escalate,
    escalation_open,
    escalation_resolve,
    instruction_write,
)
from .escalation_forms import CircularForm, EscalateForm, EscalationCreateForm, InstructionForm, ResolveForm

FORM = "rectification/escalations/form.html"


class EscalationListView(ScopedListView):
    model = Escalation
    filterset_class = EscalationFilter
    template_name = "rectification/escalations/list.html"
    select_related = ("organization", "township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["by_rung"] = open_by_rung(self.request.user, today=today)
        context["today"] = today
        for escalation in context["object_list"]:
            escalation.days = escalation.days_open(today)
        context["may_circulate"] = can(self.request.user, "circular", "issue")
        return context


class EscalationExportView(ScopedExportView):
    model = Escalation
    filterset_class = EscalationFilter
    export_name = "escalations"

    def export_response(self, queryset, obj):
        return escalations_workbook(self.request.user, queryset.select_related("organization", "township"))


def _escalation(request, pk):
    return scoped_object_or_404(Escalation.objects.select_related("organization", "township", "designation"),
                                request.user, pk=pk)


@scoped_to(Escalation)
@login_required
def escalation_detail_page(request, pk):
    escalation = _escalation(request, pk)
    return render(request, "rectification/escalations/detail.html", {
        "escalation": escalation, "today": timezone.localdate(), "days_open": escalation.days_open(timezone.localdate()),
        **escalation_detail(request.user, escalation)})


def _done(escalation) -> str:
    return reverse("rectification:escalation", args=[escalation.pk])


@scoped_to(Escalation)
@login_required
@require_http_methods(["GET", "POST"])
def escalation_escalate_page(request, pk):
    escalation = _escalation(request, pk)
    write_gate(request.user, "escalation", "escalate", escalation)
    form = EscalateForm(request.POST if request.method == "POST" else None, escalation=escalation,
                        initial={"taken_on": timezone.localdate(), "rung": request.GET.get("rung")})
    done = submit(request, form, lambda data: escalation_escalate(user=request.user, escalation=escalation, **data),
                  success=lambda step: _done(escalation), message=_("The escalation has been taken up a rung."))
    return done or render_form(request, FORM, {"escalation": escalation, "title": _("Escalate")}, form)


@scoped_to(Escalation)
@login_required
@require_http_methods(["GET", "POST"])
def escalation_resolve_page(request, pk):
    escalation = _escalation(request, pk)
    write_gate(request.user, "escalation", "resolve", escalation)
    form = ResolveForm(request.POST if request.method == "POST" else None,
                       initial={"resolved_on": timezone.localdate()})
    done = submit(request, form, lambda data: escalation_resolve(user=request.user, escalation=escalation, **data),
                  success=_done, message=_("The escalation has been resolved."))
    return done or render_form(request, FORM, {"escalation": escalation, "title": _("Resolve")}, form)


@scoped_to(Escalation)
@login_required
@require_http_methods(["GET", "POST"])
def escalation_instruction_page(request, pk):
    escalation = _escalation(request, pk)
    write_gate(request.user, "instruction", "create", escalation)
    form = InstructionForm(request.POST if request.method == "POST" else None)
    done = submit(request, form, lambda data: instruction_write(user=request.user, escalation=escalation, **data),
                  success=lambda _i: _done(escalation), message=_("The instruction has been sent."))
    return done or render_form(request, FORM, {"escalation": escalation, "title": _("Write an instruction")},
                               form)


@scoped_to(Organization)
@login_required
@require_http_methods(["GET", "POST"])
def escalation_create_page(request, pk):
    organization = scoped_object_or_404(Organization, request.user, pk=pk)
    write_gate(request.user, "escalation", "create", organization)
    form = EscalationCreateForm(request.POST if request.method == "POST" else None)
    done = submit(request, form, lambda data: escalation_open(user=request.user, organization=organization, **data),
                  success=_done, message=_("The reminder has been sent."))
    return done or render_form(request, FORM, {"organization": organization, "title": _("Send a reminder")}, form)


@scoped_to(Organization)
@login_required
@require_http_methods(["GET", "POST"])
def organization_instruction_page(request, pk):
    organization = scoped_object_or_404(Organization, request.user, pk=pk)
    write_gate(request.user, "instruction", "create", organization)
    form = InstructionForm(request.POST if request.method == "POST" else None)
    done = submit(request, form, lambda data: instruction_write(user=request.user, organization=organization,
                                                                **data),
                  success=reverse("organizations:detail", args=[organization.pk]),
                  message=_("The instruction has been sent."))
    return done or render_form(request, FORM, {"organization": organization, "title": _("Write an instruction")},
                               form)


# ------------------------------------------------------------------------------------------------ circulars


class CircularListView(ScopedListView):
    model = Circular
    template_name = "rectification/escalations/circulars.html"
    select_related = ("division", "issued_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_circulate"] = can(self.request.user, "circular", "issue")
        # One county's circulars (a county's or township's reader): no county column repeating its name.
        context["one_county"] = constant_in_scope(Circular, self.request.user, "division_id")
        return context


@scoped_to(Circular)
@login_required
@require_http_methods(["GET", "POST"])
def circular_create_page(request):
    write_gate(request.user, "circular", "issue")
    county = acting_division_or_404(request.user, "circular", "issue")
    form = CircularForm(request.POST if request.method == "POST" else None,
                        escalations=circulable(request.user, county.pk),
                        initial={"issued_on": timezone.localdate(),
                                 "escalations": request.GET.getlist("escalation")})
    restrict_form_fields(form, request.user)
    done = submit(request, form, lambda data: circular_issue(user=request.user, county=county, **data),
                  success=lambda circular: reverse("rectification:circular", args=[circular.pk]),
                  message=_("The circular has been issued."))
    return done or render_form(request, FORM, {"title": _("Issue a circular"), "county": county}, form)


@scoped_to(Circular)
@login_required
def circular_page(request, pk):
    circular = scoped_object_or_404(Circular.objects.select_related("division", "issued_by"), request.user, pk=pk)
    return render(request, "rectification/escalations/circular.html", {
        "circular": circular, "rows": circular_rows(circular), "unit": issuing_unit(circular.division)})


class CircularExportView(ScopedExportView):
    model = Circular
    one_object = True
    export_name = "circular"

    def export_response(self, queryset, obj):
        return circular_workbook(self.request.user, obj)
