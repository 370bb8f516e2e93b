"""Background jobs of the organizations app. Tasks load by id and call a service."""

from celery import shared_task


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def import_job_run(job_id: int) -> str:
    from .imports.services import import_job_run as run

    return run(job_id=job_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def purge_finished_import_files(days: int = 30) -> int:
    from .imports.services import import_files_purge

    return import_files_purge(days=days)
