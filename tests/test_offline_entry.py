"""The portal on a phone with weak signal (issue 12): installable, and progress typed offline sent once.

- HTTP: the manifest and the service worker are served; a form sent twice with one submission key is acted
  on once (the second arrival is sent where the first went), per person; a malformed key is ignored.
- Browser (Chromium, at 390 px and at desktop width): a township organizer opens the progress entry page,
  the connection drops, the entry with a photo is typed and sent: it is kept on the phone and the page says
  so; the page opens again without a connection (the service worker kept it); the connection returns and
  the entry arrives exactly once with its photo.
"""
# The fixtures imported from tests/test_browser.py are requested by name as arguments (F811 there).
# ruff: noqa: F811

import base64
import datetime as dt

import pytest
from django.urls import reverse

from organizations.models import SubmissionKey
from rectification.models import EvidenceFile, ProgressEntry
from rectification.tests.progress_support import make_rectifying_plan
from tests.test_browser import (  # noqa: F401 - fixtures of the browser journeys, reused
    browser_context_args,
    browser_type_launch_args,
    log_in,
    playwright,
    site,
)

# A 1×1 PNG: the evidence check reads the content, not the name.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
KEY = "0f4c8a52-6b1e-4c43-9d0e-8f1d2a3b4c5d"


@pytest.mark.django_db
def test_the_manifest_and_the_service_worker_are_served(client):
    manifest = client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == reverse("home") and data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200

    worker = client.get(reverse("service-worker"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert b"addEventListener" in b"".join(worker.streaming_content if worker.streaming else [worker.content])


@pytest.mark.django_db
def test_a_form_sent_twice_with_one_key_is_recorded_once(demo, login):
    plan = make_rectifying_plan(demo)
    client = login("town_organizer")
    url = reverse("rectification:progress-add", args=[plan.pk])
    body = {"content": "走访党员户，整理会议记录", "happened_on": dt.date.today().isoformat(), "submission_key": KEY}

    first = client.post(url, body)
    again = client.post(url, body)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert ProgressEntry.objects.filter(plan=plan, content=body["content"]).count() == 1
    assert SubmissionKey.objects.get(key=KEY).result_url == first["Location"]

    # The key is the person's: another person's form with the same key is a write of its own.
    other = login("village_secretary").post(url, body)
    assert other.status_code == 302
    assert ProgressEntry.objects.filter(plan=plan, content=body["content"]).count() == 2

    # Without a key, or with a malformed one, every sending is an ordinary write.
    for key in ("", "short", "x" * 65, "<script>"):
        client.post(url, {**body, "submission_key": key})
    assert ProgressEntry.objects.filter(plan=plan, content=body["content"]).count() == 6


@pytest.mark.django_db
def test_a_refused_form_does_not_use_up_its_key(demo, login):
    plan = make_rectifying_plan(demo)
    client = login("town_organizer")
    url = reverse("rectification:progress-add", args=[plan.pk])
    refused = client.post(url, {"content": "", "happened_on": dt.date.today().isoformat(), "submission_key": KEY})
    assert refused.status_code == 400 and not SubmissionKey.objects.filter(key=KEY).exists()

    accepted = client.post(url, {"content": "补记", "happened_on": dt.date.today().isoformat(),
                                 "submission_key": KEY})
    assert accepted.status_code == 302 and ProgressEntry.objects.filter(plan=plan, content="补记").count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 800}],
                         ids=["phone-390", "desktop"])
def test_progress_typed_offline_is_sent_once_when_the_connection_returns(
        page, site, seeded_demo, viewport, tmp_path):
    plan = make_rectifying_plan(seeded_demo)
    before = ProgressEntry.objects.filter(plan=plan).count()
    page.set_viewport_size(viewport)
    log_in(page, site, "town_organizer")
    url = f"{site}{reverse('rectification:progress-add', args=[plan.pk])}"
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready")  # the worker is active and keeps the pages it serves
    page.reload()  # fetched once more through the worker, so that it is kept
    status = page.locator("#offline-status")

    page.context.set_offline(True)
    page.fill("textarea[name=content]", "无信号时录入：召开支部委员会")
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    page.set_input_files("input[name=photos]", str(photo))
    page.locator("form[data-offline] button[type=submit]").click()

    page.wait_for_selector("#offline-status[data-pending='1']")
    assert "1" in status.inner_text() and "无网络" in status.inner_text()
    assert ProgressEntry.objects.filter(plan=plan).count() == before
    page.screenshot(path=str(tmp_path / f"offline-{viewport['width']}.png"), full_page=True)

    # Opened again without a connection, the page comes from the worker and still shows what waits.
    page.reload()
    page.wait_for_selector("#offline-status[data-pending='1']")

    page.context.set_offline(False)
    page.wait_for_selector("#offline-status[data-pending='0']", state="attached", timeout=15_000)
    entries = ProgressEntry.objects.filter(plan=plan, content="无信号时录入：召开支部委员会")
    assert entries.count() == 1
    assert EvidenceFile.objects.filter(entry=entries.get()).count() == 1
    assert ProgressEntry.objects.filter(plan=plan).count() == before + 1

    # The connection flickers and the page opens online again: nothing is sent twice.
    page.reload()
    page.wait_for_load_state("load")
    assert entries.count() == 1
