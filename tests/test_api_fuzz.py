"""The API schema fuzzer: schemathesis generates requests from the OpenAPI schema (``/api/schema/``).

Every GET operation is called as the demo county admin with generated ids and filter values; no
answer may be a server error (5xx). Bounded: a few examples per operation, no deadline, derandomized
(the same cases on every run, so CI is repeatable). Requests go through Django's test client inside
the test's transaction, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

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


@pytest.fixture
def county_admin_client(client, db):
    from organizations.models import User

    client.force_login(User.objects.get(username="county_admin"))
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_get_is_a_server_error(case, county_admin_client):
    response = county_admin_client.get(case.formatted_path, _query(case))
    assert response.status_code < 500, (case.formatted_path, _query(case), response.status_code)

