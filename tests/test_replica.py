"""The read replica (issue 13 item 6): with ``DATABASE_REPLICA_URL`` the leader and cadre dashboards (page and
API), the ledger exports (page, API, the background ``ExportRun`` job) and the dashboard summaries' refresh read
from a PostgreSQL streaming replica; writes go to the primary, and so do the writer's own next pages.

Run against a real hot standby: ``.ci/replica`` (called by ``.ci/run``) makes one of the CI PostgreSQL with
``pg_basebackup -R`` on a spare port and runs this module with ``DATABASE_REPLICA_URL`` pointing at it. Without
the variable these tests are skipped, except the one saying that nothing changes then.

How a test knows where a request read: each request's queries are captured on both connections (the ledger's
tables read on the replica's and not on the primary's, or the reverse), and with the standby's WAL replay paused
a row committed on the primary is missing from what the replica's readers get while the writer sees it.
"""

from __future__ import annotations

import io
import os
import socket
import time
from contextlib import ExitStack, contextmanager

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import ExportRun, JobStatus, SecurityEvent
from organizations.replica import PIN_COOKIE, REPLICA, replica_caught_up
from rectification.models import Designation, DesignationStatus
from rectification.services.dashboard_summary import dashboard_summary_refresh
from tests.workbooks import table

DASHBOARD = reverse("rectification:dashboard")
DASHBOARD_API = "/api/v1/ledger/dashboard/"
CADRE_DASHBOARD = reverse("cadres:dashboard")
EXPORT = reverse("rectification:ledger-export")
EXPORT_API = "/api/v1/ledger/export/"
LEDGER = '"rectification_designation"'
#: Read by the export's rows only (not by the export view's own row count), on the request's connections: the
#: rows' query (each plan's current cycle); the chunks' other reads (problem lists, measures and progress texts)
#: go through a helper thread's own connection, in the request's replica scope.
EXPORT_ROWS = '"rectification_plancycle"'

needs_replica = [
    pytest.mark.skipif("replica" not in django_settings.DATABASES,
                       reason="DATABASE_REPLICA_URL is not set: .ci/replica starts a streaming replica and runs these"),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


def replica_test(function):
    for mark in reversed(needs_replica):
        function = mark(function)
    return function


@pytest.mark.skipif("replica" in django_settings.DATABASES, reason="a replica is configured")
def test_without_a_replica_nothing_is_routed_and_a_write_pins_nothing(db, client):
    assert django_settings.DATABASE_ROUTERS == []
    assert not any("replica" in name for name in django_settings.MIDDLEWARE)
    answer = client.post(reverse("login"), {"username": "county_admin", "password": "rectify-demo"})
    assert answer.status_code == 302  # logged in: a successful POST
    assert PIN_COOKIE not in answer.cookies


# --- the real standby --------------------------------------------------------------------------------------------

@pytest.fixture
def standby(seeded_demo):
    """The replica alias on the real standby, the test database's name kept (in tests the alias is a mirror of
    the primary's test database; streaming replication has copied that database to the standby)."""
    import dj_database_url

    if connections["default"].vendor != "postgresql":
        pytest.skip("the replica tests need PostgreSQL (DATABASE_URL) as the primary")
    alias = connections[REPLICA]
    mirror = alias.settings_dict
    server = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    alias.close()
    alias.settings_dict = {**mirror, **{key: server[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}}
    try:
        with alias.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), current_database(), inet_server_port()")
            in_recovery, name, port = cursor.fetchone()
        assert in_recovery, f"DATABASE_REPLICA_URL (port {port}) is not a hot standby"
        assert name == connections["default"].settings_dict["NAME"]
        assert port != _primary_port()
        assert replica_caught_up(timeout=30), "the standby has not replayed the seeded test database"
        yield alias
    finally:
        with alias.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        alias.close()
        alias.settings_dict = mirror


def _primary_port() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        return cursor.fetchone()[0]


@contextmanager
def replay_paused(standby):
    """The standby stops replaying the primary's WAL (what commits meanwhile is not on it), then resumes."""
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        for _ in range(200):
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                break
            time.sleep(0.02)
        else:
            raise AssertionError("the standby did not pause its replay")
    try:
        yield
    finally:
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


@contextmanager
def captured():
    """The queries run meanwhile on the primary's and on the replica's connection."""
    with ExitStack() as stack:
        primary = stack.enter_context(CaptureQueriesContext(connections["default"]))
        replica = stack.enter_context(CaptureQueriesContext(connections[REPLICA]))
        yield primary, replica


def reads(queries, table_name: str = LEDGER) -> list[str]:
    # DECLARE … CURSOR FOR SELECT: a read through a server-side cursor (QuerySet.iterator(), the export's rows).
    return [q["sql"] for q in queries.captured_queries
            if table_name in q["sql"] and q["sql"].lstrip().upper().startswith(("SELECT", "WITH", "DECLARE"))]


def writes(queries, table_name: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if table_name in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def by_status(client) -> dict:
    answer = client.get(DASHBOARD_API)
    assert answer.status_code == 200
    return answer.json()["totals"]["by_status"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- dashboards and read-your-writes -----------------------------------------------------------------------------

@replica_test
def test_dashboards_read_the_replica_and_the_writers_next_pages_the_primary(standby, seeded_demo, settings):
    settings.REPLICA_READ_YOUR_WRITES_SECONDS = 1
    admin = seeded_demo.users["county_admin"]
    writer, reader = logged_in(admin), logged_in(seeded_demo.users["county_leader"])
    consolidated = DesignationStatus.CONSOLIDATED

    with captured() as (primary, replica):
        page = reader.get(DASHBOARD)
        before = by_status(reader)
        cadres = reader.get(CADRE_DASHBOARD)
    assert page.status_code == cadres.status_code == 200
    assert reads(replica) and not reads(primary), "the leader dashboard (page and API) reads the replica"
    assert reads(replica, '"cadres_') and not reads(primary, '"cadres_'), "the cadre dashboard reads the replica"
    assert by_status(writer) == before  # the same county

    designation = Designation.objects.visible_to(admin).filter(
        status=DesignationStatus.CONSOLIDATING).order_by("pk").first()
    with replay_paused(standby):
        answer = writer.post(reverse("rectification:designation-transition", args=[designation.pk]),
                             {"action": "complete_consolidation", "comment": ""})
        assert answer.status_code == 302, answer.content.decode()[:500]
        assert PIN_COOKIE in answer.cookies  # the write succeeded: the writer reads the primary for a while

        # The writer's next pages read the primary: their change is there although the standby lacks it.
        with captured() as (primary, replica):
            mine = by_status(writer)
            assert writer.get(DASHBOARD).status_code == 200
        assert mine[consolidated] == before[consolidated] + 1
        assert reads(primary) and not reads(replica)

        # Everyone else still reads the replica, which has not replayed the change.
        with captured() as (primary, replica):
            theirs = by_status(reader)
        assert theirs == before
        assert reads(replica) and not reads(primary)

    assert replica_caught_up(timeout=30)
    assert by_status(reader) == mine  # replayed: the readers see it too

    # The window over, the writer reads the replica again.
    time.sleep(settings.REPLICA_READ_YOUR_WRITES_SECONDS + 1.1)  # the signature's time is in whole seconds
    with captured() as (primary, replica):
        assert by_status(writer) == mine
    assert reads(replica) and not reads(primary)


# --- exports, the summaries' refresh, a replica down ------------------------------------------------------------

def problems_cells(data: bytes) -> set[str]:
    header, rows = table(openpyxl.load_workbook(io.BytesIO(data)).active)
    column = next(i for i, title in enumerate(header) if title in ("主要问题", "Main problems"))
    return {row[column] for row in rows}


def mark(designation, text: str) -> None:
    """A change committed on the primary (a plain UPDATE, as another person's write would be)."""
    Designation.objects.filter(pk=designation.pk).update(problems=text)


@replica_test
def test_exports_and_the_summary_refresh_read_the_replica_and_a_replica_down_is_left_out(standby, seeded_demo,
                                                                                        settings):
    """One test (each transactional test costs a flush and a restore of the seeded database)."""
    admin = seeded_demo.users["county_admin"]
    client = logged_in(admin)
    designation = Designation.objects.visible_to(admin).order_by("pk").first()
    mark(designation, "副本读取一")
    assert replica_caught_up(timeout=30)

    events = SecurityEvent.objects.filter(kind="export").count()
    with captured() as (primary, replica):
        page = client.get(EXPORT)
        api = client.get(EXPORT_API, {"format": "xlsx"})
        rows = client.get(EXPORT_API)
    assert page.status_code == api.status_code == rows.status_code == 200
    for answer in (page, api):
        assert "副本读取一" in problems_cells(b"".join(answer.streaming_content))
    assert reads(replica) and not reads(primary), "the synchronous exports read the replica"
    assert reads(replica, EXPORT_ROWS) and not reads(primary, EXPORT_ROWS)
    assert SecurityEvent.objects.filter(kind="export").count() == events + 3  # logged on the primary
    assert writes(primary, '"organizations_securityevent"')

    # The background job (run in-process here when the request commits): it waits until the standby has
    # replayed what the primary had when it started, then reads the standby.
    settings.EXPORT_SYNC_MAX_ROWS = 0
    settings.REPLICA_CATCH_UP_SECONDS = 10
    mark(designation, "副本读取二")  # committed just before: the job must not miss it
    with captured() as (primary, replica):
        answer = client.get(EXPORT)
    assert answer.status_code == 302
    run = ExportRun.objects.filter(user=admin).latest("pk")
    assert run.status == JobStatus.DONE, run.error
    assert "副本读取二" in problems_cells(run.file.read())
    assert reads(replica, EXPORT_ROWS) and not reads(primary, EXPORT_ROWS), "the job read the replica"
    assert writes(primary, '"organizations_exportrun"') and not writes(replica, '"organizations_exportrun"')

    # A standby that does not catch up in time: the job reads the primary rather than older rows.
    settings.REPLICA_CATCH_UP_SECONDS = 1
    with replay_paused(standby):
        mark(designation, "副本读取三")
        with captured() as (primary, replica):
            answer = client.get(EXPORT)
        assert answer.status_code == 302
    run = ExportRun.objects.filter(user=admin).latest("pk")
    assert run.status == JobStatus.DONE, run.error
    assert "副本读取三" in problems_cells(run.file.read())
    assert reads(primary, EXPORT_ROWS) and not reads(replica, EXPORT_ROWS)

    # The dashboard summaries' refresh: reads the replica, writes the primary.
    settings.REPLICA_CATCH_UP_SECONDS = 10
    assert replica_caught_up(timeout=30)
    county = seeded_demo.county1
    with captured() as (primary, replica):
        result = dashboard_summary_refresh(county_id=county.pk)
    assert result["designations"] > 0
    assert reads(replica) and not reads(primary)
    summary = '"rectification_dashboardsummary"'
    assert writes(primary, summary) and not writes(replica, summary)

    # Behind by more than the wait: read from the primary, so the stale marks' rule still holds.
    settings.REPLICA_CATCH_UP_SECONDS = 1
    with replay_paused(standby):
        mark(Designation.objects.filter(county=county).order_by("pk").first(), "副本刷新")
        with captured() as (primary, replica):
            dashboard_summary_refresh(county_id=county.pk)
    assert reads(primary) and not reads(replica)

    # The standby unreachable (nothing listens on its port): the scopes read the primary, nothing fails.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    reachable = standby.settings_dict
    standby.close()
    standby.settings_dict = {**reachable, "PORT": str(closed_port)}
    settings.EXPORT_SYNC_MAX_ROWS = 100_000
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            assert client.get(DASHBOARD).status_code == 200
            assert client.get(EXPORT).status_code == 200
            dashboard_summary_refresh(county_id=county.pk)
        assert reads(primary) and reads(primary, EXPORT_ROWS)
    finally:
        standby.close()
        standby.settings_dict = reachable
