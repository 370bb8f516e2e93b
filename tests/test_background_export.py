"""Large exports run in the background (issue 13 item 4): above ``EXPORT_SYNC_MAX_ROWS`` the ledger export
queues an ``ExportRun`` and answers with its page; a real Celery worker (the fixture of
tests/test_celery_worker.py: a solo worker thread on the configured broker) writes the workbook; the page then
links the file, which only the requester may open. Everything through HTTP."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import ExportRun, JobStatus, SecurityEvent
from organizations.tasks import execute_export_run
from rectification.models import Designation
from tests import test_celery_worker
from tests.workbooks import table

# The real worker of tests/test_celery_worker.py (a solo worker thread for the module) and its task recorder.
celery_worker_thread = test_celery_worker.celery_worker_thread
worker = test_celery_worker.worker

pytestmark = pytest.mark.celery_worker

EXPORT = reverse("rectification:ledger-export")


def sheet_rows(data: bytes):
    header, rows = table(openpyxl.load_workbook(io.BytesIO(data)).active)
    return header, rows


def logged_in(client, user):
    client.force_login(user)
    return client


def test_a_large_ledger_export_is_written_by_the_worker_for_its_requester_only(worker, seeded_demo, client,
                                                                                 settings):
    from django.test import Client

    admin = seeded_demo.users["county_admin"]
    scope = Designation.objects.visible_to(admin)
    total = scope.count()
    assert total > 3
    logged_in(client, admin)
    settings.EXPORT_SYNC_MAX_ROWS = total  # at the limit: answered at once
    direct = client.get(EXPORT)
    assert direct.status_code == 200 and direct.streaming
    expected = sheet_rows(b"".join(direct.streaming_content))

    settings.EXPORT_SYNC_MAX_ROWS = total - 1  # one row more than allowed: the worker writes it
    events = SecurityEvent.objects.filter(kind="export").count()
    response = client.get(EXPORT)
    assert response.status_code == 302
    run = ExportRun.objects.get(user=admin)
    assert response["Location"] == reverse("organizations:download", args=[run.pk])
    assert (run.export, run.total) == ("ledger", total)
    assert SecurityEvent.objects.filter(kind="export").count() == events + 1  # the request is logged as before

    worker.wait_for(execute_export_run.name, args=(run.pk,))
    run.refresh_from_db()
    assert run.status == JobStatus.DONE, run.error
    assert run.done == total

    page = client.get(reverse("organizations:download", args=[run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html  # finished: no more polling
    link = reverse("organizations:download-file", args=[run.pk])
    assert f'href="{link}"' in html
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert sheet_rows(b"".join(download.streaming_content)) == expected  # the same rows as the direct answer
    assert SecurityEvent.objects.filter(kind="export", detail__via="background", detail__run=run.pk).count() == 1

    # Anyone else, even with the same scope or a wider one: 404, for the page and for the file.
    for other in ("city_reviewer", "town_organizer"):
        stranger = logged_in(Client(), seeded_demo.users[other])
        assert stranger.get(reverse("organizations:download", args=[run.pk])).status_code == 404
        assert stranger.get(link).status_code == 404


def test_the_filters_go_with_the_run_and_a_second_click_finds_the_same_run(worker, seeded_demo, client, settings):
    admin = seeded_demo.users["county_admin"]
    settings.EXPORT_SYNC_MAX_ROWS = 0  # always in the background
    logged_in(client, admin)
    rectifying = Designation.objects.visible_to(admin).filter(status="rectifying").count()
    assert rectifying > 0

    first = client.get(EXPORT, {"status": "rectifying"})
    run = ExportRun.objects.get(user=admin)
    assert run.params == {"status": ["rectifying"]}
    worker.wait_for(execute_export_run.name, args=(run.pk,))
    run.refresh_from_db()
    assert first.status_code == 302
    assert (run.status, run.done) == (JobStatus.DONE, rectifying)
    _header, rows = sheet_rows(b"".join(client.get(reverse("organizations:download-file",
                                                           args=[run.pk])).streaming_content))
    assert len(rows) == rectifying


def test_the_page_shows_the_progress_while_the_worker_writes(seeded_demo, client):
    admin = seeded_demo.users["county_admin"]
    run = ExportRun.objects.create(user=admin, export="ledger", total=200, done=50, status=JobStatus.RUNNING)
    page = logged_in(client, admin).get(reverse("organizations:download", args=[run.pk]))
    html = page.content.decode()
    assert 'http-equiv="refresh"' in html  # the page polls itself
    assert re.search(r'<progress[^>]*value="25"', html)
    assert "50" in html and "200" in html
    assert reverse("organizations:download-file", args=[run.pk]) not in html
    assert client.get(reverse("organizations:download-file", args=[run.pk])).status_code == 404  # not ready


def test_a_second_request_while_queued_is_the_same_run(worker, seeded_demo):
    from organizations.services.exports import export_run_request

    admin = seeded_demo.users["county_admin"]
    queued = ExportRun.objects.create(user=admin, export="ledger", params={"status": ["rectifying"]}, total=3)
    again = export_run_request(user=admin, export="ledger", params={"status": "rectifying"}, total=3)
    other = export_run_request(user=admin, export="ledger", params={"status": "designated"}, total=3)
    assert again.pk == queued.pk and other.pk != queued.pk
    assert ExportRun.objects.filter(user=admin).count() == 2
    worker.wait_for(execute_export_run.name, args=(other.pk,))


API_EXPORT = "/api/v1/ledger/export/"


def test_a_large_api_workbook_answers_202_with_its_run_which_its_requester_polls_then_downloads(
        worker, seeded_demo, client, settings):
    """``?format=xlsx`` above ``EXPORT_SYNC_MAX_ROWS``: 202 with the run (Location: its API URL), the same run for a
    second request, written by the worker; the run's ``file`` then holds the rows the synchronous answer holds.
    Anyone else gets 404 for the run and its file, whatever their scope; a token client polls as well."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    admin = seeded_demo.users["county_admin"]
    logged_in(client, admin)
    query = {"format": "xlsx", "status": "rectifying"}
    total = Designation.objects.visible_to(admin).filter(status="rectifying").count()
    assert total > 1
    settings.EXPORT_SYNC_MAX_ROWS = total  # at the limit: the workbook at once
    direct = client.get(API_EXPORT, query)
    assert direct.status_code == 200 and direct.streaming
    expected = sheet_rows(b"".join(direct.streaming_content))

    settings.EXPORT_SYNC_MAX_ROWS = total - 1
    response = client.get(API_EXPORT, query)
    assert response.status_code == 202, response.content[:300]
    body = response.json()
    run = ExportRun.objects.get(pk=body["id"])
    assert (run.user, run.export, run.params, run.total) == (admin, "ledger", {"status": ["rectifying"]}, total)
    assert response["Location"] == body["url"] and body["url"].endswith(f"/api/v1/exports/{run.pk}/")
    assert body["file"] is None and body["page"].endswith(reverse("organizations:download", args=[run.pk]))
    assert client.get(API_EXPORT, query).json()["id"] == run.pk  # asked again while queued: the same run

    worker.wait_for(execute_export_run.name, args=(run.pk,))
    polled = client.get(body["url"])
    assert polled.status_code == 200
    state = polled.json()
    assert (state["status"], state["done"], state["percent"]) == ("done", total, 100)
    assert state["file"].endswith(f"/api/v1/exports/{run.pk}/file/")
    download = client.get(state["file"])
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert sheet_rows(b"".join(download.streaming_content)) == expected
    assert SecurityEvent.objects.filter(kind="export", detail__via="background", detail__run=run.pk).count() == 1
    assert [r["id"] for r in client.get("/api/v1/exports/").json()["results"]] == [run.pk]

    token = Token.objects.create(user=admin)
    by_token = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert by_token.get(body["url"]).json()["status"] == "done"
    assert by_token.get(state["file"], HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml"
                                                    ".sheet").status_code == 200

    for other in ("city_reviewer", "other_county_admin"):
        stranger = logged_in(Client(), seeded_demo.users[other])
        for url in (body["url"], state["file"]):
            assert stranger.get(url).status_code == 404
        assert stranger.delete(body["url"]).status_code == 404
        assert stranger.get("/api/v1/exports/").json()["results"] == []


def test_workbooks_are_deleted_a_retention_period_after_their_run_finished(worker, seeded_demo, client, settings):
    """The daily task (run by the worker) deletes the files of runs finished more than EXPORT_FILE_RETENTION_DAYS
    ago, and only those; the run stays, its page says when its file went, its file link and the API's are gone."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from organizations.tasks import purge_old_export_files

    settings.EXPORT_FILE_RETENTION_DAYS = 7
    admin = seeded_demo.users["county_admin"]
    now = timezone.now()

    def run_with_file(name, status, finished_days_ago):
        run = ExportRun(user=admin, export="ledger", status=status, total=1, done=1, filename=f"{name}.xlsx")
        run.file.save(run.filename, ContentFile(b"workbook"), save=False)
        run.save()
        finished = None if finished_days_ago is None else now - dt.timedelta(days=finished_days_ago)
        ExportRun.objects.filter(pk=run.pk).update(finished_at=finished)
        return run

    old = run_with_file("old", JobStatus.DONE, 8)
    old_failed = run_with_file("old-failed", JobStatus.FAILED, 30)
    recent = run_with_file("recent", JobStatus.DONE, 6)
    running = run_with_file("running", JobStatus.RUNNING, None)
    paths = {run.pk: run.file.name for run in (old, old_failed, recent, running)}

    purge_old_export_files.delay()
    assert worker.wait_for(purge_old_export_files.name)["retval"] == 2
    for run, kept in ((old, False), (old_failed, False), (recent, True), (running, True)):
        run.refresh_from_db()
        assert default_storage.exists(paths[run.pk]) is kept, run.filename
        assert bool(run.file) is kept and (run.file_deleted_at is None) is kept

    logged_in(client, admin)
    page = client.get(reverse("organizations:download", args=[old.pk])).content.decode()
    assert 'id="export-deleted"' in page and "7" in page
    assert timezone.localtime(old.file_deleted_at).strftime("%Y-%m-%d") in page
    assert reverse("organizations:download-file", args=[old.pk]) not in page
    assert client.get(reverse("organizations:download-file", args=[old.pk])).status_code == 404
    assert client.get(f"/api/v1/exports/{old.pk}/").json()["file"] is None
    assert client.get(reverse("organizations:download-file", args=[recent.pk])).status_code == 200
    after = len(worker)
    purge_old_export_files.delay()
    assert worker.wait_for(purge_old_export_files.name, after=after)["retval"] == 0  # nothing more


def test_rows_read_outside_a_transaction_are_the_orm_rows(seeded_demo):
    """Outside a transaction (an export's request, a worker) on PostgreSQL each chunk's measures and progress
    texts are read ahead by a helper thread on its own connection: the rows are still the ORM path's, cell for
    cell, chunk after chunk, in both languages; the main connection does not run that query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from rectification.exports.ledger import ledger_row, ledger_rows, row_labels
    from rectification.selectors.ledger import LEDGER_ORDER
    from rectification.selectors.ledger_export import export_rows

    assert not connection.in_atomic_block
    queryset = Designation.objects.visible_to(seeded_demo.users["city_reviewer"]).order_by(*LEDGER_ORDER)
    assert queryset.count() > 20
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels = row_labels()
            expected = [ledger_row(n, row, labels) for n, row in enumerate(export_rows(queryset), start=1)]
            with CaptureQueriesContext(connection) as queries:
                found = list(ledger_rows(queryset, chunk_size=7))
        assert found == expected
        assert any("\n   · " in str(v) for row in found for v in row)  # measures with their tasks were read
        if connection.vendor == "postgresql":
            assert not [q for q in queries if "string_agg" in q["sql"]], "the texts were read on the main connection"


@pytest.mark.django_db(transaction=True)
def test_a_deleted_account_takes_its_export_files_along(seeded_demo):
    """Deleting an account deletes its runs (cascade) and, once committed, their workbooks: no file is left on
    disk without a run pointing at it; another person's files stay."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from organizations.models import User

    leaving = User.objects.create_user("leaving_admin", password="x")
    staying = seeded_demo.users["county_admin"]
    paths = {}
    for user in (leaving, staying):
        run = ExportRun(user=user, export="ledger", status=JobStatus.DONE, total=1, done=1, filename="台账.xlsx")
        run.file.save(run.filename, ContentFile(b"workbook"), save=True)
        paths[user.username] = run.file.name
    assert all(default_storage.exists(path) for path in paths.values())
    leaving.delete()
    assert not ExportRun.objects.filter(user_id=leaving.pk).exists()
    assert not default_storage.exists(paths["leaving_admin"])
    assert default_storage.exists(paths["county_admin"])
