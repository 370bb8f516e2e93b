"""The background jobs a county admin may run now (and the scheduler runs per county): one registry.

Each job is a function ``fn(county_id=..., today=...) -> dict`` named by its dotted path and imported only
when it runs, so a job whose app is not installed yet is listed and fails cleanly instead of breaking
the page. ``job_run_request`` records a JobRun (queued) and enqueues it after the commit; the task
``rectification.tasks.execute_job_run`` marks it running, then done (with the job's result) or failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Division, JobRun, JobStatus
from .permissions import can
from .roles import Level


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    function: str  # dotted path of fn(county_id=..., today=...) -> dict
    description: str


JOBS: dict[str, Job] = {job.name: job for job in (
    Job("threshold_check", _("Satisfaction threshold check"), "evaluations.tasks.check_satisfaction_thresholds",
        _("Decides every closed, undecided satisfaction evaluation: accepted and closed out at or above the "
          "threshold, rectify again below it.")),
    Job("summary_reports", _("Bimonthly progress reports"),
        "rectification.services.summaries.make_county_summary_reports",
        _("Makes (or refreshes) the progress reports of the county and its townships for the period that "
          "just ended, with their Excel workbooks.")),
    Job("reminders", _("Check and acceptance reminders"), "rectification.reminders.send_county_reminders",
        _("Reminds the township organizers and secretaries and the county admins of the six-monthly check "
          "and, from December, of the year-end acceptance.")),
    Job("digests", _("Daily digest"), "rectification.digests.send_county_digests",
        _("Sends each person concerned one message a day listing their overdue tasks and missing reports.")),
)}


def job_function(name: str):
    module, _dot, attribute = JOBS[name].function.rpartition(".")
    return getattr(import_module(module), attribute)


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


@transaction.atomic
def job_run_request(*, user, name: str, county: Division) -> JobRun:
    """A county admin asks for a run: a queued JobRun, enqueued once the transaction commits."""
    if name not in JOBS:
        raise PermissionDenied
    if county.level != Level.COUNTY or not can(user, "job", "run", county):
        raise PermissionDenied
    run = JobRun.objects.create(division=county, job=name, requested_by=user, status=JobStatus.QUEUED)
    enqueue(run)
    return run


def enqueue(run: JobRun, today: str | None = None) -> None:
    from rectification.tasks import execute_job_run

    transaction.on_commit(lambda: execute_job_run.delay(run.pk, today))


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
