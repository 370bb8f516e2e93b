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
    transaction.on_commit(lambda: _send(run.pk))
    return run


def _send(run_id: int) -> None:
    from ..exports.background import mark_failed
    from ..tasks import execute_export_run

    try:
        execute_export_run.delay(run_id)
    except Exception as exc:  # noqa: BLE001 - the broker is down: recorded on the run, shown on its page
        mark_failed(run_id, f"could not be queued: {type(exc).__name__}: {exc}")
