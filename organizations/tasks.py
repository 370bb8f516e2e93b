"""Background work of the kernel: imports, and the generic runner of every registered job (JobRun).

Tasks load by id and call a service."""

from celery import shared_task


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def import_job_run(job_id: int) -> str:
    from .imports.services import import_job_run as run

    return run(job_id=job_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def purge_finished_import_files(days: int = 30) -> int:
    from .imports.services import import_files_purge

    return import_files_purge(days=days)


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def execute_job_run(run_id: int, today: str | None = None) -> dict:
    """Run one recorded job run (JobRun): running, then done with the job's result or failed with the error."""
    from .jobs import execute

    run = execute(run_id, today)
    return {"run": run_id, "status": run.status if run else None}


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def run_scheduled_job(job: str, today: str | None = None) -> list[int]:
    """The scheduler's entry for a registered job: one JobRun per county of the job (fan-out), each run by
    ``execute_job_run``. Returns the ids of the runs."""
    from django.db import transaction

    from .jobs import create_runs

    with transaction.atomic():
        runs = create_runs(job)
        for run in runs:
            transaction.on_commit(lambda run_id=run.pk: execute_job_run.delay(run_id, today))
    return [run.pk for run in runs]
