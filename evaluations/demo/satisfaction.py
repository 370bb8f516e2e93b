"""Demo satisfaction evaluations of county 1 (called by evaluations.demo.seed_evaluations).

* every closed-out designation (the 32 rectified organizations, consolidating or consolidated) has a
  decided evaluation held a few days before its close-out, with two voter groups and a rate above 80%;
* 汾山村 (钟山镇) applied for acceptance, failed its evaluation (below 80%) and is rectifying again in a
  second plan cycle: made through the services, so the lifecycle and the cycle are real;
* 濂前社区 (榜头镇) is under evaluation: voting is open, the Party members' tally is in, a few one-time
  links were made and some of them used.

Idempotent: a designation that already has an evaluation is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from organizations.policies import effective_policy
from organizations.services.common import by
from rectification.demo.checks import record_acceptance
from rectification.demo.ledger import clock
from rectification.models import Designation, DesignationStatus
from rectification.services import designations as lifecycle

from ..models import Decision, Evaluation, EvaluationStatus, VoterGroup, VoterGroupKind
from ..rules.satisfaction_rate import Counts, Rule, compute_rate, rule_snapshot
from ..services import satisfaction as services

FAILED_VILLAGE = "汾山村"
EVALUATING_VILLAGE = "濂前社区"
GROUPS = ((VoterGroupKind.PARTY_MEMBERS, (8, 14)), (VoterGroupKind.PUBLIC, (6, 14)))


def seed(county, *, accounts) -> None:
    admin = accounts["county_admin"]
    closed = list(Designation.objects.filter(county=county, closed_out_on__isnull=False, evaluations__isnull=True)
                  .select_related("organization__division").order_by("pk"))
    for designation in closed:
        _passed(designation, admin)
    current = Designation.objects.filter(county=county, evaluations__isnull=True).select_related(
        "organization__division")
    failed = current.filter(organization__division__name=FAILED_VILLAGE,
                            status=DesignationStatus.RECTIFYING).order_by("-round__year").first()
    if failed is not None:
        _failed(failed, admin)
    evaluating = current.filter(organization__division__name=EVALUATING_VILLAGE,
                                status=DesignationStatus.RECTIFYING).order_by("-round__year").first()
    if evaluating is not None:
        _voting(evaluating, admin)


def _group_counts(rng: random.Random, low: int, high: int) -> dict[str, int]:
    size = rng.randint(low, high)
    counts = {"dissatisfied": int(rng.random() < 0.4), "abstained": int(rng.random() < 0.3),
              "invalid": int(rng.random() < 0.1), "basically_satisfied": rng.randint(1, 4)}
    counts["satisfied"] = size - sum(counts.values())
    return {"size": size, **counts}


def _passed(designation: Designation, admin) -> None:
    """A decided evaluation before the close-out (the lifecycle already shows the acceptance)."""
    rng = random.Random(f"demo-evaluation-{designation.organization.division.code}")
    closed_on = designation.closed_out_on
    held_on = closed_on - dt.timedelta(days=rng.randint(2, 4))
    policy = rule_snapshot(effective_policy(designation.organization.division), designation.organization.category)
    with clock(closed_on - dt.timedelta(days=6), hour=16):
        evaluation = Evaluation(designation=designation, held_on=held_on, opened_by=admin,
                                title=f"{designation.organization.name}整顿验收满意度测评")
        evaluation.copy_scope_from(designation)
        by(evaluation, admin).save()
        total = Counts()
        for kind, (low, high) in GROUPS:
            values = _group_counts(rng, low, high)
            group = VoterGroup(evaluation=evaluation, kind=kind, **values)
            group.copy_scope_from(evaluation)
            by(group, admin).save()
            total = total + Counts.of(group)
    result = compute_rate(total, Rule.from_policy(policy))
    with clock(held_on, hour=17):
        for field in services.COUNT_FIELDS:
            setattr(evaluation, field, getattr(total, field))
        evaluation.policy, evaluation.rate = policy, result.rate
        evaluation.status, evaluation.closed_by, evaluation.closed_at = EvaluationStatus.CLOSED, admin, timezone.now()
        by(evaluation, admin).save()
    with clock(closed_on, hour=15):
        evaluation.status, evaluation.decision = EvaluationStatus.DECIDED, Decision.ACCEPTED
        evaluation.decided_at, evaluation.decided_by = timezone.now(), admin
        evaluation.decision_note = f"满意度为{result.rate}%，达到{policy['satisfaction_threshold']}%的标准，同意验收销号。"
        by(evaluation, admin).save()


def _failed(designation: Designation, admin) -> None:
    """Applied for acceptance, evaluated below the threshold, rectifying again (a second plan cycle)."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=40)
    with clock(start - dt.timedelta(days=1), hour=15):
        lifecycle.acceptance_exception_record(user=admin, designation=designation, reason=(
            "征地遗留问题的协调已有明确时间表，其余任务年底前完成；经县委组织部研究，同意先行申请验收。"))
    with clock(start, hour=10):
        designation = lifecycle.designation_transition(user=admin, designation=designation,
                                                       action="request_acceptance", today=start)
    record_acceptance(designation, admin, start + dt.timedelta(days=3), clock)  # the acceptance meeting
    with clock(start + dt.timedelta(days=5), hour=15):
        evaluation = services.evaluation_create(user=admin, designation=designation,
                                                held_on=start + dt.timedelta(days=7), party_members=10, public=8)
    groups = {g.kind: g for g in evaluation.groups.all()}
    with clock(start + dt.timedelta(days=7), hour=11):
        services.voter_group_counts(user=admin, group=groups[VoterGroupKind.PARTY_MEMBERS], satisfied=3,
                                    basically_satisfied=3, dissatisfied=4, abstained=0)
        services.voter_group_counts(user=admin, group=groups[VoterGroupKind.PUBLIC], satisfied=2,
                                    basically_satisfied=2, dissatisfied=3, abstained=1)
        services.evaluation_close(user=admin, evaluation=evaluation)
    decided_on = start + dt.timedelta(days=8)
    with clock(decided_on, hour=16):
        services.evaluation_decide(evaluation=evaluation, user=admin, today=decided_on)
    with clock(decided_on + dt.timedelta(days=3), hour=16):  # the new cycle's plan, back to the county
        lifecycle.designation_transition(user=admin, designation=designation, action="approve_plan",
                                         comment="同意第二轮整顿方案，未完成任务按新时限推进。")


