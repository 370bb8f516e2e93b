"""The plan page (一村一策): four essentials and "four ones", cycles, measures and tasks; the task page.

Saves carry the version the user loaded. When someone else saved in between, the service refuses
(ConflictError): the form comes back with the user's typed values, a box listing what the other
person changed, and the current version, so a second deliberate save goes through.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.permissions import can
from organizations.services.common import ConflictError
from organizations.web.base import form_errors_from, scoped_to
from rectification.selectors.progress import plan_progress_panel

from .. import services
from ..models import DesignationStatus, Measure, Plan, PlanStatus, StatusChange, Task
from ..selectors.ledger import contact_leader_choices
from ..services.plans import EDITABLE_PLAN_STATUSES
from .ledger_forms import MeasureForm, PlanForm, TaskAddForm, TaskForm


def conflict_context(exc: ConflictError) -> dict:
    return {"message": exc.messages[0], "changes": exc.changes}


def _rebound(form_class, request, exc: ConflictError, **kwargs):
    """The user's typed values, with the current version: saving again is a deliberate overwrite."""
    data = request.POST.copy()
    data["version"] = str(exc.current_version)
    return form_class(data, **kwargs)


@scoped_to(Plan)
@login_required
@require_http_methods(["GET", "POST"])
def plan_view(request, pk):
    user = request.user
    plan = get_object_or_404(Plan.objects.visible_to(user).select_related(
        "designation", "designation__round", "organization", "township", "contact_leader", "reviewed_by"), pk=pk)
    may_change = can(user, "plan", "change", plan)
    editable = may_change and plan.status in EDITABLE_PLAN_STATUSES
    may_add_work = may_change and (editable or plan.designation.status == DesignationStatus.RECTIFYING)
    open_measures = Measure.objects.filter(plan=plan, cycle__closed_on__isnull=True)
    plan_form = PlanForm(instance=plan, contact_leaders=contact_leader_choices(plan))
    measure_form, task_form = MeasureForm(), TaskAddForm(measures=open_measures)
    conflict = None
    if request.method == "POST":
        kind = request.POST.get("form")
        if not may_change:
            raise PermissionDenied
        try:
            if kind == "plan":
                plan_form = PlanForm(request.POST, instance=Plan.objects.get(pk=plan.pk),
                                     contact_leaders=contact_leader_choices(plan))
                if plan_form.is_valid():
                    fields = {name: plan_form.cleaned_data[name] for name in PlanForm.Meta.fields}
                    services.plan_update(user=user, plan=plan, expected_version=plan_form.cleaned_data["version"],
                                         **fields)
                    messages.success(request, _("Plan saved."))
                    return redirect("rectification:plan", pk=plan.pk)
            elif kind == "measure":
                measure_form = MeasureForm(request.POST)
                if measure_form.is_valid():
                    services.measure_add(user=user, plan=plan, **measure_form.cleaned_data)
                    messages.success(request, _("Measure added."))
                    return redirect("rectification:plan", pk=plan.pk)
            elif kind == "task":
                task_form = TaskAddForm(request.POST, measures=open_measures)
                if task_form.is_valid():
                    services.task_add(user=user, **task_form.cleaned_data)
                    messages.success(request, _("Task added."))
                    return redirect("rectification:plan", pk=plan.pk)
            else:
                messages.error(request, _("Unknown form."))
                return redirect("rectification:plan", pk=plan.pk)
        except ConflictError as exc:
            conflict = conflict_context(exc)
            plan_form = _rebound(PlanForm, request, exc, instance=Plan.objects.get(pk=plan.pk),
                                 contact_leaders=contact_leader_choices(plan))
        except ValidationError as exc:
            target = {"plan": plan_form, "measure": measure_form, "task": task_form}[kind]
            form_errors_from(exc, target)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("Your role may not do this."))
            return redirect("rectification:plan", pk=plan.pk)
    cycles = list(plan.cycles.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("sort_order", "pk").prefetch_related(
            Prefetch("tasks", queryset=Task.objects.order_by("deadline", "pk"))))))
    returned = None
    if plan.status == PlanStatus.RETURNED:
        returned = (StatusChange.objects.visible_to(user).filter(designation_id=plan.designation_id,
                                                                 action="return_plan")
                    .select_related("user").order_by("-created_at", "-pk").first())
    return render(request, "rectification/ledger/plan.html", {
        "plan": plan, "returned": returned, "designation": plan.designation, "cycles": cycles,
        "plan_form": plan_form, "measure_form": measure_form, "task_form": task_form,
        "editable": editable, "may_add_work": may_add_work and open_measures is not None,
        "has_measures": open_measures.exists(), "conflict": conflict, "today": timezone.localdate(),
        "panel": plan_progress_panel(user, plan),
    })


@scoped_to(Task)
@login_required
@require_http_methods(["GET", "POST"])
def task_view(request, pk):
    user = request.user
    task = get_object_or_404(Task.objects.visible_to(user).select_related(
        "plan", "plan__designation", "measure", "cycle", "organization"), pk=pk)
    may_change = can(user, "task", "change", task) and task.cycle.closed_on is None
    form = TaskForm(instance=task)
    conflict = None
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = TaskForm(request.POST, instance=Task.objects.get(pk=task.pk))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in TaskForm.Meta.fields}
            try:
                services.task_update(user=user, task=task, expected_version=form.cleaned_data["version"], **fields)
            except ConflictError as exc:
                conflict = conflict_context(exc)
                form = _rebound(TaskForm, request, exc, instance=Task.objects.get(pk=task.pk))
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, _("Task saved."))
                return redirect("rectification:plan", pk=task.plan_id)
    return render(request, "rectification/ledger/task.html", {
        "task": task, "plan": task.plan, "form": form, "may_change": may_change, "conflict": conflict,
    })
