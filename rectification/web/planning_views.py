"""Pages of the planning ledger (规划台账): the plans of the scope (and, for a township or a village, its own
organizations in them), a plan against the ledger year by year, its forms (plan, year goal, planned
organization, roll forward) and its workbook for the city. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.exports.excel import user_division
from organizations.history import history_entries
from organizations.models import Division
from organizations.roles import Level
from organizations.web.base import (
    ScopedDetailView,
    ScopedExportView,
    ScopedListView,
    render_form,
    restrict_form_fields,
    scoped_object_or_404,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.planning import plan_workbook_response
from ..models import MultiYearPlan, PlanEntry
from ..selectors import planning as selectors
from ..services import planning as services
from .planning_forms import (
    ConfirmRemoveForm,
    MultiYearPlanForm,
    PlanEntryForm,
    PlanYearGoalForm,
    RollForwardForm,
)

TEMPLATES = "rectification/planning/"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _detail(plan) -> str:
    return reverse("rectification:planning-plan", args=[plan.pk])


class PlanningListView(ScopedListView):
    """规划台账: the multi-year plans in the scope; a township or a village sees its organizations in them."""

    model = MultiYearPlan
    template_name = TEMPLATES + "list.html"
    select_related = ("division",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["own_entries"] = list(selectors.entries_visible(user)[:500]) if not context["object_list"] else []
        context["may_create"] = services.can_create(user)
        return context


class PlanDetailView(ScopedDetailView):
    model = MultiYearPlan
    template_name = TEMPLATES + "detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("division", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comparison"] = selectors.plan_comparison(self.request.user, self.object)
        context["history"] = history_entries(self.object)
        return context


def _plan_arguments(data) -> dict:
    return {name: data[name] for name in services.PLAN_FIELDS}


@scoped_to(MultiYearPlan)
@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    """A county's new multi-year plan (the county organization department)."""
    write_gate(request.user, "planning", "change")
    county = user_division(request.user)
    if county is None or county.level != Level.COUNTY:
        county = Division.objects.visible_to(request.user).filter(level=Level.COUNTY).order_by("code").first()
    form = MultiYearPlanForm(_posted(request))
    done = submit(request, form, lambda data: services.multi_year_plan_create(
        user=request.user, county=county, **_plan_arguments(data)), success=_detail,
        message=_("The multi-year plan has been created."))
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("New multi-year plan"),
                                                                  "county": county}, form)


def _plan(request, pk) -> MultiYearPlan:
    return scoped_object_or_404(MultiYearPlan.objects.select_related("division"), request.user, pk=pk)


@scoped_to(MultiYearPlan)
@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = _plan(request, pk)
    write_gate(request.user, "planning", "change", plan)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    form = MultiYearPlanForm(_posted(request), initial=initial)
    done = submit(request, form, lambda data: services.multi_year_plan_update(
        user=request.user, plan=plan, **_plan_arguments(data)), success=_detail,
        message=_("The multi-year plan has been saved."))
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("Edit the multi-year plan"),
                                                                  "plan": plan, "county": plan.division}, form)


@scoped_to(MultiYearPlan)
@login_required
@require_http_methods(["GET", "POST"])
def plan_goal(request, pk):
    """Set the goal of one year of the plan (``?year=`` chooses the year shown first)."""
    plan = _plan(request, pk)
    write_gate(request.user, "planning", "change", plan)
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isascii() and asked.isdigit() and int(asked) in plan.years else plan.first_year
    current = plan.goals.filter(year=year).first()
    initial = {"year": year, "goal": current.goal if current else "",
               "target_transformed": current.target_transformed if current else 0}
    form = PlanYearGoalForm(_posted(request), initial=initial, years=plan.years)
    done = submit(request, form, lambda data: services.plan_year_goal_set(user=request.user, plan=plan, **data),
                  success=lambda _goal: _detail(plan), message=_("The goal of the year has been saved."))
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("Goal of a plan year"),
                                                                  "plan": plan, "county": plan.division}, form)


@scoped_to(MultiYearPlan)
@login_required
@require_http_methods(["GET", "POST"])
def plan_entry_add(request, pk):
    plan = _plan(request, pk)
    write_gate(request.user, "planning", "change", plan)
    form = PlanEntryForm(_posted(request), plan=plan)
    restrict_form_fields(form, request.user)
    done = submit(request, form, lambda data: services.plan_entry_add(user=request.user, plan=plan, **data),
                  success=lambda _entry: _detail(plan) + "#entries",
                  message=_("The organization has been added to the plan."))
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("Plan an organization"),
                                                                  "plan": plan, "county": plan.division}, form)


@scoped_to(PlanEntry)
@login_required
@require_http_methods(["GET", "POST"])
def plan_entry_remove(request, pk):
    entry = scoped_object_or_404(PlanEntry.objects.select_related("plan", "organization"), request.user, pk=pk)
    write_gate(request.user, "planning", "change", entry)
    plan = entry.plan
    form = ConfirmRemoveForm(_posted(request))
    done = submit(request, form, lambda _data: services.plan_entry_remove(user=request.user, entry=entry),
                  success=_detail(plan) + "#entries", message=_("The organization has been taken off the plan."))
    return done or render_form(request, TEMPLATES + "form.html", {
        "title": _("Take %(organization)s off %(year)s") % {"organization": entry.organization.name,
                                                              "year": entry.year},
        "plan": plan, "county": plan.division}, form)


@scoped_to(MultiYearPlan)
@login_required
@require_http_methods(["GET", "POST"])
def plan_roll_forward(request, pk):
    plan = _plan(request, pk)
    write_gate(request.user, "planning", "change", plan)
    form = RollForwardForm(_posted(request), years=plan.years,
                           initial={"year": plan.rolled_through + 1 if plan.rolled_through else plan.first_year})

    def message(added):
        return _("%(count)s organizations carried into the next year.") % {"count": len(added)}

    done = submit(request, form, lambda data: services.multi_year_plan_roll_forward(
        user=request.user, plan=plan, year=data["year"]), success=lambda _added: _detail(plan), message=message)
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("Roll the plan forward"),
                                                                  "plan": plan, "county": plan.division}, form)


class PlanWorkbookView(ScopedExportView):
    """The plan against the ledger, for the city: the years, then the planned organizations."""

    model = MultiYearPlan
    one_object = True
    export_name = "multi_year_plan"

    def export_response(self, queryset, plan):
        return plan_workbook_response(self.request.user, plan)
