"""Hostile values in every API filter and id: a 400 with a message or a 404, never a server error.

Every API list route is discovered from the URL resolver (a new viewset joins automatically); each
filter its filter set declares, plus ``search``, ``ordering``, ``page`` and ``page_size``, is sent
every hostile value, and every detail route is asked for ids that are not ids. The caller is the demo
county admin. The same year and id values are sent to the list pages of the apps.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

HOSTILE = ["abc", "-1", "0", "99999999999999999999", "1e400", "' OR 1=1", "x" * 5000, "\x00", "NaN"]
BAD_IDS = ["abc", "-1", "0", "99999999999999999999", "1e4"]


def _api_routes():
    """(name, viewset class, takes pk) for every router route under /api/v1/."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                cls = getattr(entry.callback, "cls", None)
                actions = getattr(entry.callback, "actions", None) or {}
                if not route.startswith("api/v1/") or cls is None or "format" in route:
                    continue
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                if entry.name.endswith("-list") and actions.get("get") == "list":
                    found.append((name, cls, False))
                elif entry.name.endswith("-detail") and actions.get("get") == "retrieve":
                    found.append((name, cls, True))

    walk(get_resolver().url_patterns, "", None)
    return found


def _parameters(viewset) -> list[str]:
    names = {"page", "page_size"}
    filterset = getattr(viewset, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    names |= set(getattr(viewset, "filterset_fields", None) or [])
    if getattr(viewset, "search_fields", None):
        names.add("search")
    if getattr(viewset, "ordering_fields", None):
        names.add("ordering")
    return sorted(names)


ROUTES = _api_routes()


def test_routes_are_discovered():
    assert sum(1 for *_x, has_pk in ROUTES if not has_pk) >= 20
    assert sum(1 for *_x, has_pk in ROUTES if has_pk) >= 20


@pytest.mark.django_db
def test_no_filter_value_is_a_server_error(login):
    client = login("county_admin")
    client.raise_request_exception = False
    failures = []
    for name, viewset, has_pk in ROUTES:
        if has_pk:
            continue
        url = reverse(name)
        for parameter in _parameters(viewset):
            for value in HOSTILE:
                query = {"page_size": "1", parameter: value}  # one row a page: the sweep stays quick
                response = client.get(url, query)
                if response.status_code >= 500 or response.status_code not in (200, 400, 404):
                    failures.append((url, parameter, value[:20], response.status_code))
                elif response.status_code == 400:
                    assert response.json(), (url, parameter, value[:20])
    assert not failures, "\n".join(map(repr, failures))


@pytest.mark.django_db
def test_no_id_is_a_server_error(login):
    client = login("county_admin")
    client.raise_request_exception = False
    failures = []
    for name, _viewset, has_pk in ROUTES:
        if not has_pk:
            continue
        real = reverse(name, kwargs={"pk": 1})
        for value in BAD_IDS:
            url = real[: -len("1/")] + f"{value}/"
            response = client.get(url)
            if response.status_code != 404:
                failures.append((url, response.status_code))
    assert not failures, "\n".join(map(repr, failures))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, parameter", [
    ("organizations:list", "parent"),
    ("cadres:training-list", "year"),
    ("cadres:training-untrained", "year"),
    ("evaluations:evaluation-list", "year"),
    ("evaluations:rating-list", "year"),
    ("rectification:summaries", "year"),
])
def test_pages_answer_bad_integers_with_a_form_error(login, url_name, parameter):
    client = login("county_admin")
    client.raise_request_exception = False
    url = reverse(url_name)
    for value in ["0", "999999", "99999999999999999999", "1e400", "abc", "-1"]:
        response = client.get(url, {parameter: value})
        assert response.status_code < 500, (url, parameter, value, response.status_code)
