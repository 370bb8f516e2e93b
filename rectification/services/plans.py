"""The plan, its cycles, measures and tasks. Saves carry the version the user loaded: no lost updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.services.common import by, check_version, require

from ..models import (
    Designation,
    DesignationStatus,
    Measure,
    Plan,
    PlanCycle,
    PlanProblem,
    PlanStatus,
    Task,
    TaskStatus,
)
from ..rules.plan_gates import task_deadline_problem, task_state_problem

#: What the plan's form and API edit. Of the "four ones" only the township leader is the plan's: the contact
#: leader, the first secretary and the helping unit are the cadres records (rectification.selectors.four_ones).
PLAN_FIELDS = ("objectives", "cause_analysis", "deadline", "responsible_unit", "responsible_person",
               "township_leader", "secretary_adjusted", "secretary_trained")
TASK_FIELDS = ("title", "owner_name", "owner", "deadline", "status", "progress")
EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)


@transaction.atomic
def plan_ensure(*, user, designation: Designation) -> Plan:
    """The designation's plan, created (as a draft with its first cycle) when it has none."""
    existing = Plan.objects.filter(designation=designation).first()
    if existing is not None:
        return existing
    require(user, "plan", "change", designation)
    if designation.status not in (DesignationStatus.DESIGNATED, DesignationStatus.RECTIFYING):
        raise ValidationError(_("A plan is written once the designation is confirmed."))
    plan = Plan(designation=designation)
    plan.copy_scope_from(designation)
    by(plan, user).save()
    cycle_open(user=user, plan=plan, started_on=timezone.localdate(), deadline=None, reason="")
    return plan


@transaction.atomic
def plan_update(*, user, plan: Plan, expected_version: int | None, **fields: Any) -> Plan:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(user, "plan", "change", plan)
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise ValidationError(_("An approved or submitted plan cannot be edited; the county may return it."))
    check_version(plan, expected_version)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.version += 1
    by(plan, user).save()
    return plan


@transaction.atomic
def cycle_open(*, user, plan: Plan, started_on: dt.date, deadline: dt.date | None, reason: str) -> PlanCycle:
    """A new rectification cycle; the previous one is closed and stays readable."""
    previous = plan.cycles.order_by("-number").first()
    if previous is not None and previous.closed_on is None:
        previous.closed_on = started_on
        by(previous, user).save()
    cycle = PlanCycle(plan=plan, number=(previous.number + 1) if previous else 1, started_on=started_on,
                      deadline=deadline, reason=reason)
    cycle.copy_scope_from(plan)
    by(cycle, user).save()
    return cycle


def _open_cycle(plan: Plan) -> PlanCycle:
    cycle = plan.cycles.order_by("-number").first()
    if cycle is None or cycle.closed_on is not None:
        raise ValidationError(_("The plan has no open cycle."))
    return cycle


def _may_add_work(plan: Plan) -> None:
    if plan.status not in EDITABLE_PLAN_STATUSES and plan.designation.status != DesignationStatus.RECTIFYING:
        raise ValidationError(_("Measures and tasks are added while the plan is a draft or during rectification."))


def _check_problem(plan: Plan, problem: PlanProblem | None) -> None:
    """The problem a measure answers is one of its own plan's problem list."""
    if problem is not None and problem.plan_id != plan.pk:
        raise ValidationError({"problem": _("Choose a problem of this plan's problem list.")})


@transaction.atomic
def measure_add(*, user, plan: Plan, title: str, family: str = "other",
                problem: PlanProblem | None = None) -> Measure:
    """A measure of the plan's open cycle answering ``problem`` (one of the plan's problem list; the content
    gate refuses to submit a plan whose current measures answer none)."""
    require(user, "plan", "change", plan)
    _may_add_work(plan)
    _check_problem(plan, problem)
    measure = Measure(plan=plan, cycle=_open_cycle(plan), title=title.strip(), family=family, problem=problem,
                      sort_order=plan.measures.count() + 1)
    measure.copy_scope_from(plan)
    measure.full_clean()
    by(measure, user).save()
    return measure


@transaction.atomic
def measure_update(*, user, measure: Measure, title: str, family: str, problem: PlanProblem | None) -> Measure:
    """Change a measure of the open cycle: its wording, kind and the problem it answers."""
    measure = Measure.objects.select_for_update().select_related("plan", "cycle").get(pk=measure.pk)
    plan = measure.plan
    require(user, "plan", "change", plan)
    _may_add_work(plan)
    if measure.cycle.closed_on is not None:
        raise ValidationError(_("This measure belongs to an earlier, closed cycle of the plan."))
    _check_problem(plan, problem)
    measure.title, measure.family, measure.problem = title.strip(), family, problem
    measure.full_clean()
    by(measure, user).save()
    return measure


@transaction.atomic
def task_add(*, user, measure: Measure, title: str, owner_name: str, deadline: dt.date, owner=None) -> Task:
    plan = measure.plan
    require(user, "plan", "change", plan)
    _may_add_work(plan)
    if measure.cycle.closed_on is not None:
        raise ValidationError({"measure": _("This measure belongs to an earlier, closed cycle of the plan.")})
    _check_deadline(plan, measure.cycle, deadline)
    task = Task(measure=measure, plan=plan, cycle=measure.cycle, title=title.strip(), owner_name=owner_name.strip(),
                owner=owner, deadline=deadline)
    task.copy_scope_from(plan)
    task.full_clean()
    by(task, user).save()
    return task


@transaction.atomic
def task_update(*, user, task: Task, expected_version: int | None, **fields: Any) -> Task:
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown task fields: {sorted(unknown)}")
    task = Task.objects.select_for_update().select_related("cycle").get(pk=task.pk)
    require(user, "task", "change", task)
    if task.cycle.closed_on is not None:
        raise ValidationError(_("This task belongs to an earlier, closed cycle of the plan; it can no longer be "
                                "changed."))
    check_version(task, expected_version)
    if "deadline" in fields and fields["deadline"] != task.deadline:
        _check_deadline(task.plan, task.cycle, fields["deadline"])
    for name, value in fields.items():
        setattr(task, name, value)
    _settle_state(task, status_given="status" in fields, progress_given="progress" in fields)
    task.completed_on = (task.completed_on or timezone.localdate()) if task.status == TaskStatus.DONE else None
    task.full_clean()
    task.version += 1
    by(task, user).save()
    return task


def _check_deadline(plan: Plan, cycle: PlanCycle, deadline: dt.date | None) -> None:
    problem = task_deadline_problem(plan, cycle, deadline)
    if problem:
        raise ValidationError({"deadline": problem})


def _settle_state(task: Task, *, status_given: bool, progress_given: bool) -> None:
    """Status and progress agree (done ⇔ 100%, not started ⇒ 0%). Given together, a mismatch is refused with
    its reason; given alone, one follows the other (done → 100%, not started → 0%, 100% → done, a progress
    between → in progress)."""
    if status_given and not progress_given:
        if task.status == TaskStatus.DONE:
            task.progress = 100
        elif task.status == TaskStatus.PENDING:
            task.progress = 0
    elif progress_given and not status_given:
        if task.progress == 100:
            task.status = TaskStatus.DONE
        elif task.progress > 0 or task.status == TaskStatus.DONE:
            task.status = TaskStatus.IN_PROGRESS
    problem = task_state_problem(task.status, task.progress)
    if problem:
        raise ValidationError({"progress" if progress_given else "status": problem})
