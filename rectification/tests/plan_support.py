"""Helpers of the plan tests (no test here): a plan filled the way the content gates want it."""

from __future__ import annotations

import datetime as dt

from rectification import services

#: The four essentials (四明确) and the "four ones" (四个一) of a complete plan.
COMPLETE_PLAN = {
    "objectives": "配齐配强村“两委”班子，规范组织生活", "cause_analysis": "书记年龄偏大，组织生活不正常",
    "deadline": None, "responsible_unit": "林安镇党委", "responsible_person": "黄丽华（镇党委书记）",
    "contact_leader_name": "陈建国（县委常委）", "township_leader": "林志强（镇党委副书记）",
    "first_secretary": "郑文斌", "first_secretary_unit": "县委组织部", "helping_unit": "县财政局",
}


#: The problem (问题清单) of a complete plan: a catalogue item, how it shows, its cause analysis.
PROBLEM = {"item": "RSHS04", "description": "组织生活不正常，党员大会长期未召开。",
           "cause_analysis": "书记抓党建意识不强，组织生活制度执行不严。"}


def complete_plan(user, plan, *, deadline: dt.date, **overrides):
    """Fill the plan's four essentials and four ones (``deadline`` is the plan's) and give it a problem with its
    cause analysis that its measures answer (``plan_problem``); a blank override leaves that item missing. Four ones the plan does not hold itself are given to the organization as cadres records."""
    from rectification.services.plans import PLAN_FIELDS

    fields = {**COMPLETE_PLAN, "deadline": deadline, **overrides}
    elsewhere = {k: v for k, v in fields.items() if k not in PLAN_FIELDS}
    if elsewhere:
        _four_ones_records(plan.organization, elsewhere)
    plan.refresh_from_db()
    plan = services.plan_update(user=user, plan=plan, expected_version=plan.version,
                                **{k: v for k, v in fields.items() if k in PLAN_FIELDS})
    plan_problem(user, plan)
    return plan


def plan_problem(user, plan):
    """The plan's first problem (问题清单), listed with its cause analysis when the plan has none; the measures of
    the open cycle that answer no problem are linked to it (a complete plan's measures each answer one)."""
    from rectification.models import Measure, PlanProblem

    problem = PlanProblem.objects.filter(plan=plan).order_by("sort_order", "pk").first()
    if problem is None:
        problem = services.problem_add(user=user, plan=plan, **PROBLEM)
    for measure in Measure.objects.filter(plan=plan, cycle__closed_on__isnull=True, problem__isnull=True):
        services.measure_update(user=user, measure=measure, title=measure.title, family=measure.family,
                                problem=problem)
    return problem


def _four_ones_records(organization, fields) -> None:
    from rectification.tests.publishing_support import add_four_ones

    def given(key):
        return (fields.get(key) or "").strip()

    name, _sep, post = given("contact_leader_name").partition("（")
    add_four_ones(organization,
                  contact_leader=(name, post.rstrip("）")) if name else None,
                  first_secretary=(given("first_secretary"), given("first_secretary_unit"))
                  if given("first_secretary") else None,
                  helping_unit=given("helping_unit") or None)


def finish_tasks(user, plan) -> None:
    """Mark every open task of the plan's current cycle done (so that acceptance may be applied for)."""
    from rectification.rules.plan_gates import open_tasks

    for task in open_tasks(plan):
        services.task_update(user=user, task=task, expected_version=task.version, status="done", progress=100)


#: The plan page's form fields of a complete plan besides objectives, deadline and responsible person.
PLAN_FORM = {key: value for key, value in COMPLETE_PLAN.items()
             if key not in ("objectives", "deadline", "responsible_person")}


def plan_started(user, designation, on: dt.date = dt.date(1999, 12, 1)):
    """``plan_ensure`` as if the plan was written on ``on`` (its first cycle starts then): tasks may then be due
    on any day after it, e.g. long overdue ones."""
    from rectification.demo.ledger import clock

    with clock(on):
        return services.plan_ensure(user=user, designation=designation)
