"""The export's set-based rows (plain values, ``ledger_rows``) are cell for cell the rows the ORM path makes
(``export_rows`` + ``ledger_row``, which the API's JSON ledger still uses): on the demo for every user who may
export, in both languages, and on a small generated province as its reviewer, its county admin and its
township organizer."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from organizations.demo.province import BENCH_COUNTY_ADMIN, BENCH_REVIEWER, BENCH_TOWN_ORGANIZER
from organizations.models import User
from organizations.permissions import can
from rectification.exports.ledger import ledger_row, ledger_rows, row_labels
from rectification.models import Designation
from rectification.selectors.ledger import LEDGER_ORDER
from rectification.selectors.ledger_export import export_rows

pytestmark = pytest.mark.django_db


def ledger_of(user):
    """The export view's queryset: the user's scope in the ledger's order."""
    return Designation.objects.visible_to(user).order_by(*LEDGER_ORDER)


def orm_rows(queryset, chunk_size=None) -> list[tuple]:
    labels = row_labels()
    rows = export_rows(queryset, chunk_size) if chunk_size else export_rows(queryset)
    return [ledger_row(number, row, labels) for number, row in enumerate(rows, start=1)]


def assert_same_rows(queryset, chunk_size=None) -> int:
    expected = orm_rows(queryset, chunk_size)
    found = list(ledger_rows(queryset, chunk_size))
    assert len(found) == len(expected) == queryset.count()
    for new, old in zip(found, expected, strict=True):
        assert new == old
        assert [type(v) for v in new] == [type(v) for v in old]  # a date stays a date, a number a number
    return len(found)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_demo_exporter_gets_the_orm_rows(demo, language):
    exporters = [user for user in User.objects.filter(is_active=True).order_by("username")
                 if can(user, "export", "run")]
    assert len(exporters) >= 4
    nonempty = 0
    with translation.override(language):
        for user in exporters:
            nonempty += assert_same_rows(ledger_of(user)) > 0
    assert nonempty >= 3  # township, county and city users see rows


def test_filtered_and_chunked_rows_are_the_orm_rows(demo):
    city = User.objects.get(username="city_reviewer")
    queryset = ledger_of(city)
    assert assert_same_rows(queryset, chunk_size=7) == queryset.count()  # chunk boundaries change nothing
    assert assert_same_rows(queryset.filter(status="rectifying")) > 0


def test_the_set_based_rows_read_a_fixed_number_of_queries_per_chunk(demo):
    queryset = ledger_of(User.objects.get(username="city_reviewer"))
    count = queryset.count()
    assert count > 10
    with CaptureQueriesContext(connection) as one_chunk:
        list(ledger_rows(queryset, chunk_size=count))
    with CaptureQueriesContext(connection) as two_chunks:
        list(ledger_rows(queryset, chunk_size=(count + 1) // 2))
    per_chunk = len(two_chunks) - len(one_chunk)
    assert 0 < per_chunk <= len(one_chunk)
    with CaptureQueriesContext(connection) as three_chunks:
        list(ledger_rows(queryset, chunk_size=(count + 2) // 3))
    assert len(three_chunks) - len(two_chunks) == per_chunk


def test_a_generated_province_exports_the_orm_rows():
    call_command("generate_province", "--province-code", "95", "--counties", "2", "--townships-per-county", "3",
                 "--villages-per-township", "8", "--ledger", "--designations", "30", "--tasks", "240",
                 "--progress-entries", "900", stdout=io.StringIO())
    sizes = {}
    for username in (BENCH_REVIEWER, BENCH_COUNTY_ADMIN, BENCH_TOWN_ORGANIZER):
        sizes[username] = assert_same_rows(ledger_of(User.objects.get(username=username)), chunk_size=11)
    assert sizes[BENCH_REVIEWER] >= 30
    assert sizes[BENCH_TOWN_ORGANIZER] > 0
