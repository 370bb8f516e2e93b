"""Pages of the county supervision teams (督导组): the teams, one team with its inspections, recording an
inspection and the finding on each organization visited (which may open an escalation or demand the
rectification of a measure), and the inspections' workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.history import history_entries
from organizations.models import Division, Organization
from organizations.permissions import can
from organizations.roles import Level
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

from ..exports.supervision import findings_workbook
from ..models import Inspection, InspectionFinding, Measure, SupervisionTeam
from ..services.supervision import (
    inspection_finding_add,
    inspection_record,
    supervision_team_save,
    supervision_team_set_active,
)
from .supervision_forms import FindingForm, InspectionForm, SupervisionTeamForm, TeamActiveForm

FORM = "rectification/supervision/form.html"


class SupervisionTeamListView(ScopedListView):
    model = SupervisionTeam
    template_name = "rectification/supervision/teams.html"
    select_related = ("division",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("townships")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_change"] = can(self.request.user, "supervision", "change")
        context["inspections"] = Inspection.objects.visible_to(self.request.user).select_related(
            "team", "division")[:20]
        return context


@scoped_to(SupervisionTeam)
@login_required
@require_http_methods(["GET", "POST"])
def supervision_team_create(request):
    write_gate(request.user, "supervision", "change")
    county = acting_division_or_404(request.user, "supervision", "change")
    townships = Division.objects.visible_to(request.user).filter(level=Level.TOWNSHIP, county=county).order_by("code")
    form = SupervisionTeamForm(request.POST if request.method == "POST" else None, townships=townships)
    restrict_form_fields(form, request.user)
    done = submit(request, form, lambda data: supervision_team_save(user=request.user, county=county, **data),
                  success=lambda team: reverse("rectification:supervision-team", args=[team.pk]),
                  message=_("The supervision team has been saved."))
    return done or render_form(request, FORM, {"title": _("New supervision team")}, form)


@scoped_to(SupervisionTeam)
@login_required
def supervision_team_page(request, pk):
    team = scoped_object_or_404(SupervisionTeam.objects.select_related("division"), request.user, pk=pk)
    inspections = Inspection.objects.visible_to(request.user).filter(team=team).select_related("division")
    return render(request, "rectification/supervision/team.html", {
        "team": team, "inspections": inspections,
        "may_inspect": team.active and can(request.user, "supervision", "inspect", team.division),
        "may_change": can(request.user, "supervision", "change", team), "history": history_entries(team)})


def _team_for_change(request, pk) -> SupervisionTeam:
    team = scoped_object_or_404(SupervisionTeam.objects.select_related("division"), request.user, pk=pk)
    write_gate(request.user, "supervision", "change", team)
    return team


@scoped_to(SupervisionTeam)
@login_required
@require_http_methods(["GET", "POST"])
def supervision_team_edit(request, pk):
    """Change a team: its name, leader, members and the townships assigned to it (audited)."""
    team = _team_for_change(request, pk)
    townships = Division.objects.visible_to(request.user).filter(level=Level.TOWNSHIP, county=team.division_id
                                                                 ).order_by("code")
    form = SupervisionTeamForm(request.POST if request.method == "POST" else None, townships=townships, initial={
        "name": team.name, "leader": team.leader, "members": team.members, "townships": list(team.townships.all())})
    restrict_form_fields(form, request.user)
    done = submit(request, form, lambda data: supervision_team_save(user=request.user, county=team.division,
                                                                    team=team, active=team.active, **data),
                  success=reverse("rectification:supervision-team", args=[team.pk]),
                  message=_("The supervision team has been saved."))
    return done or render_form(request, FORM, {"title": _("Change the supervision team"), "team": team}, form)


@scoped_to(SupervisionTeam)
@login_required
@require_http_methods(["GET", "POST"])
def supervision_team_active(request, pk):
    """Deactivate an active team (it records no more inspections; its records stay), or bring an inactive one
    back, with the reason."""
    team = _team_for_change(request, pk)
    form = TeamActiveForm(request.POST if request.method == "POST" else None)
    done = submit(request, form, lambda data: supervision_team_set_active(user=request.user, team=team,
                                                                          active=not team.active, **data),
                  success=reverse("rectification:supervision-team", args=[team.pk]),
                  message=_("The supervision team has been deactivated.") if team.active
                  else _("The supervision team is active again."))
    title = _("Deactivate the supervision team") if team.active else _("Reactivate the supervision team")
    return done or render_form(request, FORM, {"title": title, "team": team}, form)


@scoped_to(SupervisionTeam)
@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request, pk):
    team = scoped_object_or_404(SupervisionTeam.objects.select_related("division"), request.user, pk=pk)
    write_gate(request.user, "supervision", "inspect", team.division)
    form = InspectionForm(request.POST if request.method == "POST" else None,
                          townships=team.townships.order_by("code"), initial={"inspected_on": timezone.localdate()})
    restrict_form_fields(form, request.user)
    done = submit(request, form, lambda data: inspection_record(user=request.user, team=team, **data),
                  success=lambda inspection: reverse("rectification:inspection", args=[inspection.pk]),
                  message=_("The inspection has been recorded."))
    return done or render_form(request, FORM, {"title": _("Record an inspection"), "team": team}, form)


def _inspection(request, pk):
    return scoped_object_or_404(Inspection.objects.select_related("team__division", "division"), request.user, pk=pk)


@scoped_to(Inspection)
@login_required
def inspection_page(request, pk):
    inspection = _inspection(request, pk)
    findings = InspectionFinding.objects.visible_to(request.user).filter(inspection=inspection).select_related(
        "organization", "escalation", "measure", "task")
    return render(request, "rectification/supervision/inspection.html", {
        "inspection": inspection, "findings": findings,
        "may_inspect": can(request.user, "supervision", "inspect", inspection)})


@scoped_to(Inspection)
@login_required
@require_http_methods(["GET", "POST"])
def inspection_finding_create(request, pk):
    inspection = _inspection(request, pk)
    write_gate(request.user, "supervision", "inspect", inspection)
    organizations = Organization.objects.visible_to(request.user).filter(township=inspection.division).order_by(
        "division__code")
    measures = Measure.objects.visible_to(request.user).filter(
        township=inspection.division, cycle__closed_on__isnull=True).select_related("organization").order_by(
        "organization__division__code", "sort_order")
    form = FindingForm(request.POST if request.method == "POST" else None, organizations=organizations,
                       measures=measures)
    restrict_form_fields(form, request.user)
    done = submit(request, form, lambda data: inspection_finding_add(user=request.user, inspection=inspection,
                                                                     **data),
                  success=reverse("rectification:inspection", args=[inspection.pk]),
                  message=_("The finding has been recorded."))
    return done or render_form(request, FORM, {"title": _("Record a finding"), "inspection": inspection}, form)


class FindingExportView(ScopedExportView):
    model = InspectionFinding
    export_name = "inspection-findings"

    def export_response(self, queryset, obj):
        return findings_workbook(self.request.user, queryset.select_related(
            "inspection__team", "inspection__division", "organization", "escalation", "task"))
