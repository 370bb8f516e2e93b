"""Hostile query strings on every page: a form error, the default, or a 404, never a server error.

Pages read some query-string values outside their filter sets (``?year=``, ``?organization=`` to prefill a
form, ``?member=``, ``?round=``, ``?group=``, ``?county=``, ``?page=``). Every GET page of the apps without
URL arguments is discovered from the URL resolver (a new page joins automatically) and asked with all those
names set at once to each hostile value; every page taking one ``pk`` is asked for ids beyond any column.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# "²" passes str.isdigit() but not int(); the 20-digit number overflows a 64-bit column.
HOSTILE = ["abc", "-1", "²", "99999999999999999999", "\x00"]
NAMES = ["year", "organization", "member", "round", "group", "county", "township", "division", "parent", "page",
         "kind", "status", "q", "unread", "designation", "plan", "period", "month", "evaluation", "unmasked"]
SKIP_PREFIXES = ("api/", "admin/", "i18n/", "accounts/logout", "healthz", "static/", "media/")


def _page_routes():
    """(name, takes a pk) for every named page route outside the API and the admin."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                    entry.namespace or namespace)
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                if route.startswith(SKIP_PREFIXES):
                    continue
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                converters = entry.pattern.converters
                if not converters:
                    found.append((name, False))
                elif set(converters) == {"pk"}:
                    found.append((name, True))

    walk(get_resolver().url_patterns, "", None)
    return found


ROUTES = _page_routes()


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
