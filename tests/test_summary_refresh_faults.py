"""The dashboard summaries' minutely refresh with the real thing (issue 13 item 1): a ``celery -A config worker``
process, a redis-server of the test's own and the PostgreSQL test database, under the faults it will meet.

- A write through the API marks the county stale; the beat's task, run by the worker, refreshes it and the
  figures equal the live ones again.
- The worker killed (SIGKILL to its process group) in the middle of the refresh: nothing half-written (the
  county's rows are replaced in one transaction), the county stays stale, and the unacknowledged message is
  delivered to the next worker, which refreshes it.
- The worker's database connection terminated in the middle of the refresh (a failover): the run fails, the
  county stays stale (its old figures, never a mixture), and the next minute's run refreshes it.

"In the middle" is made certain as in ``test_worker_process_faults``: the test holds a SHARE lock on the
summary table, so the refresh waits at its delete with its transaction open, and the test strikes once
pg_stat_activity shows the worker's connection waiting for the lock.
"""

from __future__ import annotations

import shutil
import time

import pytest
from django.conf import settings
from django.utils import timezone

from rectification.models import Task, TaskStatus
from rectification.models.dashboard_summary import DashboardSummary
from rectification.selectors.ledger import overdue_tasks_q
from rectification.services.dashboard_summary import counties_to_refresh, dashboard_summary_refresh
from rectification.tasks import refresh_stale_dashboard_summaries
from tests.test_dashboard_summary import assert_summary_equals_live, live, read
from tests.test_worker_process_faults import (  # noqa: F401 - the fixtures of the real worker and Redis
    VISIBILITY_TIMEOUT,
    TableLock,
    backends,
    database_url,
    make_redis,
    make_worker,
    processes,
    sender,
    terminate_backends,
    wait_until,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.xdist_group("worker_process_faults"),
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="PostgreSQL only: a worker subprocess cannot reliably see an SQLite test database"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not on the PATH"),
]

SUMMARY_TABLE = DashboardSummary._meta.db_table


def refresh_every_county(today) -> None:
    from organizations.models import Division

    for county_id in Division.objects.filter(level="county").values_list("pk", flat=True):
        dashboard_summary_refresh(county_id=county_id, today=today)


def complete_an_overdue_task(client, township) -> Task:
    """The township organizer marks an overdue task of the township done through the API (a committed write)."""
    task = Task.objects.filter(overdue_tasks_q(timezone.localdate()), township=township).order_by("pk").first()
    assert task is not None
    response = client.patch(f"/api/v1/ledger/tasks/{task.pk}/",
                            {"status": TaskStatus.DONE, "progress": 100, "version": task.version},
                            content_type="application/json")
    assert response.status_code == 200, response.content[:500]
    return task


def held_mid_refresh(worker, lock: TableLock) -> None:
    """The refresh sent as the beat sends it, and held by ``lock`` with its transaction open."""
    refresh_stale_dashboard_summaries.delay()
    wait_until(lambda: backends(worker.name, waiting_for_lock=True), "the refresh waiting at its delete",
               logs=[worker])


def test_the_refresh_survives_a_killed_worker_and_a_lost_database_connection(
        seeded_demo, login, make_redis, make_worker, sender):  # noqa: F811
    today = timezone.localdate()
    refresh_every_county(today)
    reviewer = seeded_demo.users["city_reviewer"]
    county = seeded_demo.county1
    before = assert_summary_equals_live(reviewer, today)
    organizer = login("town_organizer")

    redis = make_redis()
    sender(redis)
    first = make_worker("summary-1", redis)
    first.start()

    # A write through the API: the county is stale, the figures shown are still the refresh's.
    complete_an_overdue_task(organizer, seeded_demo.township_a)
    assert counties_to_refresh(today=today) == [county.pk]
    after_first_write = live(reviewer, today=today)
    assert after_first_write["totals"]["overdue_tasks"] == before["totals"]["overdue_tasks"] - 1

    # The worker killed in the middle of the refresh: nothing written, the county still stale.
    with TableLock(SUMMARY_TABLE) as lock:
        held_mid_refresh(first, lock)
        killed_at = time.monotonic()
        first.kill()
        terminate_backends(first.name)
    assert counties_to_refresh(today=today) == [county.pk]
    assert read(reviewer, today=today)[0] == before, "a killed refresh left figures behind"
    # Its message, never acknowledged, comes to the next worker after the visibility timeout.
    second = make_worker("summary-2", redis)
    second.start()
    wait_until(lambda: counties_to_refresh(today=today) == [], "the redelivered refresh done", logs=[second])
    assert time.monotonic() - killed_at >= VISIBILITY_TIMEOUT
    assert_summary_equals_live(reviewer, today, counties=[county])
    assert read(reviewer, today=today)[0] == after_first_write

    # The database connection cut in the middle of the refresh: the run fails, the county stays stale with
    # its previous figures (no mixture), and the next minute's run refreshes it.
    complete_an_overdue_task(organizer, seeded_demo.township_a)
    assert counties_to_refresh(today=today) == [county.pk]
    with TableLock(SUMMARY_TABLE) as lock:
        held_mid_refresh(second, lock)
        assert terminate_backends(second.name) >= 1
    wait_until(lambda: "refresh_stale_dashboard_summaries" in second.tail() and "raised unexpected" in second.tail(),
               "the cut-off refresh failed", logs=[second])
    assert counties_to_refresh(today=today) == [county.pk]
    assert read(reviewer, today=today)[0] == after_first_write
    refresh_stale_dashboard_summaries.delay()  # the next minute
    wait_until(lambda: counties_to_refresh(today=today) == [], "the next refresh done", logs=[second])
    now_live = live(reviewer, today=today)
    assert now_live["totals"]["overdue_tasks"] == before["totals"]["overdue_tasks"] - 2
    assert_summary_equals_live(reviewer, today, counties=[county])
