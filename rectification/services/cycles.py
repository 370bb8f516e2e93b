"""Re-rectification: a new cycle of the plan that carries over what is unresolved, back to the county.

After a failed satisfaction evaluation (``re_rectify``) or a relapse found in the follow-up review
(``relapse``), ``cycle_reopen`` closes the current cycle (it stays readable and unchanged), opens the next
one with its deadline (given, or ``re_rectification_months`` of the policy from its start), copies into it
the measures that still have open tasks (each still answering its problem of the problem list) together
with those tasks (same owner, status and progress, the new
cycle's deadline), and sends the plan back to the county for approval (plan status "awaiting approval";
see rectification/lifecycle.py).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction

from organizations.policies import PolicyBook
from organizations.services.common import by

from ..models import Measure, Plan, PlanCycle, PlanStatus, Task, TaskStatus
from .plans import cycle_open


def re_rectification_deadline(organization, started_on: dt.date) -> dt.date:
    """The deadline of a re-rectification cycle starting on ``started_on``: the policy's months later."""
    months = PolicyBook(["re_rectification_months"]).for_organization(organization)["re_rectification_months"]
    return started_on + relativedelta(months=int(months))


@transaction.atomic
def cycle_reopen(*, user, plan: Plan, started_on: dt.date, deadline: dt.date | None, reason: str) -> PlanCycle:
    plan = Plan.objects.select_for_update().select_related("organization").get(pk=plan.pk)
    previous = plan.cycles.order_by("-number").first()
    deadline = deadline or re_rectification_deadline(plan.organization, started_on)
    cycle = cycle_open(user=user, plan=plan, started_on=started_on, deadline=deadline, reason=reason.strip())
    if previous is not None:
        _carry_over(user, plan, previous, cycle)
    plan.status = PlanStatus.SUBMITTED
    plan.version += 1
    by(plan, user).save()
    return cycle


def _carry_over(user, plan: Plan, previous: PlanCycle, cycle: PlanCycle) -> None:
    """Copy the measures of ``previous`` with open tasks, and those tasks, into ``cycle`` (audited saves)."""
    open_tasks = list(Task.objects.filter(cycle=previous).exclude(status=TaskStatus.DONE)
                      .select_related("measure").order_by("measure__sort_order", "measure_id", "deadline", "pk"))
    copies: dict[int, Measure] = {}
    for task in open_tasks:
        source = task.measure
        measure = copies.get(source.pk)
        if measure is None:
            measure = Measure(plan=plan, cycle=cycle, title=source.title, family=source.family,
                              problem_id=source.problem_id, sort_order=len(copies) + 1)
            measure.copy_scope_from(plan)
            by(measure, user).save()
            copies[source.pk] = measure
        copy = Task(measure=measure, plan=plan, cycle=cycle, title=task.title, owner_name=task.owner_name,
                    owner_id=task.owner_id, deadline=cycle.deadline, status=task.status, progress=task.progress)
        copy.copy_scope_from(plan)
        by(copy, user).save()
