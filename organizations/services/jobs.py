"""Queueing background jobs: a county admin's "run now" (the jobs page). The runner is organizations.jobs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ..jobs import JOBS
from ..models import Division, JobRun, JobStatus
from ..permissions import can
from ..roles import Level


@transaction.atomic
def job_run_request(*, user, name: str, county: Division) -> JobRun:
    """A county admin asks for a run: a queued JobRun, enqueued once the transaction commits.

    When the broker is down the run is marked failed ("could not be queued: ...") instead of raising: the
    caller checks ``run.status``."""
    if name not in JOBS:
        raise PermissionDenied
    if county.level != Level.COUNTY or not can(user, "job", "run", county):
        raise PermissionDenied
    run = JobRun.objects.create(division=county, job=name, requested_by=user, status=JobStatus.QUEUED)
    enqueue(run)
    return run


def enqueue(run: JobRun, today: str | None = None) -> None:
    """Send the run's message once the transaction commits; a refused send marks the run failed."""
    transaction.on_commit(lambda: _send(run, today))


def _send(run: JobRun, today: str | None) -> None:
    from ..tasks import send_run

    if not send_run(run.pk, today):
        run.refresh_from_db(fields=["status", "error", "result", "finished_at"])
