"""The background jobs a county admin may run now (and the scheduler runs per county).

The apps register their jobs (``organizations.registry.register_job``). Each job is a function
``fn(county_id=..., today=...) -> dict`` named by its dotted path and imported only when it runs.
This module reads the registry and runs a recorded run (``execute``); the writes that queue runs are
in ``organizations.services.jobs`` and the Celery tasks in ``organizations.tasks``, so the import
graph stays one-way: services.jobs → tasks → jobs.
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from .models import Division, JobRun, JobStatus
from .permissions import can
from .registry import Job, registry
from .roles import Level

logger = logging.getLogger(__name__)

#: Every registered job by name (the apps register theirs in ``AppConfig.ready()``; see organizations.registry).
JOBS: dict[str, Job] = registry.jobs


def _function(path: str):
    module, _dot, attribute = path.rpartition(".")
    return getattr(import_module(module), attribute)


def job_function(name: str):
    return _function(JOBS[name].function)


def job_counties(name: str) -> list[int]:
    """The counties the scheduler (and ``run_job`` without ``--county``) runs the job for."""
    return list(_function(JOBS[name].counties)())


def run_job_now(name: str, *, county_id: int, today: dt.date | str | None = None) -> dict:
    """Run a job in this process for one county (the management command, the task)."""
    if isinstance(today, dt.date):
        today = today.isoformat()
    result = job_function(name)(county_id=county_id, today=today)
    return result if isinstance(result, dict) else {"result": result}


def admin_counties(user) -> list[Division]:
    """The counties in which ``user`` may run jobs (county admin grants)."""
    if user is None or not user.is_authenticated:
        return []
    counties = Division.objects.visible_to(user).filter(level=Level.COUNTY).order_by("code")
    return [county for county in counties if can(user, "job", "run", county)]


#: The start of the error of a run whose message the broker did not take (the jobs page shows it).
NOT_QUEUED = "could not be queued"

#: Database faults worth a retry (a dropped connection, a failover): the task retries them with backoff.
DATABASE_FAULTS = (OperationalError, InterfaceError)


def execute(run_id: int, today: str | None = None) -> JobRun | None:
    """Run a recorded job run (in the worker). A run already done is not run again (a redelivered message).

    Every attempt is appended to ``result["attempts"]`` (started, finished, status, error), so a retried or
    redelivered run keeps the history of its attempts. Any error, a database one included, marks the run
    failed with the reason; a database error is raised again afterwards so that the task retries."""
    started = timezone.now()
    try:
        updated = JobRun.objects.filter(pk=run_id, status__in=[JobStatus.QUEUED, JobStatus.FAILED]).update(
            status=JobStatus.RUNNING, error="")
        run = JobRun.objects.filter(pk=run_id).first()
        if run is None or not updated and run.status == JobStatus.DONE:
            return run
        attempts = _attempts(run.result)
        if attempts and "finished" not in attempts[-1]:  # an earlier attempt whose worker was lost
            attempts[-1].update(status="lost", finished=started.isoformat())
        attempt = {"attempt": len(attempts) + 1, "started": started.isoformat()}
        JobRun.objects.filter(pk=run_id).update(result={**run.result, "attempts": [*attempts, attempt]})
        result = run_job_now(run.job, county_id=run.division_id, today=today)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, shown on the jobs page
        error = f"{type(exc).__name__}: {exc}"[:2000]
        mark_failed(run_id, error)
        if isinstance(exc, DATABASE_FAULTS):
            raise
        return JobRun.objects.filter(pk=run_id).first()
    attempt.update(status=JobStatus.DONE, finished=timezone.now().isoformat())
    run.status, run.error = JobStatus.DONE, ""
    run.result = {**_json_safe(result), "attempts": [*attempts, attempt]}
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "result", "finished_at"])
    return run


def _attempts(result) -> list[dict]:
    attempts = result.get("attempts") if isinstance(result, dict) else None
    return [dict(a) for a in attempts if isinstance(a, dict)] if isinstance(attempts, list) else []


def mark_failed(run_id: int, error: str) -> bool:
    """Mark a run failed with ``error`` (its open attempt too); False when the database cannot be reached."""
    if not connection.in_atomic_block:
        close_old_connections()  # a connection broken by the error is replaced, not reused
    try:
        run = JobRun.objects.filter(pk=run_id).first()
        if run is None or run.status == JobStatus.DONE:
            return False
        now = timezone.now()
        attempts = _attempts(run.result)
        if attempts and "finished" not in attempts[-1]:
            attempts[-1].update(status=JobStatus.FAILED, finished=now.isoformat(), error=error)
        result = {"attempts": attempts} if attempts else {}
        JobRun.objects.filter(pk=run_id).exclude(status=JobStatus.DONE).update(
            status=JobStatus.FAILED, error=error, result=result, finished_at=now)
        return True
    except DATABASE_FAULTS:
        logger.exception("job run %s: could not record its failure (%s)", run_id, error)
        return False


def result_text(job, result) -> str:
    """A run's result as a line people read: "报告数：18；期间：2026年9月1日" — each key by the job's label (the
    kernel's for attempts), ISO dates written as officials write them, lists joined."""
    from django.utils.translation import gettext as _

    from .dates import official_date

    labels = dict(job.result_labels) if job is not None else {}

    def text(value):
        if isinstance(value, list):
            return "—".join(text(item) for item in value)
        if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
            try:
                return official_date(dt.date.fromisoformat(value))
            except ValueError:
                return value
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return str(value)

    parts = []
    for key, value in (result or {}).items():
        if key == "attempts":
            if isinstance(value, list) and len(value) > 1:
                parts.append(_("attempts: %(count)s") % {"count": len(value)})
            continue
        parts.append(f"{labels.get(key, key)}：{text(value)}")
    return "；".join(parts)


def _json_safe(value):
    import json

    return json.loads(json.dumps(value, default=str))


def create_runs(name: str) -> list[JobRun]:
    """One queued JobRun per county of the job (the scheduler's fan-out; the caller enqueues them)."""
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r}")
    return [JobRun.objects.create(division_id=county_id, job=name, status=JobStatus.QUEUED)
            for county_id in job_counties(name)]


def sweep_stuck(*, send_run, send_import, send_export=None, now=None) -> dict:
    """Re-send (once) runs left queued, imports left pending and background exports left queued longer than
    JOB_QUEUED_TIMEOUT (their message was lost), fail them when still waiting a timeout after that, and fail
    runs and exports left running past their task's time limit (their worker was lost; a redelivered message may
    still run them). Idempotent: a second sweep at the same moment changes nothing. ``send_run(run_id)``,
    ``send_import(job_id)`` and ``send_export(run_id)`` send a message (without ``send_export`` queued exports are
    left alone: the beat task passes the export service's; this module imports neither it nor the tasks)."""
    from django.conf import settings

    from .imports.services import import_job_fail
    from .models import ImportJob
    from .models.imports import ImportStatus

    now = now or timezone.now()
    waited = now - dt.timedelta(seconds=getattr(settings, "JOB_QUEUED_TIMEOUT", 15 * 60))
    running = now - dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 30 * 60) + 5 * 60)
    counts = {"runs_resent": 0, "runs_failed": 0, "imports_resent": 0, "imports_failed": 0}

    for run_id in JobRun.objects.filter(status=JobStatus.QUEUED, requested_at__lt=waited).values_list(
            "pk", flat=True):
        outcome = _resend_once(JobRun, run_id, status=JobStatus.QUEUED, notes="result", now=now, waited=waited,
                               send=send_run, fail=lambda pk: mark_failed(
                                   pk, "never picked up by a worker (queued, re-sent once)"))
        if outcome:
            counts[f"runs_{outcome}"] += 1

    for run in JobRun.objects.filter(status=JobStatus.RUNNING, requested_at__lt=running):
        attempts = _attempts(run.result)
        started = dt.datetime.fromisoformat(attempts[-1]["started"]) if attempts and "started" in attempts[-1] \
            else run.requested_at
        if started < running and JobRun.objects.filter(pk=run.pk, status=JobStatus.RUNNING).exists():
            mark_failed(run.pk, "the worker was lost: running past the task time limit")
            counts["runs_failed"] += 1

    for job_id in ImportJob.objects.filter(status=ImportStatus.PENDING, created_at__lt=waited).values_list(
            "pk", flat=True):
        outcome = _resend_once(ImportJob, job_id, status=ImportStatus.PENDING, notes="summary", now=now,
                               waited=waited, send=send_import, fail=lambda pk: import_job_fail(
                                   pk, "never picked up by a worker (pending, re-sent once)"))
        if outcome:
            counts[f"imports_{outcome}"] += 1
    counts.update(_sweep_exports(now=now, waited=waited, send=send_export))
    return counts


def _sweep_exports(*, now, waited, send) -> dict:
    """``sweep_stuck``'s rules for background exports (``ExportRun``). A run whose worker died stays "running"
    otherwise: the redelivered message leaves a running run alone, and the same export asked again finds it
    pending; failed, it is asked again afresh (or run by a late redelivery)."""
    from django.conf import settings
    from django.db.models import Q

    from .exports.background import EXPORT_TIME_LIMIT
    from .exports.background import mark_failed as fail_export
    from .models import ExportRun

    counts = {"exports_resent": 0, "exports_failed": 0}
    queued = ExportRun.objects.filter(status=JobStatus.QUEUED, requested_at__lt=waited)
    for run_id in (queued.values_list("pk", flat=True) if send is not None else ()):
        with transaction.atomic():
            run = ExportRun.objects.select_for_update().filter(pk=run_id, status=JobStatus.QUEUED).first()
            if run is None:
                continue
            if run.resent_at is None:
                ExportRun.objects.filter(pk=run_id).update(resent_at=now)
                transaction.on_commit(lambda run_id=run_id: send(run_id))
                counts["exports_resent"] += 1
            elif run.resent_at < waited:
                fail_export(run_id, "never picked up by a worker (queued, re-sent once)")
                counts["exports_failed"] += 1
    limit = EXPORT_TIME_LIMIT or getattr(settings, "CELERY_TASK_TIME_LIMIT", 30 * 60)
    running = now - dt.timedelta(seconds=limit + 5 * 60)
    for run_id in ExportRun.objects.filter(status=JobStatus.RUNNING).filter(
            Q(started_at__lt=running) | Q(started_at=None, requested_at__lt=running)).values_list("pk", flat=True):
        fail_export(run_id, "the worker was lost: running past the task time limit")
        counts["exports_failed"] += 1
    return counts


def _resend_once(model, pk, *, status, notes: str, now, waited, send, fail) -> str | None:
    """Re-send a row still waiting in ``status`` once (noted in its JSON field ``notes``); fail it when it is
    still waiting ``waited`` after that. Returns "resent", "failed" or None (nothing to do)."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk, status=status).first()
        if row is None:
            return None
        noted = getattr(row, notes)
        resent = noted.get("resent") if isinstance(noted, dict) else None
        if resent is None:
            model.objects.filter(pk=pk).update(**{notes: {**(noted or {}), "resent": now.isoformat()}})
            transaction.on_commit(lambda: send(pk))
            return "resent"
        if dt.datetime.fromisoformat(resent) < waited:
            fail(pk)
            return "failed"
    return None
