"""Tests of this app read English message texts (the msgids): they run in English. The Chinese catalog
is checked as a whole by organizations/tests/test_i18n.py, and the Chinese pages by the browser journeys."""

import pytest


@pytest.fixture(autouse=True)
def english(client, settings):
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
