"""The dashboards' figures computed in SQL equal the per-row rules they replace (issue 13 item 2).

Each set-based selector is compared with the implementation it stands for (kept here, or still the one
another page uses), on the demo city and on a small generated province, for every grouping the dashboards
use and under policies set at several levels."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cadres.models import FirstSecretary, Pairing
from cadres.selectors import support
from cadres.selectors.four_ones import running_q, serving_q
from cadres.selectors.reserve import shortfall_summary, shortfall_totals
from organizations import services as org_services
from organizations.demo.province import BENCH_REVIEWER
from organizations.models import Organization, User
from rectification.selectors.progress import (
    LATE,
    MISSING,
    FlagTotal,
    VisitTotal,
    late_and_missing_reports,
    report_flag_counts,
    visit_totals,
    visits_against_policy,
)

pytestmark = pytest.mark.django_db
D = dt.date
GROUPS = ("county_id", "township_id", "organization_id")


def visit_totals_reference(user, *, today, plans=None, group_by="county_id") -> dict:
    """The dashboard's former sums: one VisitRow per plan (model instances), added up in Python."""
    totals: dict = defaultdict(VisitTotal)
    for row in visits_against_policy(user, today=today, plans=plans):
        total = totals[getattr(row.plan, group_by)]
        total.done += row.done
        total.required += row.required
        total.plans_short += 1 if row.short else 0
    return dict(totals)


def assert_visits_agree(user, today):
    for group_by in GROUPS:
        expected = visit_totals_reference(user, today=today, group_by=group_by)
        assert visit_totals(user, today=today, group_by=group_by) == expected, group_by
    return expected


def test_visit_totals_equal_the_per_plan_rule_on_the_demo(demo):
    days = [D(2026, 11, 23), D(2026, 10, 5), D(2026, 6, 15)]
    for username in ("city_reviewer", "county_admin", "town_organizer", "other_county_admin"):
        for day in days:
            assert_visits_agree(demo.users[username], day)
    admin = demo.users["county_admin"]
    before = assert_visits_agree(admin, days[0])
    assert sum(t.required for t in before.values()) > 0
    # Policies on a county, a township and a village: each group resolves to its nearest setting.
    org_services.policy_set(user=admin, division=demo.county1, key="contact_visits_per_month", value=4)
    org_services.policy_set(user=admin, division=demo.township_a, key="contact_visits_per_month", value=1)
    org_services.policy_set(user=admin, division=demo.township_a, key="visits_after_closeout", value=True)
    village = demo.township_a.children.order_by("code").first()
    org_services.policy_set(user=admin, division=village, key="contact_visits_per_month", value=6)
    for username in ("city_reviewer", "county_admin", "town_organizer"):
        for day in days:
            assert_visits_agree(demo.users[username], day)
    assert assert_visits_agree(admin, days[0]) != before


# ---------------------------------------------------------------------------- late and missing reports


def report_flag_counts_reference(user, *, today, plans=None, group_by="county_id") -> dict:
    """The dashboard's former counts: every period of every plan flagged in Python, its items counted."""
    totals: dict = {}
    for item in late_and_missing_reports(user, today=today, plans=plans).items:
        total = totals.setdefault(getattr(item, group_by), FlagTotal())
        total.late += item.flag == LATE
        total.missing += item.flag == MISSING
    return totals


def nonzero(totals: dict) -> dict:
    return {key: total for key, total in totals.items() if total.late or total.missing}


def assert_flags_agree(user, today):
    for group_by in GROUPS:
        expected = report_flag_counts_reference(user, today=today, group_by=group_by)
        assert nonzero(report_flag_counts(user, today=today, group_by=group_by)) == expected, (group_by, today)
    return expected


REPORT_DAYS = [D(2026, 11, 23), D(2026, 9, 10), D(2026, 9, 11), D(2026, 7, 11), D(2027, 3, 1), D(2025, 1, 1)]


def test_report_flag_counts_equal_the_per_period_rule_on_the_demo(demo):
    for username in ("city_reviewer", "county_admin", "town_organizer", "other_county_admin"):
        for day in REPORT_DAYS:
            assert_flags_agree(demo.users[username], day)
    admin = demo.users["county_admin"]
    before = assert_flags_agree(admin, REPORT_DAYS[0])
    assert sum(t.missing + t.late for t in before.values()) > 0
    # Grace and interval changed on a county and a township: the reports written under the former interval
    # no longer fit one period (the per-plan matching), the others are counted in SQL.
    org_services.policy_set(user=admin, division=demo.county1, key="report_grace_days", value=3)
    org_services.policy_set(user=admin, division=demo.township_a, key="report_interval_months", value=3)
    org_services.policy_set(user=admin, division=demo.township_b, key="report_interval_months", value=1)
    for username in ("city_reviewer", "county_admin", "town_organizer"):
        for day in REPORT_DAYS:
            assert_flags_agree(demo.users[username], day)


# ------------------------------------------------------------------------ cadres: "four ones" coverage


def with_coverage_reference(designations, today):
    """The former annotation: an OR over the secretary's organization and the many-to-many."""
    org = OuterRef("organization_id")
    serving = FirstSecretary.objects.filter(serving_q(today)).filter(Q(organization_id=org) | Q(other_villages=org))
    running = Pairing.objects.filter(running_q(today), organization_id=org)
    return designations.annotate(
        has_first_secretary=Exists(serving),
        has_contact_leader=Exists(running.filter(contact_leader__isnull=False)),
        has_helping_unit=Exists(running.filter(helping_unit__isnull=False)),
    )


def coverage_counts_reference(user, today):
    rows = with_coverage_reference(support.current_designations(user), today).aggregate(
        total=Count("pk"),
        first_secretary=Count("pk", filter=Q(has_first_secretary=False)),
        contact_leader=Count("pk", filter=Q(has_contact_leader=False)),
        helping_unit=Count("pk", filter=Q(has_helping_unit=False)),
        any=Count("pk", filter=Q(has_first_secretary=False) | Q(has_contact_leader=False)
                  | Q(has_helping_unit=False)),
    )
    return {key: value or 0 for key, value in rows.items()}


def covered(annotated) -> dict:
    return {pk: has for pk, has in annotated.values_list("pk", "has_first_secretary")}


def assert_coverage_agrees(user, today):
    designations = support.current_designations(user)
    assert covered(support.with_coverage(designations, today)) == covered(
        with_coverage_reference(designations, today))
    for missing in (support.MISSING_FIRST_SECRETARY, "any"):
        assert set(support.coverage_filter(support.with_coverage(designations, today), missing).values_list(
            "pk", flat=True)) == set(support.coverage_filter(with_coverage_reference(designations, today), missing)
                                     .values_list("pk", flat=True))
    counts = support.coverage_counts(user, today)
    assert counts == coverage_counts_reference(user, today)
    return counts


def test_coverage_equals_the_or_rule_on_the_demo(demo):
    today = timezone.localdate()
    for username in ("city_reviewer", "county_admin", "town_organizer", "other_county_admin"):
        assert_coverage_agrees(demo.users[username], today)
    admin = demo.users["county_admin"]
    before = assert_coverage_agrees(admin, today)
    uncovered = support.coverage_filter(support.with_coverage(support.current_designations(admin), today),
                                        support.MISSING_FIRST_SECRETARY).first()
    secretary = FirstSecretary.objects.filter(serving_q(today), county_id=uncovered.county_id).first()
    assert uncovered is not None and secretary is not None
    secretary.other_villages.add(uncovered.organization)  # serving it besides its own village
    after = assert_coverage_agrees(admin, today)
    assert after["first_secretary"] == before["first_secretary"] - 1
    for day in (today - dt.timedelta(days=400), today + dt.timedelta(days=800)):
        assert_coverage_agrees(admin, day)


# --------------------------------------------------------------------------- cadres: reserve shortfall


def test_shortfall_totals_equal_the_per_village_rule_on_the_demo(demo):
    admin = demo.users["county_admin"]
    for username in ("city_reviewer", "county_admin", "town_organizer", "other_county_admin"):
        assert shortfall_totals(demo.users[username]) == shortfall_summary(demo.users[username])["totals"]
    assert shortfall_totals(admin, county=demo.county1) == shortfall_summary(admin, county=demo.county1)["totals"]
    org_services.policy_set(user=admin, division=demo.county1, key="reserve_cadres_min", value=3)
    org_services.policy_set(user=admin, division=demo.township_a, key="reserve_cadres_min", value=1)
    org_services.policy_set(user=admin, division=demo.township_a, key="reserve_cadres_max", value=1)
    village = Organization.objects.filter(township=demo.township_b, category="village").order_by("pk").first()
    org_services.policy_set(user=admin, division=village.division, key="reserve_cadres_min", value=5)
    for username in ("city_reviewer", "county_admin", "town_organizer"):
        totals = shortfall_totals(demo.users[username])
        assert totals == shortfall_summary(demo.users[username])["totals"]
    assert totals["villages"] and totals["short"]


# ------------------------------------------------------------------------------ a small generated province


def test_every_figure_equals_its_rule_on_a_generated_province(db):
    call_command("generate_province", "--province-code", "93", "--counties", "2", "--townships-per-county", "2",
                 "--villages-per-township", "10", "--ledger", "--designations", "16", "--tasks", "48",
                 "--progress-entries", "100", stdout=io.StringIO())
    reviewer = User.objects.get(username=BENCH_REVIEWER)
    today = timezone.localdate()
    totals = assert_visits_agree(reviewer, today)
    assert totals and sum(t.required for t in totals.values()) > 0
    assert_visits_agree(reviewer, today - dt.timedelta(days=40))
    assert assert_coverage_agrees(reviewer, today)["total"] > 0
    for day in (today, today - dt.timedelta(days=75), today + dt.timedelta(days=200)):
        assert_flags_agree(reviewer, day)
    assert sum(t.missing + t.late for t in report_flag_counts(reviewer, today=today).values()) > 0
    reserve = shortfall_totals(reviewer)
    assert reserve == shortfall_summary(reviewer)["totals"] and reserve["villages"] >= 40
