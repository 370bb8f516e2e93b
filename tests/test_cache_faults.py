"""The shared cache under the faults it will meet (organizations/cache_backend.py): its Redis refusing connections
or accepting them and never answering. Pages, the API and writes are served without it; with a working Redis the
kept pages are kept."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

BACKEND = "organizations.cache_backend.TolerantRedisCache"


def redis_cache(location: str, timeout: float = 0.5) -> dict:
    return {"default": {"BACKEND": BACKEND, "LOCATION": location, "KEY_PREFIX": "portal-test",
                        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout}}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_the_portal(client, demo) -> list[int]:
    """What a township organizer does: home, leader pages it may see, the ledger, a progress entry."""
    from rectification.models import Task

    statuses = [client.get(reverse("home")).status_code, client.get(reverse("home")).status_code,
                client.get(reverse("rectification:ledger")).status_code,
                client.get(reverse("organizations:notifications")).status_code]
    task = Task.objects.filter(township=demo.township_a, plan__designation__status="rectifying").first()
    statuses.append(client.post(reverse("progress-entry-list"), {
        "plan": task.plan_id, "task": task.pk, "happened_on": timezone.localdate().isoformat(),
        "content": "缓存故障下照常填报"}, HTTP_ORIGIN="http://testserver").status_code)
    statuses.append(client.get(reverse("home")).status_code)
    return statuses


@pytest.fixture
def refused():
    """A Redis address where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def silent():
    """A Redis address that accepts connections and never answers (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    server.close()


@pytest.mark.parametrize("fault", ["refused", "silent"])
def test_pages_and_writes_are_served_with_the_cache_down(demo, login, settings, request, fault):
    location = request.getfixturevalue(fault)
    settings.PERSON_FIGURES_SECONDS = 60
    with override_settings(CACHES=redis_cache(location, timeout=0.3)):
        caches["default"].get("probe")  # the cache of this settings, failing quietly
        client = login("town_organizer")
        started = time.monotonic()
        statuses = use_the_portal(client, demo)
        elapsed = time.monotonic() - started
    assert statuses == [200, 200, 200, 200, 201, 200]
    # Each cache command gives up after its timeout instead of hanging the worker (a hang would never end).
    assert elapsed < 60


def test_a_working_redis_keeps_the_pages(demo, login, settings):
    location = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    host, port = location.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    try:
        socket.create_connection((host.split("@")[-1], int(port)), timeout=1).close()
    except OSError:
        pytest.skip(f"no Redis at {location}")
    settings.PERSON_FIGURES_SECONDS = 60
    with override_settings(CACHES=redis_cache(location)):
        cache = caches["default"]
        cache.clear()
        client = login("town_organizer")
        client.get(reverse("home"))
        first = client.get(reverse("home")).content
        from rectification.models import Task, TaskStatus

        today = timezone.localdate()
        Task.objects.filter(county=demo.county1, deadline__lt=today).exclude(status=TaskStatus.DONE).update(
            deadline=today.replace(year=today.year + 1))
        assert client.get(reverse("home")).content == first  # kept in Redis
        cache.clear()
        assert client.get(reverse("home")).content != first
