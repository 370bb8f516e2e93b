"""One truth for the "four ones" (issue 11, item 2): for every demo plan, the ledger export row, the disclosure
board, the plan page and the coverage page name the same county contact leader, first secretary and helping
unit, those of the cadres records (read here straight from the cadres tables, not through the provider), and
the dashboard counts what the coverage page shows. The export and the board read them with a fixed number
of queries."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cadres.models import FirstSecretary, Pairing
from cadres.selectors.support import coverage_counts, current_designations
from organizations import registry
from rectification.exports.ledger import LEDGER_HEADERS, ledger_rows, write_ledger
from rectification.models import Designation, Plan
from rectification.selectors.boards import board_content

pytestmark = pytest.mark.django_db

KINDS = ("contact_leader", "first_secretary", "helping_unit")


def expected(organization, today) -> dict[str, list[str]]:
    """The organization's "four ones" from the cadres tables, as the ledger prints them ("name（post）")."""
    running = Pairing.objects.filter(organization=organization, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)).select_related("contact_leader", "helping_unit")
    serving = FirstSecretary.objects.filter(term_start__lte=today, term_end__gte=today).filter(
        Q(recalled_on__isnull=True) | Q(recalled_on__gt=today)).filter(
        Q(organization=organization) | Q(other_villages=organization)).distinct()
    return {
        "contact_leader": sorted({f"{p.contact_leader.name}（{p.contact_leader.post}）" for p in running
                                  if p.contact_leader_id}),
        "first_secretary": sorted({f"{f.name}（{f.dispatching_unit}）" for f in serving}),
        "helping_unit": sorted({p.helping_unit.name for p in running if p.helping_unit_id}),
    }


def split(text: str) -> list[str]:
    return sorted(part for part in (text or "").split("；") if part) if text else []


def test_every_demo_plan_names_the_same_four_ones_everywhere(demo, login):
    today = timezone.localdate()
    plans = list(Plan.objects.filter(county=demo.county1).select_related("organization", "designation"))
    assert len(plans) >= 37
    wanted = {plan.organization_id: expected(plan.organization, today) for plan in plans}
    # The demo is not empty: most plans have all three, a few lack one (ended pairing, recalled secretary).
    complete = [org for org, parts in wanted.items() if all(parts[k] for k in KINDS)]
    assert len(complete) >= 30 and len(complete) < len(wanted)

    with translation.override("en"):
        headers = [str(h) for h in LEDGER_HEADERS]
        columns = {kind: headers.index(label) for kind, label in (
            ("contact_leader", "County contact leader"), ("first_secretary", "First secretary (dispatching unit)"),
            ("helping_unit", "Paired helping unit"))}
        designations = Designation.objects.filter(plan__in=plans).order_by("pk")
        exported = {d.organization_id: row for d, row in zip(designations, ledger_rows(designations), strict=True)}
        for plan in plans:
            row = exported[plan.organization_id]
            for kind in KINDS:
                assert split(row[columns[kind]]) == wanted[plan.organization_id][kind], (plan, kind, "export")
            board = dict(board_content(plan.designation)["persons"])
            for kind, label in (("contact_leader", "County contact leader"),
                                ("first_secretary", "First secretary (dispatching unit)"),
                                ("helping_unit", "Paired helping unit")):
                assert split(board.get(label, "")) == wanted[plan.organization_id][kind], (plan, kind, "board")

    admin = login("county_admin")
    page = admin.get(reverse("cadres:coverage")).content.decode()
    current = list(current_designations(demo.users["county_admin"]).select_related("organization"))
    assert current
    for designation in current:
        wanted.setdefault(designation.organization_id, expected(designation.organization, today))
        row = re.search(r"<tr>\s*<td><a href=\"[^\"]*\">" + re.escape(designation.organization.name)
                        + r"</a></td>(.*?)</tr>", page, re.S)
        assert row, designation.organization.name
        for kind in KINDS:
            cell = re.search(rf'<td class="four-ones-{kind.replace("_", "-")}">(.*?)</td>', row.group(1), re.S)
            names = sorted(re.findall(r"<a href=\"[^\"]*\">([^<]*)</a>", cell.group(1)))
            assert names == wanted[designation.organization_id][kind], (designation, kind, "coverage")
    # The dashboard counts the organizations the coverage page shows without one.
    counts = coverage_counts(demo.users["county_admin"], today)
    assert counts["total"] == len(current)
    for kind in KINDS:
        assert counts[kind] == sum(1 for d in current if not wanted[d.organization_id][kind]), kind

    # The plan page shows them read only, linked to the cadres pages; its form no longer has those fields.
    plan = next(p for p in plans if p.organization_id in complete)
    html = admin.get(reverse("rectification:plan", args=[plan.pk])).content.decode()
    for kind in KINDS:
        for label in wanted[plan.organization_id][kind]:
            assert label in html, (kind, label)
    assert 'name="first_secretary"' not in html and 'name="helping_unit"' not in html
    assert 'name="contact_leader_name"' not in html


def _export_queries(queryset, chunk) -> int:
    with CaptureQueriesContext(connection) as captured:
        write_ledger(io.BytesIO(), queryset, chunk)
    return len(captured.captured_queries)


def test_the_export_reads_the_four_ones_in_two_queries_per_chunk(demo, monkeypatch):
    designations = Designation.objects.filter(county=demo.county1).order_by("pk")
    ids = list(designations.values_list("pk", flat=True))
    assert len(ids) >= 37
    few = _export_queries(Designation.objects.filter(pk__in=ids[:3]).order_by("pk"), 1000)
    many = _export_queries(Designation.objects.filter(pk__in=ids).order_by("pk"), 1000)
    assert few == many  # one chunk: the count does not grow with the rows
    monkeypatch.setattr(registry.registry, "four_ones_provider", None)
    without = _export_queries(Designation.objects.filter(pk__in=ids).order_by("pk"), 1000)
    assert many - without == 2  # the provider's two queries per chunk


def test_the_board_reads_the_four_ones_in_two_queries(demo):
    plans = list(Plan.objects.filter(county=demo.county1).select_related("designation").order_by("pk"))
    counts = set()
    for plan in plans[:6]:
        with CaptureQueriesContext(connection) as captured:
            board_content(plan.designation)
        counts.add(len(captured.captured_queries))
    assert counts == {9}, counts  # seven of the board's own (its problem list among them), the provider's two


def test_a_past_day_reads_the_records_of_that_day(demo):
    """The gate of a plan submitted months ago (the demo's clock) saw the records of that day."""
    from rectification.selectors.four_ones import four_ones_by_organization

    plan = Plan.objects.filter(county=demo.county1).order_by("pk").first()
    long_ago = dt.date(1990, 1, 1)
    assert four_ones_by_organization([plan.organization_id], long_ago)[plan.organization_id].missing() == list(KINDS)
