"""Project-wide fixtures: the demo city is loaded once per test session; personas are its accounts.

Personas (see organizations/demo/city.py): county_admin, county_leader, town_organizer,
village_secretary, contact_leader, other_county_admin, city_reviewer. Tests that need a
second township organizer use ``make_persona``.

The seeded database is snapshotted once per session (tests/db_snapshot.py). Ordinary tests run inside a
transaction rolled back at their end; transactional tests (live server, Celery worker, threads) commit, and
Django empties the database after them: the snapshot is put back then, so every test starts from the
seeded demo whatever ran before it, without seeding again.

Under pytest-xdist every worker has its own test database (pytest-django), its own MEDIA_ROOT and its own
Celery queue, so that two workers never share a file or a message.
"""

import os

import pytest

_SNAPSHOT = []  # the session's snapshot of the seeded database, once taken


def pytest_configure(config):
    # Each xdist worker sends and consumes its own queue: a worker thread of one process must not take
    # (and lose) the messages of the other's tests on a shared Redis. Set before any task is sent.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from config.celery import app as celery_app

        celery_app.conf.task_default_queue = f"celery-test-{worker}"


@pytest.fixture(scope="session", autouse=True)
def _session_media_root(tmp_path_factory):
    """Files written by the suite go to a directory of this session (of this xdist worker)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (sessions, per-person figures): ids repeat from test to test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from organizations.demo import seed_demo
    from organizations.demo.testing import seed_outside_city
    from tests.db_snapshot import Snapshot

    with django_db_blocker.unblock():
        seed_demo()
        seed_outside_city()
        snapshot = Snapshot(blocker=django_db_blocker)
        snapshot.take()
    _SNAPSHOT.append(snapshot)
    yield
    _SNAPSHOT.remove(snapshot)
    with django_db_blocker.unblock():
        snapshot.drop()


def _is_transactional(item) -> bool:
    """As pytest-django decides whether a test commits (and is flushed) rather than being rolled back."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test and all its fixtures (Django's flush among them), the seeded database
    comes back from the snapshot instead of being seeded again — unless no test follows (the session's, or
    under xdist the worker's, last: the test database is dropped, or seeded again by the next session)."""
    try:
        return (yield)
    finally:
        if _SNAPSHOT and _is_transactional(item) and nextitem is not None:
            _SNAPSHOT[0].restore()


@pytest.fixture
def demo(db):
    """Handles on the demo data: counties, townships, villages and users by name."""
    from organizations.demo.testing import DemoHandles

    return DemoHandles.load()


@pytest.fixture
def login(client):
    """``login("county_admin")`` logs the test client in as that persona and returns the client."""
    from organizations.models import User

    def _login(username):
        client.force_login(User.objects.get(username=username))
        return client

    return _login


@pytest.fixture
def make_persona(db):
    from organizations.demo.testing import make_persona

    return make_persona
