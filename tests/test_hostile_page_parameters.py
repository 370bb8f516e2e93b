"""Hostile query strings on every page: a form error, the default, or a 404, never a server error.

Pages read some query-string values outside their filter sets (``?year=``, ``?organization=`` to prefill a
form, ``?member=``, ``?round=``, ``?group=``, ``?county=``, ``?page=``). Every GET page of the apps without
URL arguments is discovered from the URL resolver (tests/pages.py: a new page joins automatically) and asked
with all those names set at once to each hostile value; every page taking one ``pk`` is asked for ids beyond
any column.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pages import page_routes

# "²" passes str.isdigit() but not int(); the 20-digit number overflows a 64-bit column.
HOSTILE = ["abc", "-1", "²", "99999999999999999999", "\x00"]
NAMES = ["year", "organization", "member", "round", "group", "county", "township", "division", "parent", "page",
         "kind", "status", "q", "unread", "designation", "plan", "period", "month", "evaluation", "unmasked"]
ROUTES = page_routes()


def test_pages_are_discovered():
    assert sum(1 for _n, has_pk in ROUTES if not has_pk) >= 40
    assert sum(1 for _n, has_pk in ROUTES if has_pk) >= 40


@pytest.mark.django_db
@pytest.mark.parametrize("username, values", [("county_admin", HOSTILE), ("town_organizer", ["²", "99999999999999999999"])])
def test_no_query_string_is_a_server_error(login, username, values):
    client = login(username)
    client.raise_request_exception = False
    failures = []
    for name, has_pk in ROUTES:
        if has_pk:
            continue
        url = reverse(name)
        for value in values:
            response = client.get(url, {key: value for key in NAMES})
            if response.status_code >= 500:
                failures.append((url, repr(value[:20]), response.status_code))
    assert not failures, "\n".join(map(repr, failures))


@pytest.mark.django_db
def test_no_page_id_is_a_server_error(login):
    client = login("county_admin")
    client.raise_request_exception = False
    failures = []
    for name, has_pk in ROUTES:
        if not has_pk:
            continue
        for value, methods in ((99999999999999999999, (client.get,)), (2**63 - 1, (client.get, client.post))):
            url = reverse(name, kwargs={"pk": value})
            for method in methods:
                response = method(url)
                if response.status_code >= 500 or response.status_code not in (404, 405):
                    failures.append((method.__name__, url, response.status_code))
    assert not failures, "\n".join(map(repr, failures))


@pytest.mark.django_db
def test_a_nul_character_is_a_chinese_400_page_before_any_view(login, demo):
    """On PostgreSQL a NUL in any filter was a 500 ("unsupported Unicode escape sequence"), and inside a transaction
    every query after it failed too. One middleware refuses it for every page, form and API call."""
    client = login("county_admin")
    for url in (reverse("organizations:list"), reverse("organizations:export"), "/api/v1/organizations/"):
        response = client.get(url, {"q": "东山\x00村"})
        assert response.status_code == 400, url
    page = client.get(reverse("organizations:list"), {"q": "\x00"})
    assert "请求有误" in page.content.decode()
    assert client.post(reverse("organizations:list"), {"name": "a\x00"}).status_code == 400
    assert client.get(reverse("organizations:list"), {"q": "东山村"}).status_code == 200
