"""Fixtures for the cross-app tests in tests/ (the project-wide ones are in the root conftest.py)."""

import pytest


@pytest.fixture(scope="session")
def migration_rows(django_db_setup):
    """What Django serialized right after migrating (the rows data migrations wrote), per database.

    Read early, in plain synchronous code: once Playwright runs its event loop in this thread,
    Django hands out other connection objects, which lack these contents, so Django's own
    serialized rollback cannot put the rows back in browser tests (see ``seeded_demo``).
    """
    from django.db import connections

    return {alias: connections[alias]._test_serialized_contents for alias in connections
            if getattr(connections[alias], "_test_serialized_contents", None)}


@pytest.fixture
def _migration_rows_on_this_connection(migration_rows):
    """Give the connection object of this context the serialized rows, as Django expects to find them."""
    from django.db import connections

    for alias, contents in migration_rows.items():
        connection = connections[alias]
        if not getattr(connection, "_test_serialized_contents", None):
            connection._test_serialized_contents = contents


@pytest.fixture
def transactional_db(_migration_rows_on_this_connection, transactional_db):
    """pytest-django's transactional_db, with serialized rollback working in browser tests too."""
    return transactional_db


@pytest.fixture
def seeded_demo(transactional_db, django_db_serialized_rollback):
    """The demo city, committed, for tests whose other threads (a live server, a Celery worker) read it.

    Transactional tests flush the database when they end, so the session-wide demo data of the root
    conftest is gone for the next one: seed it again (seed_demo is idempotent). The flush also takes
    the rows data migrations wrote (the national categories...): serialized rollback puts them back.
    """
    from organizations.demo import seed_demo
    from organizations.demo.testing import DemoHandles

    seed_demo()
    return DemoHandles.load()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads of the test go to a temporary directory (visible to the worker thread too)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT
