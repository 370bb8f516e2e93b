"""Jobs that survive faults: a broker that is down ("run now" and uploads never answer 500), database errors
inside a task (retried with backoff, the run failed with the reason when retries are exhausted, attempts kept),
the sweeper of runs and imports left queued/pending/running, and the Celery settings that make a killed
worker's message come back."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from config.schedules import BEAT_SCHEDULE
from organizations.jobs import JOBS, execute, sweep_stuck
from organizations.models import ImportJob, JobRun
from organizations.registry import Job
from organizations.tasks import MAX_RETRIES, execute_job_run
from tests.conftest import media_root, seeded_demo  # noqa: F401

JOBS_URL = reverse("organizations:jobs")
CSV = ("区划代码,区划名称,区划类型,党组织名称,组织类型,党组织类别,书记,党员数\n"
       "350322199000,测试甲镇,镇,,,,,\n").encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down():
    """A real Redis broker URL on a port where nothing listens; tasks are sent, not run in-process."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout, conf.task_publish_retry
    conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    conf.task_always_eager, conf.broker_connection_timeout, conf.task_publish_retry = False, 1, False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout, conf.task_publish_retry = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


# 1. Broker down


def test_run_now_with_the_broker_down_fails_the_run_and_says_so(seeded_demo, login, broker_down):  # noqa: F811
    """Committed as in production (the message is sent when the request's transaction commits)."""
    client = login("county_admin")
    response = client.post(JOBS_URL, {"job": "summary_reports", "county": seeded_demo.county1.pk, "confirm": "1"})
    assert response.status_code == 302
    run = JobRun.objects.get(job="summary_reports")
    assert run.status == "failed"
    assert run.error.startswith("could not be queued"), run.error
    page = client.get(JOBS_URL).content.decode()
    assert "无法加入队列" in page
    assert 'data-status="failed"' in page


def test_upload_with_the_broker_down_fails_the_import_and_says_so(seeded_demo, login, broker_down,  # noqa: F811
                                                                  media_root):  # noqa: F811
    client = login("county_admin")
    response = client.post(reverse("organizations:import-create"),
                           {"county": seeded_demo.county1.pk, "file": SimpleUploadedFile("x.csv", CSV)})
    job = ImportJob.objects.get(original_name="x.csv")
    assert response.status_code == 302
    assert job.status == "failed"
    assert "无法加入队列" in job.errors[0]["message"]
    page = client.get(response["Location"]).content.decode()
    assert "无法加入队列" in page


# 2. Database errors inside a task

CALLS = []


def flaky_job(*, county_id, today=None):
    CALLS.append(county_id)
    if len(CALLS) <= FAILURES[0]:
        raise OperationalError("server closed the connection unexpectedly")
    return {"made": len(CALLS)}


FAILURES = [0]


@pytest.fixture
def flaky(seeded_demo):  # noqa: F811
    CALLS.clear()
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False  # eager retries (apply) run as a worker would, not raise
    JOBS["flaky"] = Job(name="flaky", label="flaky", function=f"{__name__}.flaky_job", description="")
    yield FAILURES
    del JOBS["flaky"]
    celery_app.conf.task_eager_propagates = propagates


