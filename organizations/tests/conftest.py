"""Fixtures of the organizations tests."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The .mo catalogs are build output (not in git): compile them if missing or older than the .po files."""
    from organizations.management.commands.compile_translations import ensure_compiled

    ensure_compiled()
