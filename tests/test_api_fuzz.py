"""The API schema fuzzer: schemathesis generates requests from the OpenAPI schema (``/api/schema/``).

Every GET operation is called as the demo county admin with generated ids and filter values, and every
write (POST, PUT, PATCH, DELETE) with generated bodies (valid and invalid ones) as the county admin and as
a township organizer; no answer may be a server error (5xx). Bounded: a few examples per operation, no
deadline, derandomized (the same cases on every run, so CI is repeatable). Requests go through Django's
test client inside the test's transaction (each write in a savepoint of its own, rolled back), on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.core import NotSet

EXAMPLES = 4


def _openapi() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


schema = schemathesis.openapi.from_dict(_openapi())


def _query(case) -> dict:
    query = {}
    for key, value in (case.query or {}).items():
        values = value if isinstance(value, list) else [value]
        query[key] = [json.dumps(v) if isinstance(v, dict) else str(v) for v in values]
    return query


def _logged_in(client, username):
    from organizations.models import User

    client.fuzz_user = User.objects.get(username=username)
    client.force_login(client.fuzz_user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def county_admin_client(client, db):
    return _logged_in(client, "county_admin")


@pytest.fixture
def town_organizer_client(client, db):
    """A township organizer: a narrower scope, other roles (many writes are a 403 or a 404 for them)."""
    return _logged_in(client, "town_organizer")


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_get_is_a_server_error(case, county_admin_client):
    response = county_admin_client.get(case.formatted_path, _query(case))
    assert response.status_code < 500, (case.formatted_path, _query(case), response.status_code)



# Writes: every POST, PUT, PATCH and DELETE of the schema. Each example runs in a savepoint rolled back
# after the request, so no example sees what another wrote (nor what a DELETE removed), and the test's own
# transaction is rolled back at its end as for the GETs. Generated ids rarely exist: an ``{id}`` in the
# path is replaced by an object of the caller's scope, and a whole number sent for a related field of the
# request serializer by an id of that field's objects in scope (anything else generated stays as it is),
# so that the request reaches the serializer's validation and the service behind it.
# Writes are fuzzed in the examples and fuzzing phases (positive and negative bodies), without the coverage
# phase: its boundary cases per body field are unbounded by ``max_examples`` (minutes per run with it; it was
# run once in full, and what it found is in tests/test_hostile_bodies.py).
WRITE_EXAMPLES = 3
writes = schemathesis.openapi.from_dict(_openapi())
writes.config.phases.update(phases=["examples", "fuzzing"])


def _endpoints() -> dict:
    """(METHOD, path) -> (model of the view's queryset, {body field: related model}) from the views."""
    from rest_framework import serializers

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = {}
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        if method == "GET":
            continue
        queryset = getattr(view, "queryset", None)
        related = {}
        try:
            from drf_spectacular.settings import spectacular_settings

            view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
            serializer = view.schema.get_request_serializer()
        except Exception:  # noqa: BLE001 - a view without a serializer: ids in the path only
            serializer = None
        if isinstance(serializer, type):
            serializer = serializer()
        for name, field in getattr(serializer, "fields", {}).items():
            target = getattr(field, "child_relation", field)
            if isinstance(target, serializers.PrimaryKeyRelatedField) and target.queryset is not None:
                related[name] = target.queryset.model
        found[(method, path)] = (queryset.model if queryset is not None else None, related)
    return found


ENDPOINTS = _endpoints()


def _ids(model, user, cache) -> list[int]:
    if model not in cache:
        manager = model._default_manager
        rows = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        cache[model] = list(rows.order_by("pk").values_list("pk", flat=True)[:20])
    return cache[model]


def _real(value, ids):
    """A generated whole number becomes one of ``ids`` (the same number, the same id); others stay."""
    if isinstance(value, bool) or not isinstance(value, int) or not ids:
        return value
    return ids[value % len(ids)]


def _write(client, user, case):
    from django.db import transaction

    model, related = ENDPOINTS.get((case.method.upper(), case.path), (None, {}))
    cache = {}
    path = case.path
    for key, value in (case.path_parameters or {}).items():
        ids = _ids(model, user, cache) if model is not None and key in ("id", "pk") else []
        real = _real(value, ids) if isinstance(value, int) else (ids[len(str(value)) % len(ids)] if ids else value)
        path = path.replace("{" + key + "}", str(real))
    body = case.body
    if isinstance(body, dict):
        body = dict(body)
        for name, target in related.items():
            if name in body:
                ids = _ids(target, user, cache)
                value = body[name]
                body[name] = [_real(v, ids) for v in value] if isinstance(value, list) else _real(value, ids)
    data = b"" if body is None or isinstance(body, NotSet) else json.dumps(body, default=str)
    with transaction.atomic():
        response = client.generic(case.method.upper(), path, data, content_type="application/json",
                                  QUERY_STRING=urlencode(_query(case), doseq=True))
        transaction.set_rollback(True)
    return path, body, response


def _assert_no_server_error(client, user, case):
    path, body, response = _write(client, user, case)
    assert response.status_code < 500, (case.method, path, repr(body)[:500], response.status_code)


@pytest.mark.django_db
@writes.include(method_regex="^(POST|PUT|PATCH)$").parametrize()
@settings(max_examples=WRITE_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_write_is_a_server_error(case, county_admin_client):
    _assert_no_server_error(county_admin_client, county_admin_client.fuzz_user, case)


@pytest.mark.django_db
@writes.include(method_regex="^(POST|PUT|PATCH)$").parametrize()
@settings(max_examples=WRITE_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_write_by_a_township_organizer_is_a_server_error(case, town_organizer_client):
    _assert_no_server_error(town_organizer_client, town_organizer_client.fuzz_user, case)


# Deletes last (each rolled back like every write): what they remove is gone for nothing that follows.
@pytest.mark.django_db
@writes.include(method="DELETE").parametrize()
@settings(max_examples=WRITE_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_delete_is_a_server_error(case, county_admin_client):
    _assert_no_server_error(county_admin_client, county_admin_client.fuzz_user, case)


@pytest.mark.django_db
@writes.include(method="DELETE").parametrize()
@settings(max_examples=WRITE_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_delete_by_a_township_organizer_is_a_server_error(case, town_organizer_client):
    _assert_no_server_error(town_organizer_client, town_organizer_client.fuzz_user, case)
