"""The plan's problem list (问题清单): problems from the catalogue, each with how it shows here and its cause.

Edited while the plan is a draft or returned, like the four essentials: the county approves the list with
the plan. A problem that measures answer is not removed (link those measures to another problem first).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from organizations.services.common import by, require

from ..models import Measure, Plan, PlanProblem
from .plans import EDITABLE_PLAN_STATUSES

#: What the problem form and the API edit.
PROBLEM_FIELDS = ("item", "description", "cause_analysis")


def _editable(user, plan: Plan) -> None:
    require(user, "plan", "change", plan)
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise ValidationError(_("An approved or submitted plan cannot be edited; the county may return it."))


@transaction.atomic
def problem_add(*, user, plan: Plan, item: str, description: str, cause_analysis: str) -> PlanProblem:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _editable(user, plan)
    last = PlanProblem.objects.filter(plan=plan).aggregate(last=Max("sort_order"))["last"] or 0
    problem = PlanProblem(plan=plan, item=item, description=description.strip(),
                          cause_analysis=cause_analysis.strip(), sort_order=last + 1)
    problem.copy_scope_from(plan)
    problem.full_clean()
    by(problem, user).save()
    return problem


@transaction.atomic
def problem_update(*, user, problem: PlanProblem, item: str, description: str, cause_analysis: str) -> PlanProblem:
    problem = PlanProblem.objects.select_for_update().select_related("plan").get(pk=problem.pk)
    _editable(user, problem.plan)
    problem.item, problem.description, problem.cause_analysis = item, description.strip(), cause_analysis.strip()
    problem.full_clean()
    by(problem, user).save()
    return problem


@transaction.atomic
def problem_remove(*, user, problem: PlanProblem) -> Plan:
    """Delete the problem (the audit trail keeps it); refused while measures answer it."""
    problem = PlanProblem.objects.select_for_update().select_related("plan").get(pk=problem.pk)
    plan = problem.plan
    _editable(user, plan)
    answering = list(Measure.objects.filter(problem=problem).order_by("cycle__number", "sort_order", "pk")
                     .values_list("title", flat=True))
    if answering:
        raise ValidationError(_("Measures answer this problem: %(measures)s. Link them to another problem "
                                "first.") % {"measures": "、".join(answering)})
    by(problem, user).delete()
    return plan
