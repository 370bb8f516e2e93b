"""Background jobs of the evaluations app: the satisfaction-threshold check, fanned out per county.

``check_satisfaction_thresholds`` decides every closed, undecided evaluation (accepted and closed out at
or above the threshold, rectify again below it, nothing without valid ballots or quorum). Idempotent:
each decision is taken under a row lock and only once, so two runs (or a run and a county admin's
"decide now") never close out twice or open two plan cycles. The schedule is in config/schedules.py.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.result import EagerResult

OUTCOMES = ("accepted", "re_rectify", "no_decision")


def _today(today: str | dt.date | None) -> dt.date:
    from django.utils import timezone

    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(today) if today else timezone.localdate()


def counties_with_undecided() -> list[int]:
    from .models import Evaluation, EvaluationStatus

    return sorted(set(Evaluation.objects.filter(status=EvaluationStatus.CLOSED, decision="").values_list(
        "county_id", flat=True)))


def decide_county(county_id: int, today: dt.date) -> dict[str, int]:
    """Decide the closed, undecided evaluations of one county; counts of the decisions this run applied."""
    from .models import Evaluation, EvaluationStatus
    from .services.satisfaction import evaluation_decide

    counts = dict.fromkeys(OUTCOMES, 0)
    ids = list(Evaluation.objects.filter(county_id=county_id, status=EvaluationStatus.CLOSED, decision="")
               .order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        evaluation = evaluation_decide(evaluation=pk, user=None, today=today)
        if evaluation.applied:
            counts[evaluation.decision] += 1
    return counts


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def check_satisfaction_thresholds(county_id: int | None = None, today: str | None = None) -> dict:
    """Decide every closed, undecided evaluation of ``county_id``; without a county, one task per county.

    Returns ``{"accepted", "re_rectify", "no_decision"}`` counts (with a fan-out: the sums of the county
    tasks that ran in this process, e.g. eagerly, plus ``counties`` and ``queued``).
    """
    if county_id is not None:
        return decide_county(int(county_id), _today(today))
    totals = dict.fromkeys(OUTCOMES, 0)
    county_ids = counties_with_undecided()
    queued = 0
    for county in county_ids:
        result = check_satisfaction_thresholds.delay(county, today)
        if isinstance(result, EagerResult):  # run in-process (CELERY_TASK_ALWAYS_EAGER): the counts are here
            for key in OUTCOMES:
                totals[key] += int((result.result or {}).get(key, 0))
        else:
            queued += 1
    return {**totals, "counties": len(county_ids), "queued": queued}
