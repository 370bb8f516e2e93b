"""Background jobs of the evaluations app: the satisfaction-threshold check, fanned out per county.

Thin: the task parses its arguments and calls ``services.threshold_check`` (batching, the one-by-one
fallback and the decisions live there). Idempotent: each decision is taken under a row lock and only once,
so two runs (or a run and a county admin's "decide now") never close out twice or open two plan cycles.
The schedule is in config/schedules.py.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.result import EagerResult


def parse_today(today: str | dt.date | None) -> dt.date:
    """A task's or command's ``today`` (ISO date string, date or None for today)."""
    from django.utils import timezone

    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def check_satisfaction_thresholds(county_id: int | None = None, today: str | None = None) -> dict:
    """Decide every closed, undecided evaluation of ``county_id``; without a county, one task per county.

    Returns ``{"accepted", "re_rectify", "no_decision", "failed"}`` counts (with a fan-out: the sums of the county
    tasks that ran in this process, e.g. eagerly, plus ``counties`` and ``queued``).
    """
    from .services.threshold_check import OUTCOMES, counties_with_undecided, evaluations_decide_county

    if county_id is not None:
        return evaluations_decide_county(county_id=int(county_id), today=parse_today(today))
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
