"""The satisfaction evaluation through its services and its job: the decision, applied once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from evaluations.models import (
    Ballot,
    BallotToken,
    Decision,
    Evaluation,
    EvaluationStatus,
    OrganizationRating,
    VoterGroupKind,
)
from evaluations.services import satisfaction as services
from evaluations.tasks import check_satisfaction_thresholds
from organizations.models import Notification, NotificationKind
from organizations.services import policy_set
from rectification.models import DesignationStatus, StatusChange
from tests.conftest import seeded_demo  # noqa: F401 - the committed demo for the concurrency test

from .test_satisfaction_support import acceptance_requested, closed_evaluation, evaluator, fresh_organization

PM, PUB = VoterGroupKind.PARTY_MEMBERS, VoterGroupKind.PUBLIC
TODAY = dt.date(2026, 11, 23)


def test_open_moves_the_designation_and_makes_two_groups(demo, make_persona):
    designation = acceptance_requested(demo)
    evaluation = services.evaluation_create(user=evaluator(demo, make_persona), designation=designation,
                                            party_members=10, public=5)
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.EVALUATING
    assert sorted(evaluation.groups.values_list("kind", "size")) == [(PM, 10), (PUB, 5)]
    assert evaluation.organization_id == designation.organization_id and evaluation.township_id
    with pytest.raises(ValidationError):
        services.evaluation_create(user=demo.users["county_admin"], designation=designation)


def test_open_needs_acceptance_requested_and_the_role(demo, make_persona):
    designation = acceptance_requested(demo)
    with pytest.raises(PermissionDenied):
        services.evaluation_create(user=demo.users["town_organizer"], designation=designation)
    with pytest.raises(PermissionDenied):
        services.evaluation_create(user=demo.users["other_county_admin"], designation=designation)
    services.evaluation_create(user=demo.users["county_admin"], designation=designation)
    rectifying = acceptance_requested(demo, organization=fresh_organization(demo, demo.township_b))
    from rectification import services as ledger

    ledger.designation_transition(user=demo.users["county_admin"], designation=rectifying, action="reject_request",
                                  comment="材料不全")
    with pytest.raises(ValidationError):
        services.evaluation_create(user=demo.users["county_admin"], designation=rectifying)


def test_counts_ballots_and_links_add_up_at_closing(demo, make_persona):
    user = evaluator(demo, make_persona)
    evaluation = services.evaluation_create(user=user, designation=acceptance_requested(demo), public=5)
    groups = {g.kind: g for g in evaluation.groups.all()}
    services.voter_group_counts(user=user, group=groups[PM], satisfied=5, basically_satisfied=2, dissatisfied=1,
                                abstained=1, invalid=1)
    services.ballot_enter(user=user, group=groups[PUB], choice="dissatisfied")
    tokens = services.ballot_links_create(user=user, group=groups[PUB], count=3)
    assert len(set(tokens)) == 3
    assert set(BallotToken.objects.filter(evaluation=evaluation).values_list("token_hash", flat=True)) == {
        services.hash_token(t) for t in tokens}
    assert not BallotToken.objects.filter(token_hash__in=tokens).exists()  # only hashes are kept
    services.ballot_cast_anonymous(token=tokens[0], choice="satisfied")
    services.ballot_cast_anonymous(token=tokens[1], choice="abstain")
    closed = services.evaluation_close(user=user, evaluation=evaluation)
    assert (closed.satisfied, closed.basically_satisfied, closed.dissatisfied, closed.abstained, closed.invalid) == (
        6, 2, 2, 2, 1)
    assert closed.rate == Decimal("80.00") and closed.status == EvaluationStatus.CLOSED
    assert closed.policy == {"satisfaction_threshold": "80.00", "satisfaction_counts_basic": True,
                             "satisfaction_excludes_abstentions": True, "evaluation_quorum": 0,
                             "satisfaction_veto_dissatisfied_half": True,
                             "satisfaction_threshold_by_category": {"service": "90.00"}}
    with pytest.raises(ValidationError):
        services.ballot_enter(user=user, group=groups[PUB], choice="satisfied")
    with pytest.raises(services.BallotLinkError) as error:
        services.ballot_cast_anonymous(token=tokens[2], choice="satisfied")
    assert error.value.code == "closed"
    with pytest.raises(ValidationError):
        services.voter_group_counts(user=user, group=groups[PM], satisfied=9, basically_satisfied=0,
                                    dissatisfied=0, abstained=0)


def test_counts_cannot_exceed_the_voters_invited(demo):
    user = demo.users["county_admin"]
    evaluation = services.evaluation_create(user=user, designation=acceptance_requested(demo), party_members=5)
    group = evaluation.groups.get(kind=PM)
    with pytest.raises(ValidationError):
        services.voter_group_counts(user=user, group=group, satisfied=5, basically_satisfied=1, dissatisfied=0,
                                    abstained=0)
    services.voter_group_counts(user=user, group=group, satisfied=4, basically_satisfied=0, dissatisfied=0,
                                abstained=0)
    services.ballot_enter(user=user, group=group, choice="satisfied")
    with pytest.raises(ValidationError):
        services.ballot_enter(user=user, group=group, choice="satisfied")


def test_anonymous_link_casts_once(demo):
    user = demo.users["county_admin"]
    evaluation = services.evaluation_create(user=user, designation=acceptance_requested(demo), public=1)
    (token,) = services.ballot_links_create(user=user, group=evaluation.groups.get(kind=PUB), count=1)
    services.ballot_cast_anonymous(token=token, choice="satisfied")
    with pytest.raises(services.BallotLinkError) as error:
        services.ballot_cast_anonymous(token=token, choice="dissatisfied")
    assert error.value.code == "used"
    with pytest.raises(services.BallotLinkError) as error:
        services.ballot_cast_anonymous(token=token + "x", choice="satisfied")
    assert error.value.code == "unknown"
    assert list(Ballot.objects.filter(evaluation=evaluation).values_list("choice", "source")) == [
        ("satisfied", "anonymous")]
    assert BallotToken.objects.get(evaluation=evaluation).used_at is not None


def test_accepted_closes_out_enters_star_management_and_notifies(demo):
    evaluation = closed_evaluation(demo, {PM: (6, 2, 1, 1), PUB: (7, 1, 1, 0)})  # 16 / 18
    today = dt.date(2031, 3, 2)  # a year without star ratings yet
    decided = services.evaluation_decide(evaluation=evaluation, user=demo.users["county_admin"], today=today)
    assert decided.applied and decided.decision == Decision.ACCEPTED and decided.rate == Decimal("88.88")
    designation = decided.designation
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.CONSOLIDATING and designation.closed_out_on == today
    assert designation.consolidation_until == dt.date(2032, 3, 2)
    rating = OrganizationRating.objects.get(organization=designation.organization, year=today.year)
    assert rating.step == "self_assessment" and rating.designation_id == designation.pk
    assert Notification.objects.filter(kind=NotificationKind.CLOSED_OUT, url__endswith=f"/{evaluation.pk}/").exists()
    again = services.evaluation_decide(evaluation=evaluation, user=demo.users["county_admin"], today=today)
    assert not again.applied
    assert OrganizationRating.objects.filter(organization=designation.organization).filter(year=2031).count() == 1
    assert StatusChange.objects.filter(designation=designation, action="accept").count() == 1


def test_below_threshold_rectifies_again_with_a_new_cycle(demo):
    evaluation = closed_evaluation(demo, {PM: (5, 2, 3, 0), PUB: (1, 0, 1, 0)})  # 8 / 12 = 66.66
    people_before = Notification.objects.filter(kind=NotificationKind.RE_RECTIFICATION).count()
    decided = services.evaluation_decide(evaluation=evaluation, today=TODAY)
    assert decided.decision == Decision.RE_RECTIFY and decided.rate == Decimal("66.66")
    assert decided.new_deadline == dt.date(2027, 5, 23) and decided.decided_by is None
    assert "66.66%" in decided.decision_note and "80.00%" in decided.decision_note
    designation = decided.designation
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.RECTIFYING
    cycles = list(designation.plan.cycles.order_by("number").values_list("number", "deadline", "closed_on"))
    assert cycles == [(1, None, TODAY), (2, dt.date(2027, 5, 23), None)]
    change = StatusChange.objects.get(designation=designation, action="re_rectify")
    assert "66.66%" in change.comment and change.user.username == services.SYSTEM_USERNAME
    assert not change.user.is_active and not change.user.has_usable_password()
    assert Notification.objects.filter(kind=NotificationKind.RE_RECTIFICATION).count() > people_before


def test_no_valid_ballot_decides_nothing_and_a_new_evaluation_may_follow(demo):
    evaluation = closed_evaluation(demo, {PM: (0, 0, 0, 3)})
    decided = services.evaluation_decide(evaluation=evaluation, today=TODAY)
    assert decided.decision == Decision.NO_DECISION and decided.rate is None
    designation = decided.designation
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.EVALUATING
    assert services.evaluation_reopen_allowed(decided)
    second = services.evaluation_create(user=demo.users["county_admin"], designation=designation)
    assert second.status == EvaluationStatus.OPEN


def test_quorum_from_the_policy(demo):
    policy_set(user=demo.users["county_admin"], division=demo.county1, key="evaluation_quorum", value=20)
    evaluation = closed_evaluation(demo, {PM: (10, 0, 0, 0), PUB: (5, 0, 0, 4)})  # 19 ballots
    assert evaluation.policy["evaluation_quorum"] == 20
    assert services.evaluation_decide(evaluation=evaluation, today=TODAY).decision == Decision.NO_DECISION


def test_policy_override_at_township_level(demo):
    admin = demo.users["county_admin"]
    policy_set(user=admin, division=demo.county1, key="satisfaction_threshold", value="70")
    policy_set(user=admin, division=demo.township_a, key="satisfaction_threshold", value="90")
    policy_set(user=admin, division=demo.township_a, key="satisfaction_counts_basic", value=False)
    counts = {PM: (7, 1, 1, 0), PUB: (1, 0, 0, 0)}  # basic in: 9/10 = 90%; basic out: 8/10 = 80%
    in_a = closed_evaluation(demo, counts, organization=fresh_organization(demo, demo.township_a))
    in_b = closed_evaluation(demo, counts, organization=fresh_organization(demo, demo.township_b))
    assert in_a.policy["satisfaction_threshold"] == "90.00" and in_a.policy["satisfaction_counts_basic"] is False
    assert in_b.policy["satisfaction_threshold"] == "70.00" and in_b.policy["satisfaction_counts_basic"] is True
    assert services.evaluation_decide(evaluation=in_a, today=TODAY).decision == Decision.RE_RECTIFY
    assert services.evaluation_decide(evaluation=in_b, today=TODAY).decision == Decision.ACCEPTED


def test_a_later_policy_change_does_not_change_a_closed_evaluation(demo):
    evaluation = closed_evaluation(demo, {PM: (8, 0, 2, 0)})  # 80%
    policy_set(user=demo.users["county_admin"], division=demo.county1, key="satisfaction_threshold", value="85")
    assert services.evaluation_decide(evaluation=evaluation, today=TODAY).decision == Decision.ACCEPTED


def test_only_a_county_admin_decides(demo, make_persona):
    evaluation = closed_evaluation(demo, {PM: (8, 0, 2, 0)})
    for user in (evaluator(demo, make_persona), demo.users["town_organizer"], demo.users["other_county_admin"]):
        with pytest.raises(PermissionDenied):
            services.evaluation_decide(evaluation=evaluation, user=user, today=TODAY)
    assert Evaluation.objects.get(pk=evaluation.pk).decision == ""


def test_job_decides_each_evaluation_once_when_run_twice(demo):
    passed = closed_evaluation(demo, {PM: (8, 0, 2, 0)})
    failed = closed_evaluation(demo, {PM: (7999, 0, 2001, 0)}, organization=fresh_organization(demo, demo.township_b))
    empty = closed_evaluation(demo, {PM: (0, 0, 0, 0)}, organization=fresh_organization(demo, demo.township_b))
    first = check_satisfaction_thresholds(today=TODAY.isoformat())
    assert {k: first[k] for k in ("accepted", "re_rectify", "no_decision")} == {
        "accepted": 1, "re_rectify": 1, "no_decision": 1}
    assert first["counties"] == 1 and first["queued"] == 0
    second = check_satisfaction_thresholds(today=TODAY.isoformat())
    assert {k: second[k] for k in ("accepted", "re_rectify", "no_decision")} == {
        "accepted": 0, "re_rectify": 0, "no_decision": 0}
    by_county = check_satisfaction_thresholds(county_id=demo.county1.pk, today=TODAY.isoformat())
    assert by_county == {"accepted": 0, "re_rectify": 0, "no_decision": 0, "failed": 0}
    assert Evaluation.objects.get(pk=failed.pk).rate == Decimal("79.99")
    for evaluation in (passed, failed):
        designation = evaluation.designation
        assert StatusChange.objects.filter(designation=designation, action__in=["accept", "re_rectify"]).count() == 1
    assert failed.designation.plan.cycles.count() == 2
    assert Evaluation.objects.get(pk=empty.pk).decision == Decision.NO_DECISION


def test_management_command(demo, capsys):
    closed_evaluation(demo, {PM: (10, 0, 0, 0)})
    call_command("check_satisfaction_thresholds", "--county", demo.county1.code, "--today", "2026-11-23")
    out = capsys.readouterr().out
    assert "accepted 1" in out
    call_command("check_satisfaction_thresholds", "--today", "2026-11-23")
    assert "accepted 0" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
def test_concurrent_decisions_apply_once(seeded_demo):  # noqa: F811
    """Two "decide now" calls and the job's batch at the same moment: one of them decides, once.

    Committed data (the threads have their own connections), as in the worker tests: the database is
    put back from the session's snapshot afterwards (root conftest.py).
    """
    from evaluations.services.threshold_check import evaluations_decide_batch

    evaluation = closed_evaluation(seeded_demo, {PM: (5, 0, 5, 0)}, year=2096)
    results, errors = [], []
    barrier = threading.Barrier(4)

    def decide(batch: bool):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            if batch:
                results.append(sum(evaluations_decide_batch(ids=[evaluation.pk], today=TODAY).values()))
            else:
                results.append(int(services.evaluation_decide(evaluation=evaluation.pk, today=TODAY).applied))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=decide, args=(i == 0,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(results) == [0, 0, 0, 1]
    designation = evaluation.designation
    assert StatusChange.objects.filter(designation=designation, action="re_rectify").count() == 1
    assert designation.plan.cycles.count() == 2
    assert Evaluation.objects.get(pk=evaluation.pk).history.count() == 3  # created, closed, decided


def _effects(evaluation):
    evaluation.refresh_from_db()
    designation = evaluation.designation
    designation.refresh_from_db()
    changes = list(StatusChange.objects.filter(designation=designation).order_by("pk").values_list(
        "action", "from_status", "to_status", "comment", "user__username"))[-1:]
    cycles = list(designation.plan.cycles.order_by("number").values_list("number", "started_on", "deadline",
                                                                           "closed_on", "reason"))
    notes = sorted(Notification.objects.filter(dedupe_key=f"evaluation-{evaluation.pk}-decision").values_list(
        "user__username", "kind", "title", "body"))
    ratings = list(OrganizationRating.objects.filter(organization=designation.organization, year=2031).values_list(
        "step", "designation_id"))
    return {"evaluation": (evaluation.status, evaluation.decision, evaluation.rate, evaluation.decision_note,
                           evaluation.new_deadline, evaluation.decided_by_id),
            "designation": (designation.status, designation.closed_out_on, designation.consolidation_until),
            "changes": changes, "cycles": cycles, "notifications": notes, "ratings": ratings,
            "history": evaluation.history.count()}


@pytest.mark.parametrize("counts", [{PM: (8, 1, 1, 0)}, {PM: (5, 1, 4, 0)}, {PM: (0, 0, 0, 2)}])
def test_the_job_batch_path_has_the_effects_of_deciding_one_by_one(demo, counts):
    """The job writes in bulk; what it leaves behind is what evaluation_decide leaves (same rules, notes, rows)."""
    from evaluations.services.threshold_check import evaluations_decide_batch

    today = dt.date(2031, 3, 2)
    village = demo.village_a  # 东山村: the village secretary, the township organizer and a contact leader
    from organizations.models import Organization

    organizations = list(Organization.objects.filter(division=village).order_by("pk")[:1]) + [
        fresh_organization(demo, demo.township_a)]
    one = closed_evaluation(demo, counts, organization=organizations[0], year=2095)
    many = closed_evaluation(demo, counts, organization=organizations[1], year=2094)
    services.evaluation_decide(evaluation=one.pk, today=today)
    assert evaluations_decide_batch(ids=[many.pk], today=today)[Evaluation.objects.get(pk=many.pk).decision] == 1
    assert evaluations_decide_batch(ids=[many.pk, one.pk], today=today) == {
        "accepted": 0, "re_rectify": 0, "no_decision": 0}
    single, batch = _effects(one), _effects(many)
    name_one, name_many = one.organization.name, many.organization.name
    batch["notifications"] = [(u, k, t.replace(name_many, name_one), b) for u, k, t, b in batch["notifications"]]
    assert single["designation"] == batch["designation"] and single["evaluation"] == batch["evaluation"]
    assert single["changes"] == batch["changes"] and single["ratings"] == batch["ratings"] or \
        single["ratings"][0][0] == batch["ratings"][0][0]
    assert [c[:4] for c in single["cycles"]] == [c[:4] for c in batch["cycles"]]
    assert [c[4] for c in single["cycles"]][1:] == [c[4] for c in batch["cycles"]][1:]
    assert {n[1:] for n in single["notifications"]} == {n[1:] for n in batch["notifications"]}
    assert single["history"] == batch["history"]
    if single["evaluation"][1] != Decision.NO_DECISION:
        assert single["notifications"] and "town_organizer" in {n[0] for n in single["notifications"]}
