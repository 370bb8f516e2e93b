"""An uploaded import file: checked, stored and queued (the worker runs it: services.import_job_run)."""

from __future__ import annotations

import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Division, ImportJob
from ..roles import Level
from ..tasks import import_job_run as task
from .files import sniff
from .pipeline import check_upload_size, import_limits
from .services import may_import


def import_job_create(*, user, county: Division, upload) -> ImportJob:
    """Check the upload, store it and enqueue the import (after the transaction commits)."""
    if county is None or county.level != Level.COUNTY or not may_import(user, county):
        raise ValidationError({"county": _("Choose a county inside your scope.")})
    try:
        check_upload_size(upload, import_limits("divisions"))
        info = sniff(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    original_name = os.path.basename(upload.name or "")[:255] or "upload"
    with transaction.atomic():
        job = ImportJob(division=county, original_name=original_name, created_by=user)
        job.file.save(f"{uuid.uuid4().hex}.{info.kind}", File(upload), save=False)
        job.save()
        transaction.on_commit(lambda: task.delay(job.pk))
    return job
