"""Background work of the kernel: imports, and the generic runner of every registered job (JobRun).

Tasks load by id and call a service. Database faults (a dropped connection, a failover) are retried with
backoff; when the retries are exhausted the run (or import) is marked failed with the reason."""

import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .exports.background import EXPORT_TIME_LIMIT

logger = logging.getLogger(__name__)

#: Retried with exponential backoff (1, 2, 4 … s, capped, with jitter), at most MAX_RETRIES times.
RETRY_ON = (OperationalError, InterfaceError)
MAX_RETRIES = 5
RETRY = {"autoretry_for": RETRY_ON, "retry_backoff": True, "retry_backoff_max": 300, "retry_jitter": True,
         "max_retries": MAX_RETRIES}


class RunTask(Task):
    """A task of one JobRun (first argument): marked failed with the reason when it finally fails."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .jobs import mark_failed

        if args:
            mark_failed(args[0], f"failed after {self.request.retries} retries: {type(exc).__name__}: {exc}"[:2000])


class ImportTask(Task):
    """A task of one ImportJob (first argument): marked failed with the reason when it finally fails."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .imports.services import import_job_fail

        if args:
            import_job_fail(args[0], f"{type(exc).__name__}: {exc}")


@shared_task(base=ImportTask, acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60, **RETRY)
def import_job_run(job_id: int) -> str:
    from .imports.services import import_job_run as run

    return run(job_id=job_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY)
def purge_finished_import_files(days: int = 30) -> int:
    from .imports.services import import_files_purge

    return import_files_purge(days=days)


@shared_task(base=RunTask, acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60, **RETRY)
def execute_job_run(run_id: int, today: str | None = None) -> dict:
    """Run one recorded job run (JobRun): running, then done with the job's result or failed with the error."""
    from .jobs import execute

    run = execute(run_id, today)
    return {"run": run_id, "status": run.status if run else None}


def send_run(run_id: int, today: str | None = None) -> bool:
    """Send a run's message now; when the broker refuses it the run is marked failed ("could not be queued")."""
    from .jobs import NOT_QUEUED, mark_failed

    try:
        execute_job_run.delay(run_id, today)
    except Exception as exc:  # noqa: BLE001 - the broker is down: recorded on the run
        logger.exception("job run %s could not be queued", run_id)
        mark_failed(run_id, f"{NOT_QUEUED}: {type(exc).__name__}: {exc}"[:2000])
        return False
    return True


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY)
def run_scheduled_job(job: str, today: str | None = None) -> list[int]:
    """The scheduler's entry for a registered job: one JobRun per county of the job (fan-out), each run by
    ``execute_job_run``. Returns the ids of the runs. A database fault retries the whole fan-out (nothing
    was committed)."""
    from django.db import transaction

    from .jobs import create_runs

    with transaction.atomic():
        runs = create_runs(job)
        for run in runs:
            transaction.on_commit(lambda run_id=run.pk: send_run(run_id, today))
    return [run.pk for run in runs]


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY)
def sweep_stuck_jobs() -> dict:
    """Beat's sweeper: re-sends runs, imports and background exports stuck queued/pending, fails those stuck
    running."""
    from .jobs import sweep_stuck

    return sweep_stuck(send_run=send_run, send_import=import_job_run.delay, send_export=send_export_run)


class ExportTask(Task):
    """A task of one ExportRun (first argument): marked failed with the reason when it finally fails."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .exports.background import mark_failed

        if args:
            mark_failed(args[0], f"{type(exc).__name__}: {exc}")


@shared_task(base=ExportTask, acks_late=True, time_limit=EXPORT_TIME_LIMIT, soft_time_limit=EXPORT_TIME_LIMIT - 5 * 60,
             **RETRY)
def execute_export_run(run_id: int) -> dict:
    """Write one background export (ExportRun) and store its file with the run."""
    from .exports.background import execute

    run = execute(run_id)
    return {"run": run_id, "status": run.status if run else None}


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60, **RETRY)
def purge_old_export_files(days: int | None = None) -> int:
    """Beat, daily: the workbooks of background exports finished more than EXPORT_FILE_RETENTION_DAYS ago."""
    from .exports.background import export_files_purge

    return export_files_purge(days=days)


def send_export_run(run_id: int) -> None:
    """Send a run's message now; when the broker refuses it the run is marked failed ("could not be queued")."""
    from .exports.background import mark_failed

    try:
        execute_export_run.delay(run_id)
    except Exception as exc:  # noqa: BLE001 - the broker is down: recorded on the run, shown on its page
        mark_failed(run_id, f"could not be queued: {type(exc).__name__}: {exc}")
