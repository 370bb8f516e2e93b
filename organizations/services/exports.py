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
    """Send a run's message now (``organizations.tasks.send_export_run``: the tasks module owns the sending, so
    that it and this service do not import each other)."""
    from ..tasks import send_export_run as send

    send(run_id)
