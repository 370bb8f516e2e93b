"""Asking for a background export (``ExportRun``); the worker's side is organizations.exports.background."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ..models import ExportRun, JobStatus
from ..permissions import can
from ..registry import registry


@transaction.atomic
def export_run_request(*, user, export: str, params: dict, total: int) -> ExportRun:
    """A queued run of the registered export ``export`` for ``user``'s scope and ``params`` (the list page's
    filters, {name: [values]}), sent to a worker once the transaction commits. The same export with the same filters still
    queued or running for the same person is that run (a second click, a reload): no second run."""
    if export not in registry.background_exports or not can(user, "export", "run"):
        raise PermissionDenied
    params = {str(key): [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
              for key, value in params.items()}
    pending = ExportRun.objects.select_for_update().filter(
        user=user, export=export, params=params, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    if pending is not None:
        return pending
    run = ExportRun.objects.create(user=user, export=export, params=params, total=total)
    transaction.on_commit(lambda: send_export_run(run.pk))
    return run


def send_export_run(run_id: int) -> None:
    """Send a run's message now; when the broker refuses it the run is marked failed ("could not be queued")."""
    from ..exports.background import mark_failed
    from ..tasks import execute_export_run

    try:
        execute_export_run.delay(run_id)
    except Exception as exc:  # noqa: BLE001 - the broker is down: recorded on the run, shown on its page
        mark_failed(run_id, f"could not be queued: {type(exc).__name__}: {exc}")


def export_files_purge(*, days: int | None = None, now=None) -> int:
    """Delete the workbooks of background exports finished more than ``days`` (default
    ``EXPORT_FILE_RETENTION_DAYS``) ago; the run stays (its page says the file was deleted). Returns how many."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    days = settings.EXPORT_FILE_RETENTION_DAYS if days is None else days
    now = now or timezone.now()
    runs = ExportRun.objects.filter(status__in=[JobStatus.DONE, JobStatus.FAILED],
                                    finished_at__lt=now - timedelta(days=days)).exclude(file="")
    purged = 0
    for run in runs.iterator():
        run.file.delete(save=False)
        ExportRun.objects.filter(pk=run.pk).update(file="", file_deleted_at=now)
        purged += 1
    return purged
