"""Helpers of the satisfaction tests (no test here): an organization that applied for acceptance."""

from __future__ import annotations

import datetime as dt

from evaluations.services import satisfaction as services
from organizations.models import Organization
from organizations.roles import Role
from rectification import services as ledger
from rectification.models import Category, Round
from rectification.services.checks import acceptance_record
from rectification.tests.plan_support import complete_plan, finish_tasks, plan_started


def evaluator(demo, make_persona, username="evaluator1", division=None):
    return make_persona(username, role=Role.EVALUATOR, division=division or demo.county1)


def fresh_organization(demo, township=None) -> Organization:
    """An organization of ``township`` (default 林安镇) not on any list yet."""
    township = township or demo.township_a
    return (Organization.objects.filter(township=township, designations__isnull=True, division__level="village")
            .order_by("pk").first())


def acceptance_requested(demo, *, organization=None, year=2097, acceptance: str | None = "passed"):
    """A designation walked to "acceptance requested" through the services (a round of its own), with its
    year-end acceptance meeting of result ``acceptance`` (None: not held yet)."""
    admin = demo.users["county_admin"]
    organization = organization or fresh_organization(demo)
    round_ = Round.objects.filter(county=demo.county1, year=year).first() or ledger.round_create(
        user=admin, county=demo.county1, year=year)
    designation = ledger.designation_propose(user=admin, round=round_, organization=organization,
                                             categories=list(Category.objects.filter(code="RSHS04")),
                                             problems="组织生活不正常。")
    designation = ledger.designation_confirm(user=admin, designation=designation)
    plan = plan_started(admin, designation, on=dt.date(2026, 3, 1))
    plan = complete_plan(admin, plan, deadline=dt.date(2026, 12, 31), objectives="规范组织生活",
                         responsible_person="黄丽华")
    measure = ledger.measure_add(user=admin, plan=plan, title="规范“三会一课”", family="mechanism",
                                 problem=plan.problems.first())
    ledger.task_add(user=admin, measure=measure, title="制定学习计划", owner_name="黄丽华",
                    deadline=dt.date(2026, 5, 31))
    finish_tasks(admin, plan)  # every task done: acceptance may be applied for
    for action in ("submit_plan", "approve_plan", "request_acceptance"):  # acceptance opens at the year end
        designation = ledger.designation_transition(user=admin, designation=designation, action=action,
                                                    today=dt.date(year, 12, 1))
    if acceptance is not None:
        acceptance_record(user=admin, designation=designation, held_on=dt.date.today(), members="县委组织部验收组",
                          opinions="同意进行满意度测评。", result=acceptance)
    return designation


def closed_evaluation(demo, counts: dict[str, tuple[int, int, int, int]], *, user=None, organization=None,
                      year=2097):
    """An evaluation opened, counted per group ({kind: (s, b, d, a)}) and closed by ``user``."""
    user = user or demo.users["county_admin"]
    designation = acceptance_requested(demo, organization=organization, year=year)
    evaluation = services.evaluation_create(user=user, designation=designation)
    groups = {g.kind: g for g in evaluation.groups.all()}
    for kind, (s, b, d, a) in counts.items():
        services.voter_group_counts(user=user, group=groups[kind], satisfied=s, basically_satisfied=b,
                                    dissatisfied=d, abstained=a)
    return services.evaluation_close(user=user, evaluation=evaluation)
