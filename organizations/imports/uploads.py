"""An uploaded import file: checked, stored and queued (the worker runs it: services.import_job_run)."""

from __future__ import annotations

import logging
import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Division, ImportJob
from ..models.imports import ImportStatus
from ..roles import Level
from ..tasks import import_job_run as task
from .files import sniff
from .pipeline import check_upload_size, import_limits
from .services import may_import

logger = logging.getLogger(__name__)


def import_job_create(*, user, county: Division, upload) -> ImportJob:
    """Check the upload, store it and enqueue the import (after the transaction commits).

    When the broker is down the job is marked failed (the import could not be queued) instead of raising:
    the caller checks ``job.status``."""
    if county is None or county.level != Level.COUNTY or not may_import(user, county):
        raise ValidationError({"county": _("Choose a county inside your scope.")})
    try:
        limits = import_limits("divisions")
        check_upload_size(upload, limits)
        info = sniff(upload, limits)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    original_name = os.path.basename(upload.name or "")[:255] or "upload"
    with transaction.atomic():
        job = ImportJob(division=county, original_name=original_name, created_by=user)
        job.file.save(f"{uuid.uuid4().hex}.{info.kind}", File(upload), save=False)
        job.save()
        transaction.on_commit(lambda: send(job))
    return job


def send(job: ImportJob) -> bool:
    """Send the import's message now; False (and the job marked failed) when the broker does not take it."""
    try:
        task.delay(job.pk)
    except Exception:  # noqa: BLE001 - the broker is down or refuses: recorded on the job
        logger.exception("import job %s could not be queued", job.pk)
        job.status, job.finished_at = ImportStatus.FAILED, timezone.now()
        job.errors = [{"row": None, "column": "", "message": _(
            "The import could not be queued: the task queue is unavailable. Nothing was imported; please "
            "upload the file again later.")}]
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PENDING).update(
            status=job.status, errors=job.errors, finished_at=job.finished_at)
        return False
    return True
