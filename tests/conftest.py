"""Fixtures for the cross-app tests in tests/ (the project-wide ones are in the root conftest.py)."""

import pytest


@pytest.fixture
def seeded_demo(transactional_db, django_db_serialized_rollback):
    """The demo city, committed, for tests whose other threads (a live server, a Celery worker) read it.

    Transactional tests flush the database when they end, so the session-wide demo data of the root
    conftest is gone for the next one: seed it again (seed_demo is idempotent). The flush also takes
    the rows data migrations wrote (national categories...): serialized rollback puts them back first.
    """
    from organizations.demo import seed_demo
    from organizations.testing import DemoHandles

    seed_demo()
    return DemoHandles.load()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads of the test go to a temporary directory (visible to the worker thread too)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT
