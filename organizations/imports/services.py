"""Importing divisions and organizations: parse, validate every row, write all in one transaction.

``uploads.import_job_create`` checks the upload (permission, size, type by content) and enqueues the
job; ``import_job_run`` (the Celery task's body) claims it once, reads the file and calls
``import_rows``, which the ``import_divisions`` command also uses.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Division, ImportJob
from ..models.imports import ImportStatus
from ..permissions import roles_allowed
from ..roles import Level
from . import columns as c
from .files import FileInfo, read_table, sniff
from .pipeline import ImportResult, bounded_errors, excerpt, import_limits
from .validate import Errors, build_plan, canonical_rows
from .writer import RowWriteError, write_plan

logger = logging.getLogger(__name__)


def importable_counties(user):
    """The counties ``user`` may import into (a county admin's own county)."""
    counties = Division.objects.filter(level=Level.COUNTY)
    if user.is_superuser:
        return counties.visible_to(user)
    return counties.visible_to(user, roles=roles_allowed("organization", "import"))


def may_import(user, county: Division) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return importable_counties(user).filter(pk=county.pk).exists()


def import_rows(*, user, county: Division, rows: list[dict]) -> ImportResult:
    """Validate every row, then write all of them in one transaction, or nothing if any row is wrong.

    ``rows`` are dicts keyed by column (Chinese header, English alias or key); ``_row`` gives the
    row number for messages (default: position + 2, the header being row 1).
    """
    if not may_import(user, county):
        return ImportResult(errors=[{"row": None, "column": "", "message": _(
            "You may not import into %(county)s.") % {"county": county.name}}])
    headers = {}
    for raw in rows[:1]:
        for key in raw:
            column_key = c.HEADER_LOOKUP.get(c.normalize_header(key))
            if column_key:
                headers[column_key] = str(key)
    errors = Errors(headers)
    cap = import_limits("divisions").max_rows
    if len(rows) > cap:
        errors.add(None, None, _("The file has more than %(max)s rows; split it into smaller files.")
                   % {"max": cap})
        return ImportResult(errors=errors.as_list())
    canonical = canonical_rows(rows, errors)
    plan = build_plan(county=county, rows=canonical, errors=errors)
    if errors:
        return ImportResult(errors=errors.as_list())
    try:
        with transaction.atomic():
            summary = write_plan(plan, user=user)
    except RowWriteError as exc:
        for message in exc.error.messages:
            errors.add(exc.row, exc.column, message)
        return ImportResult(errors=errors.as_list())
    except IntegrityError:
        logger.warning("import into %s hit a concurrent change", county.code, exc_info=True)
        errors.add(None, None, _("The divisions changed while the file was being imported. Upload it again."))
        return ImportResult(errors=errors.as_list())
    summary["rows"] = plan.rows
    return ImportResult(summary=summary)


def rows_from_file(fileobj, info: FileInfo | None = None) -> tuple[list[dict], list[dict]]:
    """(rows keyed by header with ``_row``, header errors) read from an .xlsx or .csv file object."""
    limits = import_limits("divisions")
    info = info or sniff(fileobj, limits)
    cap = limits.max_rows
    table = read_table(fileobj, info, max_rows=cap, limits=limits)
    header_row = None
    rows: list[dict] = []
    for number, values in table:
        if header_row is None:
            if not any(values):
                continue  # leading blank lines before the header
            header_row = values
            errors = _header_errors(number, values)
            if errors:
                return [], errors
            continue
        if not any(values):
            continue
        row = {"_row": number}
        for index, value in enumerate(values):
            header = header_row[index] if index < len(header_row) else ""
            if header:
                row[header] = value
            elif value:
                return [], [{"row": number, "column": "", "message": _(
                    "Row %(row)s has a value in column %(index)s, which has no header.") % {
                    "row": number, "index": index + 1}}]
        rows.append(row)
        if len(rows) > cap:
            return [], [{"row": None, "column": "", "message": _(
                "The file has more than %(max)s rows; split it into smaller files.") % {"max": cap}}]
    if header_row is None:
        return [], [{"row": None, "column": "", "message": _("The file is empty: no header row.")}]
    if not rows:
        return [], [{"row": None, "column": "", "message": _("The file has no data rows.")}]
    return rows, []


def _header_errors(number: int, values: list[str]) -> list[dict]:
    expected = c.expected_headers()
    found: dict[str, str] = {}
    problems = []
    for value in values:
        if not value:
            continue
        normalized = c.normalize_header(value)
        key = c.HEADER_LOOKUP.get(normalized)
        if key is None:
            if normalized not in c.IGNORED_HEADERS:
                problems.append(_("Unknown column “%(column)s”.") % {"column": excerpt(value)})
        elif key in found:
            problems.append(_("The column “%(column)s” appears twice.") % {"column": excerpt(value)})
        else:
            found[key] = value
    missing = [column.header for column in c.COLUMNS if column.required and column.key not in found]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    if not problems:
        return []
    if len(problems) > 10:
        problems = [*problems[:10], "…"]
    message = " ".join(problems) + " " + _("Expected headers in the first row: %(expected)s.") % {
        "expected": expected}
    return [{"row": number, "column": "", "message": message}]


def import_job_run(*, job_id: int) -> str:
    """Run a pending job once (a second call, or a second worker, does nothing); returns its status."""
    # Claim by a conditional update: of two workers given the same job, one updates a row, the other none.
    # A job left running by a lost worker (well past the task time limit) may be claimed again: its
    # writes were one transaction, rolled back with the worker.
    stale = timezone.now() - timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800) * 2)
    claimed = ImportJob.objects.filter(
        Q(status=ImportStatus.PENDING) | Q(status=ImportStatus.RUNNING, created_at__lt=stale), pk=job_id,
    ).update(status=ImportStatus.RUNNING)
    if not claimed:
        job = ImportJob.objects.filter(pk=job_id).only("status").first()
        return job.status if job else "missing"
    job = ImportJob.objects.select_related("division", "created_by").get(pk=job_id)
    try:
        result = _run(job)
    except (OperationalError, InterfaceError):
        # A database fault (the import's writes were one transaction, rolled back): the job is pending again
        # and the error raised, so that the task retries it (organizations.tasks); failed when retries end.
        logger.exception("import job %s: database error, to be retried", job_id)
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(status=ImportStatus.PENDING)
        except (OperationalError, InterfaceError):
            logger.exception("import job %s: could not be put back to pending", job_id)
        raise
    except Exception:
        logger.exception("import job %s failed", job_id)
        result = ImportResult(errors=[{"row": None, "column": "", "message": _(
            "The import stopped on an unexpected error. Nothing was imported.")}])
    job.status = ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED
    job.errors = bounded_errors(result.errors)
    job.summary = result.summary
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "summary", "finished_at"])
    return job.status


