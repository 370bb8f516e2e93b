"""The background jobs a county admin may run now (and the scheduler runs per county).

The apps register their jobs (``organizations.registry.register_job``). Each job is a function
``fn(county_id=..., today=...) -> dict`` named by its dotted path and imported only when it runs.
This module reads the registry and runs a recorded run (``execute``); the writes that queue runs are
in ``organizations.services.jobs`` and the Celery tasks in ``organizations.tasks``, so the import
graph stays one-way: services.jobs → tasks → jobs.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.utils import timezone

from .models import Division, JobRun, JobStatus
from .permissions import can
from .registry import Job, registry
from .roles import Level

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


def execute(run_id: int, today: str | None = None) -> JobRun | None:
    """Run a recorded job run (in the worker). A run already done is not run again (a redelivered message)."""
    updated = JobRun.objects.filter(pk=run_id, status__in=[JobStatus.QUEUED, JobStatus.FAILED]).update(
        status=JobStatus.RUNNING, error="")
    run = JobRun.objects.filter(pk=run_id).first()
    if run is None or not updated and run.status == JobStatus.DONE:
        return run
    try:
        result = run_job_now(run.job, county_id=run.division_id, today=today)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, shown on the jobs page
        run.status, run.error, run.result = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000], {}
    else:
        run.status, run.error, run.result = JobStatus.DONE, "", _json_safe(result)
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "result", "finished_at"])
    return run


def _json_safe(value):
    import json

    return json.loads(json.dumps(value, default=str))


def create_runs(name: str) -> list[JobRun]:
    """One queued JobRun per county of the job (the scheduler's fan-out; the caller enqueues them)."""
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r}")
    return [JobRun.objects.create(division_id=county_id, job=name, status=JobStatus.QUEUED)
            for county_id in job_counties(name)]