def _voting(designation: Designation, admin) -> None:
    """Under evaluation now: the Party members' tally is in, the public votes through one-time links."""
    today = timezone.localdate()
    with clock(today - dt.timedelta(days=7), hour=15):
        lifecycle.acceptance_exception_record(user=admin, designation=designation, reason=(
            "居务财务公开制度已建立并运行，剩余任务为长效机制，经县委组织部同意先行申请验收。"))
    with clock(today - dt.timedelta(days=6), hour=10):
        designation = lifecycle.designation_transition(user=admin, designation=designation,
                                                       action="request_acceptance")
    record_acceptance(designation, admin, today - dt.timedelta(days=4), clock)  # the acceptance meeting
    with clock(today - dt.timedelta(days=2), hour=15):
        evaluation = services.evaluation_create(user=admin, designation=designation, held_on=today,
                                                party_members=9, public=12)
    groups = {g.kind: g for g in evaluation.groups.all()}
    with clock(today - dt.timedelta(days=1), hour=9):
        services.voter_group_counts(user=admin, group=groups[VoterGroupKind.PARTY_MEMBERS], satisfied=6,
                                    basically_satisfied=2, dissatisfied=1, abstained=0)
        tokens = services.ballot_links_create(user=admin, group=groups[VoterGroupKind.PUBLIC], count=12)
    choices = ["satisfied", "satisfied", "basically_satisfied", "satisfied", "dissatisfied"]
    for index, (token, choice) in enumerate(zip(tokens, choices, strict=False)):
        with clock(today - dt.timedelta(days=1), hour=10 + index):
            services.ballot_cast_anonymous(token=token, choice=choice)
