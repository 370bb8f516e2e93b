"""Faults with the real thing: a ``celery -A config worker`` process, a redis-server of the test's own, and
the PostgreSQL test database (issue 10, item 4). Every fault ends with each job run done exactly once.

- The pool's child process killed in the middle of a run (the OOM killer): the worker gives the message back
  at once (task_reject_on_worker_lost) and a new child runs it. The whole worker killed (SIGKILL to its
  process group): its message, never acknowledged, is delivered again to the next worker after the
  visibility timeout (5 s here, through ``CELERY_VISIBILITY_TIMEOUT``; an hour in production). Either way
  the run ends done, its lost attempt recorded.
- Redis stopped: "run now" says the run could not be queued (no 500); Redis back: the next request is run by
  the worker, which reconnected by itself. A message queued before a Redis restart is still there after it
  (this test's Redis keeps an append-only file, ``--appendonly yes``, as a production Redis holding jobs
  should; the other tests run Redis without persistence, ``--save "" --appendonly no``). A run running
  while Redis restarts is done once, and its message does not linger.
- The worker's database connections terminated by the server (a failover, a restart): in the middle of a run
  the run fails with the reason, the task retries it (with backoff) and the retry is done. Between runs the
  worker holds no connection to lose (Celery closes them around every task), and the next run is done.

"In the middle of a run" is made certain without a test-only code path: the test holds a SHARE lock on
the summary reports table, so the job (the bimonthly reports, a registered job) waits at its upsert, with
the run "running"; the test sees the worker's connection waiting for the lock in pg_stat_activity (the
worker's connections are named by PGAPPNAME) and strikes then.

PostgreSQL only: the worker is another process and must see the committed test data (an SQLite test
database, in memory or not, is not reliably shared with a subprocess). Needs redis-server on the PATH.
Each test starts its own Redis on a free port and its own workers, all stopped (process groups) at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from config.celery import app as celery_app
from organizations.models import JobRun, Notification, RoleAssignment
from organizations.roles import Role
from organizations.services.jobs import job_run_request

ROOT = Path(__file__).resolve().parent.parent
VISIBILITY_TIMEOUT = 5  # seconds, the workers' CELERY_VISIBILITY_TIMEOUT
TIMEOUT = 40  # seconds to wait for anything

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.xdist_group("worker_process_faults"),
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="PostgreSQL only: a worker subprocess cannot reliably see an SQLite test database"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not on the PATH"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, what: str, timeout: float = TIMEOUT, logs=()):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tails = "\n".join(log.tail() for log in logs)
            raise AssertionError(f"{what}: not within {timeout} s\n{tails}")
        time.sleep(0.1)


def stop_group(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 15) -> None:
    """Signal the process group of ``process`` (started in a session of its own) and reap it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    else:  # the leader is gone: children left in its group, if any
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class RedisServer:
    """A redis-server of the test's own on a free port; stopped and started again on the same port and files."""

    def __init__(self, directory: Path, *, appendonly: bool):
        self.port = free_port()
        self.directory = directory
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.directory.mkdir(parents=True, exist_ok=True)
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else \
            ["--appendonly", "no"]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *persistence,
             "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answers():
            try:
                return redis.Redis(port=self.port, socket_timeout=1).ping()
            except redis.ConnectionError:
                return False

        wait_until(answers, f"redis-server on port {self.port}", timeout=10)

    def stop(self) -> None:
        """SIGTERM: Redis shuts down cleanly (the append-only file, when kept, is flushed)."""
        if self.process is not None:
            stop_group(self.process)
            self.process = None

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_timeout=5)

    def waiting(self, queue: str) -> int:
        """Messages waiting in ``queue`` (kombu: a list per queue and priority) and not yet taken."""
        client = self.client()
        return sum(client.llen(key) for key in client.keys(f"{queue}*") if client.type(key) == b"list")

    def unacked(self) -> int:
        """Messages taken by a worker and not acknowledged yet (kombu's ``unacked`` hash)."""
        return self.client().hlen("unacked")

    def tail(self) -> str:
        log = self.directory / "redis.log"
        return f"--- redis ---\n{log.read_text()[-2000:]}" if log.exists() else ""


