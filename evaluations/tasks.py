"""Background jobs of the evaluations app: the satisfaction-threshold check, fanned out per county.

``check_satisfaction_thresholds`` decides every closed, undecided evaluation (accepted and closed out at
or above the threshold, rectify again below it, nothing without valid ballots or quorum). Idempotent:
each decision is taken under a row lock and only once, so two runs (or a run and a county admin's
"decide now") never close out twice or open two plan cycles. The schedule is in config/schedules.py.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from celery.result import EagerResult

OUTCOMES = ("accepted", "re_rectify", "no_decision")
#: Decisions committed together (each in its own savepoint).
BATCH = 200
logger = logging.getLogger(__name__)


def _today(today: str | dt.date | None) -> dt.date:
    from django.utils import timezone

    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(today) if today else timezone.localdate()


def counties_with_undecided() -> list[int]:
    from .models import Evaluation, EvaluationStatus

    return sorted(set(Evaluation.objects.filter(status=EvaluationStatus.CLOSED, decision="").values_list(
        "county_id", flat=True)))


def decide_county(county_id: int, today: dt.date, batch: int = BATCH) -> dict[str, int]:
    """Decide the closed, undecided evaluations of one county; counts of the decisions this run applied.

    ``batch`` evaluations at a time through the bulk path (one transaction each). If a batch fails, its
    evaluations are decided one by one, so that one bad row is logged, counted in ``failed`` and retried
    by the next run without holding up the others.
    """
    from .models import Evaluation, EvaluationStatus
    from .services.satisfaction import evaluation_decide, evaluations_decide_batch, system_actor

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


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def check_satisfaction_thresholds(county_id: int | None = None, today: str | None = None) -> dict:
    """Decide every closed, undecided evaluation of ``county_id``; without a county, one task per county.

    Returns ``{"accepted", "re_rectify", "no_decision", "failed"}`` counts (with a fan-out: the sums of the county
    tasks that ran in this process, e.g. eagerly, plus ``counties`` and ``queued``).
    """
    if county_id is not None:
        return decide_county(int(county_id), _today(today))
    totals = dict.fromkeys((*OUTCOMES, "failed"), 0)
    county_ids = counties_with_undecided()
    queued = 0
    for county in county_ids:
        result = check_satisfaction_thresholds.delay(county, today)
        if isinstance(result, EagerResult):  # run in-process (CELERY_TASK_ALWAYS_EAGER): the counts are here
            for key in totals:
                totals[key] += int((result.result or {}).get(key, 0))
        else:
            queued += 1
    return {**totals, "counties": len(county_ids), "queued": queued}
