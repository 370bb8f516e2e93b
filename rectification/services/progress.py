"""Progress entries with their evidence files: checked first, then written together or not at all."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.services.common import by, require

from ..imports import evidence
from ..models import DesignationStatus, EvidenceFile, PeriodReport, Plan, ProgressEntry, ReportStatus, Task

#: Designation statuses in which progress is entered: during rectification and while acceptance is awaited.
PROGRESS_STATUSES = (DesignationStatus.RECTIFYING, DesignationStatus.ACCEPTANCE_REQUESTED)
MAX_CONTENT_LENGTH = 5000


def progress_open(plan: Plan) -> bool:
    return plan.designation.status in PROGRESS_STATUSES


def progress_entry_add(*, user, plan: Plan, task: Task | None = None, happened_on: dt.date, content: str,
                       files=(), today: dt.date | None = None) -> ProgressEntry:
    """Record what was done on ``plan`` (optionally on one of its tasks), with evidence files.

    Every file is checked by content and size before anything is written; the entry and its files
    are saved in one transaction, and stored files are removed again if that transaction fails.
    """
    today = today or timezone.localdate()
    files = list(files or [])
    require(user, "progress", "create", plan)
    errors: dict[str, list] = {}
    if not progress_open(plan):
        raise ValidationError(_("Progress is entered while the organization is in rectification or awaiting "
                                "acceptance; it is “%(status)s”.") % {
            "status": plan.designation.get_status_display()})
    if task is not None and task.plan_id != plan.pk:
        errors.setdefault("task", []).append(_("This task belongs to another plan."))
    content = (content or "").strip()
    if not content:
        errors.setdefault("content", []).append(_("Describe what was done."))
    elif len(content) > MAX_CONTENT_LENGTH:
        errors.setdefault("content", []).append(_("At most %(count)s characters.") % {"count": MAX_CONTENT_LENGTH})
    if happened_on is None:
        errors.setdefault("happened_on", []).append(_("Enter the date."))
    elif happened_on > today:
        errors.setdefault("happened_on", []).append(_("The date cannot be in the future."))
    elif PeriodReport.objects.filter(plan=plan, status=ReportStatus.SUBMITTED, period_start__lte=happened_on,
                                     period_end__gte=happened_on).exists():
        errors.setdefault("happened_on", []).append(
            _("The report for the period of this date has been submitted and cannot change; enter the progress "
              "with a date in the current period."))
    try:
        detected = evidence.check_uploads(files)
    except ValidationError as exc:
        errors.setdefault("files", []).extend(exc.error_list)  # keep the codes (file_type, macros...)
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            entry = ProgressEntry(plan=plan, task=task, happened_on=happened_on, content=content, author=user)
            entry.copy_scope_from(plan)
            by(entry, user).save()
            for upload, kind in zip(files, detected, strict=True):
                record = EvidenceFile(entry=entry, original_name=evidence.clean_name(upload.name),
                                      content_type=kind.content_type, size=upload.size, uploaded_by=user)
                record.copy_scope_from(plan)
                upload.seek(0)
                # A name of our own (never the uploader's) with the extension of what the content is.
                record.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
                stored.append(record.file.name)
                by(record, user).save()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return entry
