"""The demo evaluations of county 1: passed ones before each close-out, one failed, one voting; idempotent."""

from __future__ import annotations

import time
from decimal import Decimal

from evaluations.demo.satisfaction import EVALUATING_VILLAGE, FAILED_VILLAGE, seed
from evaluations.models import BallotToken, Decision, Evaluation, EvaluationStatus
from evaluations.rules.satisfaction_rate import Counts, Rule, compute_rate
from rectification.models import Designation, DesignationStatus, StatusChange


def test_closed_out_organizations_passed_their_evaluation(demo):
    closed = Designation.objects.filter(county=demo.county1, closed_out_on__isnull=False)
    assert closed.count() >= 32
    for designation in closed:
        (evaluation,) = Evaluation.objects.filter(designation=designation)
        assert evaluation.decision == Decision.ACCEPTED and evaluation.status == EvaluationStatus.DECIDED
        assert evaluation.held_on < designation.closed_out_on
        assert evaluation.decided_at.date() == designation.closed_out_on
        groups = list(evaluation.groups.all())
        assert {g.kind for g in groups} == {"party_members", "public"}
        total = Counts()
        for group in groups:
            total = total + Counts.of(group)
        assert total == Counts.of(evaluation) and 15 <= total.total <= 30
        result = compute_rate(total, Rule.from_policy(evaluation.policy))
        assert result.rate == evaluation.rate and evaluation.rate > Decimal("80")


def test_one_failed_evaluation_rectifies_again_and_one_is_voting(demo):
    failed = Evaluation.objects.get(county=demo.county1, organization__division__name=FAILED_VILLAGE)
    assert failed.decision == Decision.RE_RECTIFY and failed.rate < Decimal("80")
    designation = failed.designation
    assert designation.status == DesignationStatus.RECTIFYING and designation.plan.cycles.count() == 2
    assert list(StatusChange.objects.filter(designation=designation).order_by("pk").values_list(
        "action", flat=True))[-4:] == ["request_acceptance", "open_evaluation", "re_rectify", "approve_plan"]
    voting = Evaluation.objects.get(county=demo.county1, organization__division__name=EVALUATING_VILLAGE)
    assert voting.status == EvaluationStatus.OPEN and voting.designation.status == DesignationStatus.EVALUATING
    tokens = BallotToken.objects.filter(evaluation=voting)
    assert tokens.count() == 12 and 0 < tokens.filter(used_at__isnull=False).count() < 12


def test_seeding_again_changes_nothing_and_is_fast(demo):
    before = (Evaluation.objects.count(), StatusChange.objects.count(), BallotToken.objects.count())
    started = time.monotonic()
    seed(demo.county1, accounts=demo.users)
    assert time.monotonic() - started < 5
    assert (Evaluation.objects.count(), StatusChange.objects.count(), BallotToken.objects.count()) == before
