"""The plan page (一村一策): four essentials and "four ones", cycles, measures and tasks; the task page.

Saves carry the version the user loaded. When someone else saved in between, the service refuses
(ConflictError): the form comes back with the user's typed values, a box listing what the other
person changed, and the current version, so a second deliberate save goes through.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.permissions import can
from organizations.services.common import ConflictError
from organizations.web.base import render_form, scoped_object_or_404, scoped_to, submit, write_gate

from .. import services
from ..models import DesignationStatus, Measure, Plan, PlanProblem, PlanStatus, StatusChange, Task
from ..selectors.four_ones import FOUR_ONES_LABELS, four_ones_missing, four_ones_of_organization
from ..selectors.progress import plan_progress_panel
from ..services.plans import EDITABLE_PLAN_STATUSES
from ..services.problems import PROBLEM_FIELDS
from .ledger_forms import MeasureForm, PlanForm, ProblemForm, TaskAddForm, TaskForm


def conflict_context(exc: ConflictError) -> dict:
    return {"message": exc.messages[0], "changes": exc.changes}


def _rebound(form_class, request, exc: ConflictError, **kwargs):
    """The user's typed values, with the current version: saving again is a deliberate overwrite."""
    data = request.POST.copy()
    data["version"] = str(exc.current_version)
    return form_class(data, **kwargs)


class _Conflict:
    """Catches the ConflictError of a versioned save for the page's conflict box (submit() sees it too)."""

    def __init__(self):
        self.error: ConflictError | None = None

    def __call__(self, save):
        def perform(data):
            try:
                return save(data)
            except ConflictError as exc:
                self.error = exc
                raise

        return perform


@scoped_to(Plan)
@login_required
@require_http_methods(["GET", "POST"])
def plan_view(request, pk):
    user = request.user
    plan = scoped_object_or_404(Plan.objects.select_related(
        "designation", "designation__round", "organization", "township", "reviewed_by"),
        user, pk=pk)
    may_change = can(user, "plan", "change", plan)
    editable = may_change and plan.status in EDITABLE_PLAN_STATUSES
    may_add_work = may_change and (editable or plan.designation.status == DesignationStatus.RECTIFYING)
    open_measures = Measure.objects.filter(plan=plan, cycle__closed_on__isnull=True)
    plan_problems = PlanProblem.objects.visible_to(user).filter(plan=plan).order_by("sort_order", "pk")
    plan_form, problem_form = PlanForm(instance=plan), ProblemForm()
    measure_form, task_form = MeasureForm(problems=plan_problems), TaskAddForm(measures=open_measures)
    conflict = _Conflict()
    if request.method == "POST":
        write_gate(user, "plan", "change", plan)
        kind = request.POST.get("form")
        if kind == "plan":
            plan_form = form = PlanForm(request.POST, instance=Plan.objects.get(pk=plan.pk))
            perform = conflict(lambda data: services.plan_update(
                user=user, plan=plan, expected_version=data["version"],
                **{name: data[name] for name in PlanForm.Meta.fields}))
            message = _("Plan saved.")
        elif kind == "problem":
            problem_form = form = ProblemForm(request.POST)
            perform = lambda data: services.problem_add(user=user, plan=plan, **data)  # noqa: E731
            message = _("Problem added to the problem list.")
        elif kind == "measure":
            measure_form = form = MeasureForm(request.POST, problems=plan_problems)
            perform = lambda data: services.measure_add(user=user, plan=plan, **data)  # noqa: E731
            message = _("Measure added.")
        elif kind == "task":
            task_form = form = TaskAddForm(request.POST, measures=open_measures)
            perform = lambda data: services.task_add(user=user, **data)  # noqa: E731
            message = _("Task added.")
        else:
            raise SuspiciousOperation("unknown plan form")
        done = submit(request, form, perform, success=reverse("rectification:plan", args=[plan.pk]), message=message)
        if done:
            return done
        if conflict.error is not None:
            plan_form = _rebound(PlanForm, request, conflict.error, instance=Plan.objects.get(pk=plan.pk))
    cycles = list(plan.cycles.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.select_related("problem").order_by("sort_order", "pk")
                 .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.order_by("deadline", "pk"))))))
    returned = None
    if plan.status == PlanStatus.RETURNED:
        returned = (StatusChange.objects.visible_to(user).filter(designation_id=plan.designation_id,
                                                                 action="return_plan")
                    .select_related("user").order_by("-created_at", "-pk").first())
    refused = request.method == "POST"  # a POST that did not redirect was refused
    supporters = four_ones_of_organization(plan.organization_id)
    return render(request, "rectification/ledger/plan.html", {
        "plan": plan, "returned": returned, "designation": plan.designation, "cycles": cycles,
        "plan_form": plan_form, "measure_form": measure_form, "task_form": task_form,
        "problems": list(plan_problems), "problem_form": problem_form,
        "editable": editable, "may_add_work": may_add_work and open_measures is not None,
        "has_measures": open_measures.exists(), "today": timezone.localdate(),
        "conflict": conflict_context(conflict.error) if conflict.error else None,
        "panel": plan_progress_panel(user, plan),
        "four_ones": supporters, "four_ones_missing": [FOUR_ONES_LABELS[part] for part in four_ones_missing(
            plan, found=supporters)],
    }, status=400 if refused else 200)


@scoped_to(PlanProblem)
@login_required
@require_http_methods(["GET", "POST"])
def problem_view(request, pk):
    """One problem of the plan's problem list: edited or removed while the plan may be edited."""
    user = request.user
    problem = scoped_object_or_404(PlanProblem.objects.select_related("plan", "organization"), user, pk=pk)
    plan = problem.plan
    may_change = can(user, "plan", "change", plan) and plan.status in EDITABLE_PLAN_STATUSES
    form, remove_form = ProblemForm(initial={name: getattr(problem, name) for name in PROBLEM_FIELDS}), RemoveForm()
    success = reverse("rectification:plan", args=[plan.pk]) + "#problems"
    if request.method == "POST":
        write_gate(user, "plan", "change", plan)
        if request.POST.get("form") == "remove":
            remove_form = RemoveForm(request.POST)
            done = submit(request, remove_form, lambda _data: services.problem_remove(user=user, problem=problem),
                          success=success, message=_("Problem removed from the problem list."))
        else:
            form = ProblemForm(request.POST)
            done = submit(request, form, lambda data: services.problem_update(user=user, problem=problem, **data),
                          success=success, message=_("Problem saved."))
        if done:
            return done
    return render(request, "rectification/ledger/problem.html", {
        "problem": problem, "plan": plan, "may_change": may_change, "form": form, "remove_form": remove_form,
        "measures": list(problem.measures.order_by("cycle__number", "sort_order", "pk")),
    }, status=400 if request.method == "POST" else 200)


class RemoveForm(forms.Form):
    """The confirmation of a removal (no field: the button)."""


@scoped_to(Measure)
@login_required
@require_http_methods(["GET", "POST"])
def measure_view(request, pk):
    """A measure of the open cycle: its wording, kind and the problem it answers."""
    user = request.user
    measure = scoped_object_or_404(Measure.objects.select_related("plan", "plan__designation", "cycle", "problem",
                                                                  "organization"), user, pk=pk)
    plan = measure.plan
    may_change = (can(user, "plan", "change", plan) and measure.cycle.closed_on is None
                  and (plan.status in EDITABLE_PLAN_STATUSES
                       or plan.designation.status == DesignationStatus.RECTIFYING))
    plan_problems = PlanProblem.objects.visible_to(user).filter(plan=plan).order_by("sort_order", "pk")
    form = MeasureForm(problems=plan_problems, initial={"title": measure.title, "family": measure.family,
                                                        "problem": measure.problem_id})
    if request.method == "POST":
        write_gate(user, "plan", "change", plan)
        form = MeasureForm(request.POST, problems=plan_problems)
        done = submit(request, form, lambda data: services.measure_update(user=user, measure=measure, **data),
                      success=reverse("rectification:plan", args=[plan.pk]) + "#measures",
                      message=_("Measure saved."))
        if done:
            return done
    return render_form(request, "rectification/ledger/measure.html", {
        "measure": measure, "plan": plan, "may_change": may_change}, form)


@scoped_to(Task)
@login_required
@require_http_methods(["GET", "POST"])
def task_view(request, pk):
    user = request.user
    task = scoped_object_or_404(Task.objects.select_related(
        "plan", "plan__designation", "measure", "cycle", "organization"), user, pk=pk)
    may_change = can(user, "task", "change", task) and task.cycle.closed_on is None
    form = TaskForm(instance=task)
    conflict = _Conflict()
    if request.method == "POST":
        write_gate(user, "task", "change", task)
        form = TaskForm(request.POST, instance=Task.objects.get(pk=task.pk))
        done = submit(request, form, conflict(lambda data: services.task_update(
            user=user, task=task, expected_version=data["version"],
            **{name: data[name] for name in TaskForm.Meta.fields})),
            success=reverse("rectification:plan", args=[task.plan_id]), message=_("Task saved."))
        if done:
            return done
        if conflict.error is not None:
            form = _rebound(TaskForm, request, conflict.error, instance=Task.objects.get(pk=task.pk))
    return render(request, "rectification/ledger/task.html", {
        "task": task, "plan": task.plan, "form": form, "may_change": may_change,
        "conflict": conflict_context(conflict.error) if conflict.error else None,
    }, status=400 if request.method == "POST" else 200)
