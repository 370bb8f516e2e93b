"""The worker's side of a background export (``ExportRun``): write the registered export's workbook for the
requester's scope and filters to a temporary file, reporting progress, then store it with the run.

Progress is written with ``QuerySet.update`` (no history row, no signal) at most every ``PROGRESS_EVERY``
rows or ``PROGRESS_SECONDS``, whichever comes later, so that the page a person polls moves while the
writes stay few.
"""

from __future__ import annotations

import logging
import tempfile
import time
from importlib import import_module

from django.core.files import File
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone

from ..models import ExportRun, JobStatus
from ..registry import registry
from ..replica import primary_reads, replica_reads

#: The export task's hard time limit in seconds (``organizations.tasks.execute_export_run``); the stuck-job sweep
#: fails a run still running this long (plus a margin) after it started.
EXPORT_TIME_LIMIT = 30 * 60

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 500
PROGRESS_SECONDS = 1.0


def _function(path: str):
    module, _dot, attribute = path.rpartition(".")
    return getattr(import_module(module), attribute)


def execute(run_id: int) -> ExportRun | None:
    """Run a queued (or failed, retried) export; a run already done or running elsewhere is left alone. The
    export's rows are read from the replica, when there is one, once it has replayed what the primary had at
    the start (the run's own row is always read where it is written, also when a request runs the task
    in-process inside its replica scope)."""
    with primary_reads():
        return _execute(run_id)


def _execute(run_id: int) -> ExportRun | None:
    if not ExportRun.objects.filter(pk=run_id, status__in=[JobStatus.QUEUED, JobStatus.FAILED]).update(
            status=JobStatus.RUNNING, error="", done=0, started_at=timezone.now()):
        return ExportRun.objects.filter(pk=run_id).first()
    run = ExportRun.objects.select_related("user").get(pk=run_id)
    try:
        export = registry.background_exports[run.export]
        write = _function(export.function)
        filename = _function(export.filename)(user=run.user, params=run.params)
        last = {"rows": 0, "at": time.monotonic()}

        def progress(rows: int) -> None:
            now = time.monotonic()
            if rows - last["rows"] >= PROGRESS_EVERY and now - last["at"] >= PROGRESS_SECONDS:
                ExportRun.objects.filter(pk=run_id).update(done=rows)
                last.update(rows=rows, at=now)

        with tempfile.TemporaryFile(suffix=".xlsx") as handle:
            with replica_reads(caught_up=True):
                rows = write(user=run.user, params=run.params, target=handle, progress=progress)
            handle.seek(0)
            run.file.save(filename, File(handle, name=filename), save=False)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, shown on its page
        logger.exception("export run %s failed", run_id)
        mark_failed(run_id, f"{type(exc).__name__}: {exc}")
        if isinstance(exc, (OperationalError, InterfaceError)):
            raise  # a database fault: the task retries the run
        return ExportRun.objects.filter(pk=run_id).first()
    run.filename = filename
    run.total = max(run.total, rows)
    run.done = rows
    run.status = JobStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["file", "filename", "total", "done", "status", "finished_at"])
    return run


def mark_failed(run_id: int, error: str) -> None:
    if not connection.in_atomic_block:
        close_old_connections()  # a connection broken by the error is replaced, not reused
    ExportRun.objects.filter(pk=run_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now())


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


def export_file_response(request, run: ExportRun):
    """The finished run's workbook as an attachment, for the page's link and the API's ``file`` (the caller has
    checked that ``run`` is the requester's): 404 until it is done or once its file is gone; the download is a
    security event."""
    from django.http import FileResponse, Http404

    from ..services.security import security_event_record
    from .excel import XLSX_CONTENT_TYPE

    if run.status != JobStatus.DONE or not run.file:
        raise Http404
    try:
        handle = run.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    security_event_record(kind="export", user=request.user, request=request, what=run.export, via="background",
                          run=run.pk, filters=run.params)
    response = FileResponse(handle, as_attachment=True, filename=run.filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response