def test_a_database_error_before_the_job_marks_the_run_failed_with_the_reason(seeded_demo):  # noqa: F811
    """In autocommit, as in the worker (a test transaction would be broken by the error)."""
    run = JobRun.objects.create(division=seeded_demo.county1, job="summary_reports")

    def refuse_claim(execute_sql, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "jobrun" in sql.lower() and not refused:
            refused.append(sql)
            raise OperationalError("the database system is starting up")
        return execute_sql(sql, params, many, context)

    refused = []
    with connection.execute_wrapper(refuse_claim), pytest.raises(OperationalError):
        execute(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "OperationalError: the database system is starting up" in run.error


def test_a_database_error_is_retried_and_the_attempts_accumulate(flaky, seeded_demo):  # noqa: F811
    flaky[0] = 2
    run = JobRun.objects.create(division=seeded_demo.county1, job="flaky")
    outcome = execute_job_run.apply(args=(run.pk,), throw=False)
    assert outcome.successful(), outcome.traceback
    run.refresh_from_db()
    assert run.status == "done", run.error
    assert run.result["made"] == 3
    assert [a["status"] for a in run.result["attempts"]] == ["failed", "failed", "done"]
    assert "server closed the connection" in run.result["attempts"][0]["error"]


def test_a_run_is_failed_with_the_reason_when_retries_are_exhausted(flaky, seeded_demo):  # noqa: F811
    flaky[0] = 100
    run = JobRun.objects.create(division=seeded_demo.county1, job="flaky")
    outcome = execute_job_run.apply(args=(run.pk,), throw=False)
    assert outcome.failed()
    run.refresh_from_db()
    assert run.status == "failed"
    assert f"failed after {MAX_RETRIES} retries" in run.error and "OperationalError" in run.error
    assert len(run.result["attempts"]) == MAX_RETRIES + 1 == len(CALLS)


def test_an_ordinary_error_fails_the_run_without_a_retry(demo):
    JOBS["broken"] = Job(name="broken", label="broken", function="builtins.len", description="")
    try:
        run = JobRun.objects.create(division=demo.county1, job="broken")
        execute_job_run.apply(args=(run.pk,), throw=False)
    finally:
        del JOBS["broken"]
    run.refresh_from_db()
    assert run.status == "failed" and "TypeError" in run.error
    assert len(run.result["attempts"]) == 1


def test_the_retry_policy_of_the_tasks():
    from organizations import tasks

    for task in (tasks.execute_job_run, tasks.import_job_run, tasks.run_scheduled_job):
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}
        assert task.retry_backoff and task.max_retries == MAX_RETRIES


# 3. The sweeper


def test_the_sweeper_resends_a_queued_run_once_then_fails_it(demo):
    old = timezone.now() - dt.timedelta(minutes=30)
    run = JobRun.objects.create(division=demo.county1, job="summary_reports")
    fresh = JobRun.objects.create(division=demo.county1, job="reminders")
    JobRun.objects.filter(pk=run.pk).update(requested_at=old)
    sent = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = sweep_stuck(send_run=sent.append, send_import=sent.append)
    assert sent == [run.pk] and counts["runs_resent"] == 1
    # A second sweep at once changes nothing (idempotent).
    assert sweep_stuck(send_run=sent.append, send_import=sent.append)["runs_resent"] == 0
    assert sent == [run.pk]
    # Still queued a timeout after the re-send: failed, not re-sent again.
    later = timezone.now() + dt.timedelta(minutes=20)
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = sweep_stuck(send_run=sent.append, send_import=sent.append, now=later)
    assert counts["runs_failed"] == 1
    assert sent == [run.pk, fresh.pk]  # the other run, queued 20 min by then, is re-sent for the first time
    run.refresh_from_db()
    assert run.status == "failed" and "never picked up" in run.error


def test_the_sweeper_fails_a_run_left_running_past_the_time_limit(demo):
    run = JobRun.objects.create(division=demo.county1, job="summary_reports", status="running")
    JobRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - dt.timedelta(hours=1))
    recent = JobRun.objects.create(division=demo.county1, job="reminders", status="running")
    counts = sweep_stuck(send_run=list.append, send_import=list.append)
    assert counts["runs_failed"] == 1
    run.refresh_from_db()
    recent.refresh_from_db()
    assert run.status == "failed" and "time limit" in run.error
    assert recent.status == "running"
    # A redelivered message still runs the failed run (and records the attempt).
    execute(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error


def test_the_sweeper_resends_a_pending_import_once_then_fails_it(demo, media_root):  # noqa: F811
    job = ImportJob.objects.create(division=demo.county1, original_name="x.csv", file="imports/x.csv")
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    sent = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert sweep_stuck(send_run=sent.append, send_import=sent.append)["imports_resent"] == 1
        assert sweep_stuck(send_run=sent.append, send_import=sent.append)["imports_resent"] == 0
    assert sent == [job.pk]
    counts = sweep_stuck(send_run=sent.append, send_import=sent.append,
                         now=timezone.now() + dt.timedelta(minutes=20))
    assert counts["imports_failed"] == 1 and sent == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed" and "never picked up" in job.errors[0]["message"]


def test_the_sweeper_resends_a_queued_export_once_then_fails_it(demo):
    from organizations.models import ExportRun

    admin = demo.users["county_admin"]
    lost = ExportRun.objects.create(user=admin, export="ledger", total=3)
    fresh = ExportRun.objects.create(user=admin, export="ledger", params={"status": ["rectifying"]}, total=1)
    ExportRun.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=30))
    sent = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = sweep_stuck(send_run=sent.append, send_import=sent.append, send_export=sent.append)
    assert (counts["exports_resent"], sent) == (1, [lost.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = sweep_stuck(send_run=sent.append, send_import=sent.append, send_export=sent.append)
    assert (counts["exports_resent"], sent) == (0, [lost.pk])  # idempotent
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = sweep_stuck(send_run=sent.append, send_import=sent.append, send_export=sent.append,
                             now=timezone.now() + dt.timedelta(minutes=20))
    assert counts["exports_failed"] == 1 and sent == [lost.pk, fresh.pk]
    lost.refresh_from_db()
    assert lost.status == "failed" and "never picked up" in lost.error and lost.finished_at is not None


def test_the_sweeper_fails_an_export_left_running_past_its_time_limit(demo, media_root):  # noqa: F811
    from organizations.exports.background import execute as execute_export
    from organizations.models import ExportRun
    from organizations.services.exports import export_run_request
    from organizations.tasks import execute_export_run

    admin = demo.users["county_admin"]
    limit = dt.timedelta(seconds=execute_export_run.time_limit)
    now = timezone.now()
    stuck = ExportRun.objects.create(user=admin, export="ledger", total=3, status="running")
    ExportRun.objects.filter(pk=stuck.pk).update(started_at=now - limit - dt.timedelta(minutes=6))
    # Queued a long time, then taken by a worker a while ago: judged by when it started, not when it was asked.
    waited = ExportRun.objects.create(user=admin, export="ledger", params={"status": ["rectifying"]}, total=1,
                                      status="running")
    ExportRun.objects.filter(pk=waited.pk).update(requested_at=now - limit - dt.timedelta(hours=1),
                                                  started_at=now - dt.timedelta(minutes=3))
    # While it is stuck, the same export asked again is that run (the person cannot get a new one).
    assert export_run_request(user=admin, export="ledger", params={}, total=3).pk == stuck.pk

    counts = sweep_stuck(send_run=list.append, send_import=list.append, send_export=list.append)
    assert counts["exports_failed"] == 1
    stuck.refresh_from_db()
    waited.refresh_from_db()
    assert stuck.status == "failed" and "worker was lost" in stuck.error
    assert waited.status == "running"
    assert sweep_stuck(send_run=list.append, send_import=list.append, send_export=list.append)[
        "exports_failed"] == 0
    # Failed, the export asked again is a new run; a late redelivery of the old message still writes it.
    assert export_run_request(user=admin, export="ledger", params={}, total=3).pk != stuck.pk
    execute_export(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == "done" and stuck.started_at > now - dt.timedelta(minutes=1), stuck.error


def test_the_sweeper_and_the_export_files_purge_are_scheduled():
    assert BEAT_SCHEDULE["purge-old-export-files"]["task"] == "organizations.tasks.purge_old_export_files"
    entry = BEAT_SCHEDULE["sweep-stuck-jobs"]
    assert entry["task"] == "organizations.tasks.sweep_stuck_jobs"
    assert entry["schedule"].run_every.total_seconds() <= 15 * 60 if hasattr(entry["schedule"], "run_every") \
        else set(entry["schedule"].minute) == set(range(0, 60, 10))


# 4. Settings


def test_the_fault_settings():
    conf = celery_app.conf
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    longest = max(t.time_limit or conf.task_time_limit for name, t in celery_app.tasks.items()
                  if name.startswith(("organizations.", "rectification.", "evaluations.", "cadres.")))
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert longest < visibility <= 60 * 60


def test_an_import_hit_by_a_database_error_is_retried_and_imports_once(seeded_demo, media_root):  # noqa: F811
    """The import's first write fails (a dropped connection): the job goes back to pending, the task retries
    it, and the second attempt imports the rows once."""
    from organizations.imports.uploads import import_job_create
    from organizations.models import Division
    from organizations.tasks import import_job_run

    propagates, eager = celery_app.conf.task_eager_propagates, celery_app.conf.task_always_eager
    celery_app.conf.task_eager_propagates, celery_app.conf.task_always_eager = False, False
    refused = []

    def refuse_first_insert(execute_sql, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "organizations_division" in sql and not refused:
            refused.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute_sql(sql, params, many, context)

    try:
        job = ImportJob.objects.create(division=seeded_demo.county1, original_name="x.csv",
                                       created_by=seeded_demo.users["county_admin"],
                                       file=SimpleUploadedFile("x.csv", CSV))
        assert import_job_create  # the upload path is tested above; here the job is made directly
        with connection.execute_wrapper(refuse_first_insert):
            outcome = import_job_run.apply(args=(job.pk,), throw=False)
    finally:
        celery_app.conf.task_eager_propagates, celery_app.conf.task_always_eager = propagates, eager
    assert refused, "the fault was not injected"
    assert outcome.successful(), outcome.traceback
    job.refresh_from_db()
    assert job.status == "succeeded", job.errors
    assert Division.objects.filter(code="350322199000").count() == 1
