"""Fixtures for the cross-app tests in tests/ (the project-wide ones are in the root conftest.py)."""

import pytest


@pytest.fixture
def seeded_demo(transactional_db):
    """The demo city, committed, for tests whose other threads (a live server, a Celery worker) read it.

    The session set-up committed it (root conftest.py); after each transactional test, which Django
    flushes, the snapshot of the seeded database is put back, so it is there at the start of every test.
    """
    from organizations.demo.testing import DemoHandles

    demo = DemoHandles.load()
    assert demo.users, "the seeded demo is missing: was the database snapshot restored?"
    return demo


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads of the test go to a temporary directory (visible to the worker thread too)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT
