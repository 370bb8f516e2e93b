"""``in_ids``: the same rows as ``__in`` (one array parameter on PostgreSQL), on a column, a foreign key and a
many-to-many join; an empty list matches nothing without a query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.idlists import in_ids
from organizations.models import Division, Organization

pytestmark = pytest.mark.django_db


def test_in_ids_selects_what_in_selects(demo):
    ids = list(Division.objects.order_by("pk").values_list("pk", flat=True)[::3])
    assert len(ids) > 10
    assert list(Division.objects.filter(in_ids("pk", ids)).order_by("pk")) == \
        list(Division.objects.filter(pk__in=ids).order_by("pk"))
    parents = ids[:20]
    assert list(Division.objects.filter(in_ids("parent_id", parents)).values_list("pk", flat=True).order_by("pk")) \
        == list(Division.objects.filter(parent_id__in=parents).values_list("pk", flat=True).order_by("pk"))
    assert Organization.objects.filter(in_ids("division__parent", parents)).count() == \
        Organization.objects.filter(division__parent__in=parents).count() > 0


def test_one_parameter_on_postgresql(demo):
    ids = list(Division.objects.values_list("pk", flat=True)[:500])
    with CaptureQueriesContext(connection) as queries:
        assert Division.objects.filter(in_ids("pk", ids)).count() == len(ids)
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and "::bigint[]" in sql
    else:
        assert " IN (" in sql


def test_no_ids_match_nothing_without_a_query(demo):
    with CaptureQueriesContext(connection) as queries:
        assert list(Division.objects.filter(in_ids("pk", []))) == []
    assert len(queries) == 0
