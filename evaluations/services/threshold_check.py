"""The satisfaction-threshold check (the job and ``check_satisfaction_thresholds``): decide in bulk.

``evaluations_decide_county`` decides every closed, undecided evaluation of one county, ``BATCH`` at a time
through ``evaluations_decide_batch`` (same rules, notes, lifecycle effects and audit trail as
``satisfaction.evaluation_decide``, with a few queries per batch); a batch that fails is decided one by
one so that one bad row is logged, counted in ``failed`` and retried by the next run. Idempotent: only
evaluations still closed and undecided are decided, under row locks.
"""

from __future__ import annotations

import datetime as dt
import logging

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from organizations.models import Division, User
from organizations.policies import PolicyBook, effective_policy
from organizations.roles import Role
from organizations.services.notifications import role_holders
from rectification.lifecycle import transition_for
from rectification.models import Designation, Plan, StatusChange
from rectification.selectors.recipients import plan_people_many
from rectification.services.cycles import cycle_reopen

from ..models import Evaluation, EvaluationStatus, OrganizationRating, RatingStep
from ..rules.satisfaction_rate import Counts, Rule, compute_rate, rule_snapshot
from .satisfaction import decision_notify, decision_settle, evaluation_decide, system_actor

OUTCOMES = ("accepted", "re_rectify", "no_decision")
#: Decisions committed together (each batch in one transaction).
BATCH = 200
logger = logging.getLogger(__name__)


def counties_with_undecided() -> list[int]:
    """The counties with closed, undecided evaluations (the job fans out over them)."""
    return sorted(set(Evaluation.objects.filter(status=EvaluationStatus.CLOSED, decision="").values_list(
        "county_id", flat=True)))


def evaluations_decide_county(*, county_id: int, today: dt.date, batch: int = BATCH) -> dict[str, int]:
    """Decide the closed, undecided evaluations of one county; counts of the decisions this run applied
    (``accepted``, ``re_rectify``, ``no_decision``) and of those that failed (``failed``)."""
    counts = dict.fromkeys((*OUTCOMES, "failed"), 0)
    ids = list(Evaluation.objects.filter(county_id=county_id, status=EvaluationStatus.CLOSED, decision="")
               .order_by("pk").values_list("pk", flat=True))
    actor = system_actor() if ids else None
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        try:
            done = evaluations_decide_batch(ids=chunk, today=today, actor=actor)
        except Exception:  # noqa: BLE001 - fall back to one by one for this batch
            logger.exception("Batch of %s satisfaction evaluations failed; deciding them one by one", len(chunk))
            done = dict.fromkeys(OUTCOMES, 0)
            for pk in chunk:
                try:
                    evaluation = evaluation_decide(evaluation=pk, user=None, today=today, actor=actor)
                except Exception:  # noqa: BLE001 - one bad row must not stop the county; retried next run
                    logger.exception("Satisfaction evaluation %s could not be decided", pk)
                    counts["failed"] += 1
                    continue
                if evaluation.applied:
                    done[evaluation.decision] += 1
        for key in OUTCOMES:
            counts[key] += done[key]
    return counts


@transaction.atomic
def evaluations_decide_batch(*, ids: list[int], today: dt.date, actor: User | None = None) -> dict[str, int]:
    """The threshold job's path: the decisions of ``evaluation_decide`` for many evaluations, written in bulk.

    Same rules, notes, lifecycle effects and audit trail as deciding one by one (the lifecycle table gives
    each next state; acceptance sets the close-out and consolidation dates from the policy, re-rectification
    closes the plan's cycle and opens the next; a status change row each; the first star rating; the plan's
    people notified), with a few queries per batch instead of a few dozen per evaluation. Evaluations are
    locked first, then their designations (the order ``evaluation_decide`` uses), and only those still
    closed and undecided are decided. Returns the counts of the decisions applied.
    """
    counts = {"accepted": 0, "re_rectify": 0, "no_decision": 0}
    evaluations = list(Evaluation.objects.select_for_update().filter(
        pk__in=ids, status=EvaluationStatus.CLOSED, decision="").order_by("pk"))
    if not evaluations:
        return counts
    actor = actor or system_actor()
    designations = {d.pk: d for d in Designation.objects.select_for_update(of=("self",)).select_related(
        "organization").filter(pk__in={e.designation_id for e in evaluations}).order_by("pk")}
    book = PolicyBook(["consolidation_months"])
    now = timezone.now()
    changes, moved, accepted, re_rectified = [], [], [], []
    for evaluation in evaluations:
        designation = designations[evaluation.designation_id]
        evaluation.organization = designation.organization  # for the note's policy fallback
        action = {"accepted": "accept", "re_rectify": "re_rectify"}.get(_preview(evaluation))
        transition = transition_for(designation.status, action) if action else None
        decision_settle(evaluation, designation, today, in_evaluation=transition is not None)
        counts[evaluation.decision] += 1
        if transition is None:
            continue
        change = StatusChange(designation=designation, action=action, from_status=designation.status,
                              to_status=transition.next_state, user=actor, comment=evaluation.decision_note)
        change.copy_scope_from(designation)
        changes.append(change)
        designation.status, designation.updated_at = transition.next_state, now
        if action == "accept":
            months = int(book.for_organization(designation.organization)["consolidation_months"])
            designation.closed_out_on = today
            designation.consolidation_until = today + relativedelta(months=months)
            accepted.append((evaluation, designation))
        else:
            re_rectified.append((evaluation, designation))
        moved.append(designation)
    _update_rows(evaluations, Evaluation, ["status", "decision", "rate", "decision_note", "decided_at",
                                           "new_deadline"], actor=actor, now=now)
    if moved:
        _update_rows(moved, Designation, ["status", "closed_out_on", "consolidation_until", "updated_at"],
                     actor=actor, now=now)
        StatusChange.objects.bulk_create(changes)
    if re_rectified:
        _new_cycles_bulk(re_rectified, today, actor, now)
    if accepted:
        rated = set(OrganizationRating.objects.filter(
            organization_id__in=[d.organization_id for _e, d in accepted], year=today.year).values_list(
            "organization_id", flat=True))
        ratings = []
        for _evaluation, designation in accepted:
            if designation.organization_id in rated:
                continue
            rated.add(designation.organization_id)
            rating = OrganizationRating(year=today.year, designation=designation, step=RatingStep.SELF_ASSESSMENT)
            rating.copy_scope_from(designation)
            ratings.append(rating)
        if ratings:
            bulk_create_with_history(ratings, OrganizationRating, default_user=actor, default_date=now)
    decided = accepted + re_rectified
    if decided:
        people = plan_people_many([d.organization for _e, d in decided])
        # and the county admins concerned (the plan's people hold the township organizers): one query a county
        admins = {county.pk: role_holders(county, (Role.COUNTY_ADMIN,)) for county in Division.objects.filter(
            pk__in={d.county_id for _e, d in decided})}
        for evaluation, designation in decided:
            decision_notify(evaluation, designation.organization, [
                *people.get(designation.organization_id, []), *admins.get(designation.county_id, [])])
    return counts


def _preview(evaluation: Evaluation) -> str:
    organization = evaluation.organization
    rule = Rule.from_policy(evaluation.policy or rule_snapshot(effective_policy(organization.division),
                                                               organization.category))
    return compute_rate(Counts.of(evaluation), rule).outcome


def _update_rows(objects, model, fields: list[str], *, actor, now) -> None:
    """Write ``fields`` of many rows with one prepared UPDATE (executemany), then their audit-trail rows.

    Django's ``bulk_update`` builds one CASE expression per field and row, which costs more than the
    decisions themselves at 10,000 rows.
    """
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(c.column)} = %s' for c in columns)} "
           f"WHERE {quote(meta.pk.column)} = %s")
    params = [[c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns] + [obj.pk]
              for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    model.history.bulk_history_create(objects, update=True, default_user=actor, default_date=now)


def _new_cycles_bulk(pairs, today, actor, now) -> None:
    """``cycle_reopen`` for each re-rectified plan: the open cycle is closed today, the next one starts with the
    new deadline and the unresolved measures and open tasks, and the plan goes back to the county."""
    plans = {p.designation_id: p for p in Plan.objects.filter(designation_id__in=[d.pk for _e, d in pairs])}
    for evaluation, designation in pairs:
        plan = plans.get(designation.pk)
        if plan is not None:
            cycle_reopen(user=actor, plan=plan, started_on=today, deadline=evaluation.new_deadline,
                         reason=evaluation.decision_note)