class Worker:
    """A ``celery -A config worker`` process (solo or prefork pool, one task at a time) on the test's Redis
    and the test database."""

    def __init__(self, name: str, env: dict, log: Path, queue: str, pool: str = "solo"):
        self.name, self.env, self.log, self.queue, self.pool = name, env, log, queue, pool
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        """Start the worker and wait until it consumes; answers the seconds that took."""
        started = time.monotonic()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", self.pool, "-c", "1",
                 "-Q", self.queue, "-n", f"{self.name}@%h", "-l", "INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env={**self.env, "PGAPPNAME": self.name}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        wait_until(lambda: " ready." in self.log.read_text(errors="replace") or self.process.poll() is not None,
                   f"worker {self.name} ready", logs=[self])
        assert self.process.poll() is None, f"worker {self.name} exited\n{self.tail()}"
        print(f"worker {self.name} ready in {time.monotonic() - started:.1f} s")
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL to the whole process group: nothing runs on, nothing is acknowledged."""
        if self.process is not None:
            stop_group(self.process, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)

    def tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.log.name} ---\n{text[-4000:]}"


@pytest.fixture
def processes(transactional_db):
    """Everything a test starts (Redis servers, workers): stopped at the end whatever happened, before
    Django empties the tables."""
    started = []
    yield started
    for item in reversed(started):
        item.kill() if isinstance(item, Worker) else item.stop()  # the test is over: no warm shutdown


@pytest.fixture
def database_url(seeded_demo):
    """The committed test database (transactional test), for the worker processes."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(str(db['PASSWORD']), safe='')}"
                                                       if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def make_redis(processes, tmp_path):
    def make(*, appendonly: bool = False) -> RedisServer:
        server = RedisServer(tmp_path / f"redis{len(processes)}", appendonly=appendonly)
        processes.append(server)
        server.start()
        return server

    return make