def import_job_fail(job_id: int, reason: str) -> bool:
    """Mark an unfinished job failed (its task failed for good, or it was never picked up); False if finished."""
    message = _("The import did not run: %(reason)s. Nothing was imported; please upload the file again.") % {
        "reason": reason[:200]}
    return bool(ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]).update(
        status=ImportStatus.FAILED, errors=[{"row": None, "column": "", "message": message}],
        finished_at=timezone.now()))


def _run(job: ImportJob) -> ImportResult:
    if not job.file:
        return ImportResult(errors=[{"row": None, "column": "", "message": _("The uploaded file is gone.")}])
    with job.file.open("rb") as handle:
        try:
            rows, errors = rows_from_file(handle)
        except ValidationError as exc:  # the file is refused as a whole (or at one cell: exc.row)
            row = getattr(exc, "row", None)
            return ImportResult(errors=[{"row": row, "column": "", "message": m} for m in exc.messages])
    if errors:
        return ImportResult(errors=errors)
    return import_rows(user=job.created_by, county=job.division, rows=rows)


def import_files_purge(*, days: int) -> int:
    """Delete the stored files of jobs finished more than ``days`` ago; returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=days)
    jobs = ImportJob.objects.filter(
        status__in=[ImportStatus.SUCCEEDED, ImportStatus.FAILED], finished_at__lt=cutoff,
    ).exclude(file="")
    purged = 0
    for job in jobs.iterator():
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged
