"""A real Celery worker (solo pool, in a thread) consuming the broker, not eager mode.

The broker is Redis when REDIS_URL is set (the CI PostgreSQL run) and kombu's in-memory transport
otherwise: either way the service enqueues a message and a worker picks it up, with its own
database connection, which is why these tests use committed (transactional) data.
"""

import datetime
import os
import threading
from pathlib import Path

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.celery import app as celery_app
from config.schedules import BEAT_SCHEDULE
from organizations.imports.uploads import import_job_create
from organizations.models import Division, ImportJob, Organization
from organizations.tasks import import_job_run, purge_finished_import_files

pytestmark = pytest.mark.celery_worker

HEADERS = "区划代码,区划名称,区划类型,党组织名称,组织类型,党组织类别,书记,党员数"
TASK_TIMEOUT = 60  # seconds


def csv_upload(rows: list[str], name: str = "x.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADERS, *rows]) + "\n").encode("utf-8"), content_type="text/csv")


def new_township_csv(township_code: str, village_code: str, suffix: str) -> SimpleUploadedFile:
    """A new town inside county 350322 with one village and its Party branch."""
    return csv_upload([
        f"{township_code},测试{suffix}镇,镇,,,,,",
        f"{village_code},测试{suffix}村,村,中共测试{suffix}村支部委员会,党支部,村,张{suffix},23",
    ])


class FinishedTasks:
    """Records every task the worker finished (task_postrun), so a test can wait for one."""

    def __init__(self):
        self._done: list[dict] = []
        self._condition = threading.Condition()

    def on_postrun(self, sender=None, task_id=None, task=None, args=None, kwargs=None, retval=None, state=None,
                   **_extra):
        with self._condition:
            self._done.append({"name": task.name, "id": task_id, "args": tuple(args or ()), "state": state,
                               "retval": retval, "eager": bool(getattr(task.request, "is_eager", False))})
            self._condition.notify_all()

    def wait_for(self, name: str, *, args: tuple | None = None, after: int = 0) -> dict:
        """The first finished run of ``name`` (with ``args``) among those recorded after index ``after``."""

        def found():
            for record in self._done[after:]:
                if record["name"] == name and (args is None or record["args"] == args):
                    return record
            return None

        with self._condition:
            if not self._condition.wait_for(found, timeout=TASK_TIMEOUT):
                raise AssertionError(f"the worker did not run {name}{args or ''} within {TASK_TIMEOUT} s; "
                                     f"it ran: {[(r['name'], r['args']) for r in self._done]}")
            record = found()
        assert not record["eager"], "the task ran eagerly, not in the worker"
        assert record["state"] == "SUCCESS", f"{name} ended {record['state']}: {record['retval']!r}"
        return record

    def __len__(self):
        with self._condition:
            return len(self._done)


@pytest.fixture(scope="module")
def celery_worker_thread():
    """One worker thread on the configured broker for the module; meanwhile tasks are sent, not run in-process."""
    expected_broker = os.environ.get("REDIS_URL") or "memory://"
    assert celery_app.conf.broker_url == expected_broker
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        celery_app.control.purge()  # leftovers of an earlier interrupted run on a shared Redis
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def worker(celery_worker_thread, seeded_demo, media_root):
    """The running worker, and what it finishes during this test."""
    finished = FinishedTasks()
    signals.task_postrun.connect(finished.on_postrun, weak=False)
    yield finished
    signals.task_postrun.disconnect(finished.on_postrun)


def county_counts(county: Division) -> dict[str, int]:
    return {
        "divisions": Division.objects.filter(county=county).count(),
        "organizations": Organization.objects.filter(county=county).count(),
    }


def test_import_runs_in_the_worker_and_records_the_uploader(worker, seeded_demo):
    county_admin = seeded_demo.users["county_admin"]
    county1 = seeded_demo.county1
    before = county_counts(county1)

    job = import_job_create(user=county_admin, county=county1,
                            upload=new_township_csv("350322199000", "350322199201", "甲"))

    worker.wait_for(import_job_run.name, args=(job.pk,))
    job.refresh_from_db()
    assert job.status == "succeeded", job.errors
    assert job.created_by == county_admin
    assert job.finished_at is not None
    township = Division.objects.get(code="350322199000")
    village = Division.objects.get(code="350322199201")
    assert (township.name, township.level, township.county_id) == ("测试甲镇", "township", county1.pk)
    assert (village.parent_id, village.township_id, village.county_id) == (township.pk, township.pk, county1.pk)
    organization = Organization.objects.get(division=village)
    assert organization.name == "中共测试甲村支部委员会"
    assert organization.member_count == 23
    assert county_counts(county1) == {"divisions": before["divisions"] + 2,
                                      "organizations": before["organizations"] + 1}
    # The audit trail names the uploader, although no request was around in the worker.
    assert village.history.earliest().history_user == county_admin
    assert organization.history.earliest().history_user == county_admin


def test_running_the_import_again_imports_nothing_twice(worker, seeded_demo):
    county1 = seeded_demo.county1
    job = import_job_create(user=seeded_demo.users["county_admin"], county=county1,
                            upload=new_township_csv("350322199000", "350322199201", "乙"))
    worker.wait_for(import_job_run.name, args=(job.pk,))
    job.refresh_from_db()
    assert job.status == "succeeded", job.errors
    after_first = county_counts(county1)
    history_after_first = Organization.history.filter(division__county=county1).count()

    # A redelivered message (acks_late) or a second click: the same job runs again.
    seen = len(worker)
    import_job_run.delay(job.pk)
    worker.wait_for(import_job_run.name, args=(job.pk,), after=seen)

    job.refresh_from_db()
    assert job.status == "succeeded"
    assert county_counts(county1) == after_first
    assert Organization.objects.filter(division__code="350322199201").count() == 1
    assert Organization.history.filter(division__county=county1).count() == history_after_first


def test_purge_of_finished_import_files_runs_in_the_worker(worker, seeded_demo):
    county_admin = seeded_demo.users["county_admin"]
    old = import_job_create(user=county_admin, county=seeded_demo.county1,
                            upload=new_township_csv("350322199000", "350322199201", "丙"))
    worker.wait_for(import_job_run.name, args=(old.pk,))
    recent = import_job_create(user=county_admin, county=seeded_demo.county1,
                               upload=new_township_csv("350322198000", "350322198201", "丁"))
    worker.wait_for(import_job_run.name, args=(recent.pk,))
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("succeeded", "succeeded"), (old.errors, recent.errors)
    old_path, recent_path = Path(old.file.path), Path(recent.file.path)
    assert old_path.exists() and recent_path.exists()
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=45))

    seen = len(worker)
    purge_finished_import_files.delay()
    worker.wait_for(purge_finished_import_files.name, after=seen)

    assert not old_path.exists(), "the file of an import finished 45 days ago was kept"
    assert recent_path.exists(), "the file of an import finished today was purged"
    old.refresh_from_db()
    assert old.status == "succeeded"  # the job and its outcome stay; only the upload goes


def test_every_beat_schedule_names_a_registered_task():
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    registered = set(celery_app.tasks)

    assert celery_app.conf.beat_schedule == BEAT_SCHEDULE
    assert BEAT_SCHEDULE, "no periodic schedule is declared"
    unknown = {name: entry["task"] for name, entry in BEAT_SCHEDULE.items() if entry["task"] not in registered}
    assert not unknown, f"beat would send tasks no worker knows: {unknown}"


def test_the_bimonthly_report_job_runs_in_the_worker_and_twice_leaves_one_report(worker, seeded_demo):
    """"Run now" by a county admin, then the scheduled fan-out: the worker makes the reports once per division."""
    from organizations.models import JobRun
    from organizations.services.jobs import job_run_request
    from organizations.tasks import execute_job_run, run_scheduled_job
    from rectification.models import SummaryReport

    county1 = seeded_demo.county1
    run = job_run_request(user=seeded_demo.users["county_admin"], name="summary_reports", county=county1)
    worker.wait_for(execute_job_run.name, args=(run.pk, None))
    run.refresh_from_db()
    assert run.status == "done", run.error
    reports = SummaryReport.objects.filter(county=county1)
    assert run.result["reports"] == reports.count() > 1
    county_report = reports.get(division=county1)
    assert Path(county_report.workbook.path).exists()

    seen = len(worker)
    run_scheduled_job.delay("summary_reports")
    fanned = worker.wait_for(run_scheduled_job.name, after=seen)
    scheduled = JobRun.objects.filter(pk__in=fanned["retval"])
    assert county1.pk in {r.division_id for r in scheduled}
    for run_id in fanned["retval"]:
        worker.wait_for(execute_job_run.name, args=(run_id, None), after=seen)
    assert all(r.status == "done" for r in scheduled.all()), [r.error for r in scheduled.all()]
    assert SummaryReport.objects.filter(county=county1).count() == run.result["reports"]
    assert reports.get(division=county1).pk == county_report.pk