@pytest.fixture
def sender():
    """This process sends tasks to the given Redis (no eager mode), as the web processes do in production
    (the default publish retry kept); put back afterwards."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    def send_to(redis: RedisServer) -> None:
        conf.broker_url, conf.task_always_eager = redis.url, False
        reset_pools()

    yield send_to
    conf.broker_url, conf.task_always_eager = saved
    reset_pools()


@pytest.fixture
def make_worker(processes, tmp_path, database_url, media_root):
    def make(name: str, redis: RedisServer, pool: str = "solo", visibility: int = VISIBILITY_TIMEOUT) -> Worker:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "CELERY"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=database_url, REDIS_URL=redis.url,
            CELERY_TASK_ALWAYS_EAGER="false",  # on by default without REDIS_URL, and in the test settings
            CELERY_VISIBILITY_TIMEOUT=str(visibility), MEDIA_ROOT=str(media_root),
            DJANGO_DEBUG="false", LOG_LEVEL="INFO")
        worker = Worker(name, env, tmp_path / f"{name}.log", celery_app.conf.task_default_queue, pool)
        processes.append(worker)
        return worker

    return make


class TableLock:
    """A SHARE lock on a table held by a connection of its own: writers (the job's upsert) wait for it; with
    ``mode="ACCESS EXCLUSIVE"`` readers too."""

    def __init__(self, table: str, mode: str = "SHARE"):
        import psycopg2

        params = connection.get_connection_params()
        self.connection = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
        self.table = table
        self.mode = mode

    def __enter__(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{self.table}" IN {self.mode} MODE')
        return self

    def release(self) -> None:
        if not self.connection.closed:
            self.connection.rollback()
            self.connection.close()

    def __exit__(self, *exc):
        self.release()


def backends(application_name: str, *, waiting_for_lock: bool = False) -> list[int]:
    query = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
             "AND application_name = %s")
    if waiting_for_lock:
        query += " AND wait_event_type = 'Lock'"
    with connection.cursor() as cursor:
        cursor.execute(query, [application_name])
        return [pid for (pid,) in cursor.fetchall()]


def terminate_backends(application_name: str) -> int:
    """What a failover or an idle timeout does to the worker: its server processes go (never the test's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND pid <> pg_backend_pid() AND application_name = %s",
                       [application_name])
        return cursor.fetchone()[0]


def status_of(run: JobRun) -> str:
    return JobRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()


def wait_for_status(run: JobRun, status: str, logs=()) -> JobRun:
    wait_until(lambda: status_of(run) == status, f"run {run.pk} {status}", logs=logs)
    run.refresh_from_db()
    return run


def assert_done_once(run: JobRun, *, attempts: list[str]) -> None:
    """Done, with exactly the attempts expected (one of them done), and the job's effect there once."""
    from rectification.models import SummaryReport

    run.refresh_from_db()
    assert run.status == "done", run.error
    assert [a["status"] for a in run.result["attempts"]] == attempts, run.result["attempts"]
    reports = SummaryReport.objects.filter(county_id=run.division_id, period_start=run.result["period_start"])
    assert reports.count() == run.result["reports"] == reports.values("division").distinct().count()
    admins = RoleAssignment.objects.filter(role=Role.COUNTY_ADMIN, division_id=run.division_id,
                                           user__is_active=True).values("user").distinct().count()
    notified = Notification.objects.filter(dedupe_key=f"summary:{run.division_id}:{run.result['period_start']}")
    assert notified.count() == notified.values("user").distinct().count() == admins >= 1


def request_run(seeded_demo) -> JobRun:
    return job_run_request(user=seeded_demo.users["county_admin"], name="summary_reports",
                           county=seeded_demo.county1)


# (a) The worker killed in the middle of a run


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def hold_run_mid_job(seeded_demo):
    """``hold_run_mid_job(worker)``: a run requested and held in the middle of the job by a table lock, in
    ``worker`` ("running"); answers the run and the lock. Every lock goes at the end, before Django empties
    the tables (which would wait for it)."""
    locks = []

    def hold(worker: Worker) -> tuple[JobRun, TableLock]:
        lock = TableLock("rectification_summaryreport")
        locks.append(lock)
        lock.__enter__()
        run = request_run(seeded_demo)
        wait_until(lambda: backends(worker.name, waiting_for_lock=True), "the job waiting at its upsert",
                   logs=[worker])
        assert status_of(run) == "running"
        return run, lock

    yield hold
    for lock in locks:
        lock.release()


def test_a_worker_killed_mid_run_the_message_comes_back_and_the_run_is_done_once(
        seeded_demo, make_redis, make_worker, sender, hold_run_mid_job):
    redis = make_redis()
    sender(redis)
    # Its visibility timeout outlasts the test: only the worker itself can give a message back.
    first = make_worker("fault-kill-1", redis, pool="prefork", visibility=10 * TIMEOUT)
    first.start()

    # The pool's child killed (the OOM killer): the worker gives the message back at once
    # (task_reject_on_worker_lost), a new child runs the run again.
    run, lock = hold_run_mid_job(first)
    (child,) = children(first.process.pid)
    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()
    # The server notices a vanished client only when it writes to it: the orphan statement goes now.
    terminate_backends(first.name)
    lock.release()
    wait_for_status(run, "done", logs=[first])
    requeued_after = time.monotonic() - killed_at
    assert_done_once(run, attempts=["lost", "done"])
    assert (redis.unacked(), redis.waiting(first.queue)) == (0, 0), "a message is left to run it again"

    # The whole worker killed (SIGKILL to its process group): the message stays unacknowledged in Redis and
    # the next worker (which looks for such messages) gets it after the visibility timeout.
    requested_at = time.monotonic()  # the message is delivered after this
    run, lock = hold_run_mid_job(first)
    killed_at = time.monotonic()
    first.kill()
    terminate_backends(first.name)
    lock.release()
    assert redis.unacked() == 1, "the killed worker's message was acknowledged or lost"
    assert status_of(run) == "running"
    second = make_worker("fault-kill-2", redis)
    second.start()
    wait_for_status(run, "done", logs=[second])
    redelivered_after = time.monotonic() - killed_at

    assert_done_once(run, attempts=["lost", "done"])
    assert time.monotonic() - requested_at >= VISIBILITY_TIMEOUT  # not before the visibility timeout
    assert (redis.unacked(), redis.waiting(second.queue)) == (0, 0), "a message is left to run it again"
    print(f"child killed: done {requeued_after:.1f} s later; worker killed: redelivered and done "
          f"{redelivered_after:.1f} s later")


# (b) Redis stopped and restarted


def test_redis_down_then_back_and_a_queued_message_survives_a_restart(
        seeded_demo, login, make_redis, make_worker, sender, hold_run_mid_job):
    redis = make_redis(appendonly=True)
    sender(redis)
    worker = make_worker("fault-redis", redis)
    client = login("county_admin")
    jobs_url = reverse("organizations:jobs")
    form = {"job": "summary_reports", "county": seeded_demo.county1.pk, "confirm": "1"}

    # Redis down: "run now" answers with the jobs page, the run failed as not queued.
    redis.stop()
    response = client.post(jobs_url, form)
    assert response.status_code == 302
    refused = JobRun.objects.latest("pk")
    assert refused.status == "failed" and refused.error.startswith("could not be queued"), refused.error
    assert 'data-status="failed"' in client.get(jobs_url).content.decode()

    # Redis back: a run is queued (no worker yet), Redis restarts, the message is still there and is run once.
    redis.start()
    assert client.post(jobs_url, form).status_code == 302
    queued = JobRun.objects.latest("pk")
    assert queued.pk != refused.pk and queued.status == "queued"
    assert redis.waiting(worker.queue) == 1
    redis.stop()
    redis.start()
    assert redis.waiting(worker.queue) == 1, "the queued message did not survive the Redis restart"
    worker.start()
    wait_for_status(queued, "done", logs=[worker, redis])
    assert_done_once(queued, attempts=["done"])

    # Redis restarted under a running (idle) worker: it reconnects by itself and runs the next request.
    redis.stop()
    redis.start()
    back_at = time.monotonic()
    assert client.post(jobs_url, form).status_code == 302
    run = JobRun.objects.latest("pk")
    wait_for_status(run, "done", logs=[worker, redis])
    reconnected_after = time.monotonic() - back_at
    assert_done_once(run, attempts=["done"])

    # Redis restarted while a run is running: the run goes on (the worker does not cancel it on the lost
    # connection) and is done. Its message, kept as unacknowledged in the append-only file, is acknowledged
    # on the new connection or, when that fails, delivered again after the visibility timeout and finds the
    # run done: either way nothing is left in Redis and the run was run once.
    during, lock = hold_run_mid_job(worker)
    redis.stop()
    redis.start()
    lock.release()
    wait_for_status(during, "done", logs=[worker, redis])
    wait_until(lambda: (redis.unacked(), redis.waiting(worker.queue)) == (0, 0),
               "the message of the run done during the restart acknowledged", logs=[worker, redis])
    assert_done_once(during, attempts=["done"])

    refused.refresh_from_db()
    assert refused.status == "failed" and "attempts" not in refused.result  # never run
    assert (redis.unacked(), redis.waiting(worker.queue)) == (0, 0)
    print(f"done {reconnected_after:.1f} s after Redis came back")


# (c) The worker's database connections dropped


def test_the_workers_database_connections_dropped_between_and_during_runs(
        seeded_demo, make_redis, make_worker, sender, hold_run_mid_job):
    redis = make_redis()
    sender(redis)
    worker = make_worker("fault-db-1", redis)
    worker.start()
    first = request_run(seeded_demo)
    wait_for_status(first, "done", logs=[worker])

    # Between runs: Celery's Django fixup closes the worker's connections before and after every task, so a
    # server that drops them (a restart, an idle timeout) finds none, and the next run connects afresh.
    wait_until(lambda: not backends(worker.name), "the worker's connections closed after its task", logs=[worker])
    assert terminate_backends(worker.name) == 0
    between = request_run(seeded_demo)
    wait_for_status(between, "done", logs=[worker])
    assert_done_once(between, attempts=["done"])

    # During a run: the job's statement fails, the run is failed with the reason, the task retries it.
    during, lock = hold_run_mid_job(worker)
    assert terminate_backends(worker.name) >= 1
    lock.release()
    wait_for_status(during, "done", logs=[worker])
    assert_done_once(during, attempts=["failed", "done"])
    assert "OperationalError" in during.result["attempts"][0]["error"]
    assert (redis.unacked(), redis.waiting(worker.queue)) == (0, 0)


# (d) A background export whose worker dies


def test_an_export_whose_worker_died_is_failed_by_the_sweep_and_asked_again_afresh(
        seeded_demo, make_redis, make_worker, sender, settings):
    """The worker killed while it writes a background export (ExportRun): its message comes back to the next
    worker, which leaves a run already "running" alone (it may be running elsewhere) — so without the sweep the
    run stays running forever and the same export asked again is that dead run. The sweep, once the task's time
    limit has passed since the run started, fails it; asked again, the export is a new run, done."""
    import datetime as dt

    from django.utils import timezone

    from organizations.jobs import sweep_stuck
    from organizations.models import ExportRun
    from organizations.services.exports import export_run_request
    from organizations.tasks import execute_export_run

    settings.EXPORT_SYNC_MAX_ROWS = 0
    admin = seeded_demo.users["county_admin"]
    redis = make_redis()
    sender(redis)
    first = make_worker("fault-export-1", redis)
    first.start()

    # The export waits at its problem-list query behind a lock: "running", in the middle of its rows.
    lock = TableLock("rectification_planproblem", mode="ACCESS EXCLUSIVE")
    try:
        with lock:
            run = export_run_request(user=admin, export="ledger", params={}, total=1)
            wait_until(lambda: backends(first.name, waiting_for_lock=True), "the export waiting for its rows",
                       logs=[first])
            run.refresh_from_db()
            assert run.status == "running" and run.started_at is not None
            first.kill()
            terminate_backends(first.name)
    finally:
        lock.release()

    # The message comes back after the visibility timeout; the next worker finds the run running and leaves it.
    second = make_worker("fault-export-2", redis)
    second.start()
    wait_until(lambda: "execute_export_run" in second.log.read_text(errors="replace") and " succeeded in "
               in second.log.read_text(errors="replace") and (redis.unacked(), redis.waiting(second.queue)) == (0, 0),
               "the redelivered message taken and acknowledged", logs=[second, redis])
    run.refresh_from_db()
    assert run.status == "running", "a redelivered message ran the run again"
    assert export_run_request(user=admin, export="ledger", params={}, total=1).pk == run.pk  # stuck: the same

    # The sweep at its next turn once the time limit has passed since the run started.
    assert sweep_stuck(send_run=list.append, send_import=list.append, send_export=list.append)["exports_failed"] == 0
    later = run.started_at + dt.timedelta(seconds=execute_export_run.time_limit, minutes=6)
    assert later > timezone.now()
    counts = sweep_stuck(send_run=list.append, send_import=list.append, send_export=list.append, now=later)
    assert counts["exports_failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "worker was lost" in run.error

    again = export_run_request(user=admin, export="ledger", params={}, total=1)
    assert again.pk != run.pk
    wait_until(lambda: ExportRun.objects.get(pk=again.pk).status == "done", "the export asked again done",
               logs=[second])
    again.refresh_from_db()
    assert again.done >= 1 and again.file
    assert ExportRun.objects.get(pk=run.pk).status == "failed"
