"""generate_province --ledger on a small province: counts, consistency with the tree, reset."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from organizations.demo.province import BENCH_COUNTY_ADMIN
from organizations.models import Division, Organization, User
from organizations.roles import Level
from rectification.models import (
    Designation,
    DesignationStatus,
    PeriodReport,
    Plan,
    ProgressEntry,
    ReportStatus,
    Round,
    StatusChange,
    Task,
    TaskStatus,
)

pytestmark = pytest.mark.django_db
CODE = "96"
SMALL = ["--province-code", CODE, "--counties", "2", "--townships-per-county", "3", "--villages-per-township", "10"]
LEDGER = ["--ledger", "--designations", "24", "--tasks", "200", "--progress-entries", "1500"]


def generate(*extra):
    out = io.StringIO()
    call_command("generate_province", *SMALL, *extra, stdout=out)
    connection.check_constraints()
    return out.getvalue()


def ledger_of_province():
    province = Division.objects.get(code=CODE.ljust(12, "0"))
    return Designation.objects.filter(organization__province_id=province.pk)


def test_ledger_is_off_for_a_small_province_unless_asked():
    generate()
    assert not ledger_of_province().exists()


def test_small_ledger_has_the_requested_counts_and_consistent_scope():
    output = generate(*LEDGER)
    designations = ledger_of_province()
    assert designations.count() == 24
    assert "no audit history" in output
    counties = Division.objects.filter(code__startswith=CODE, level=Level.COUNTY)
    assert Round.objects.filter(county__in=counties).count() == counties.count() == 2
    plans = Plan.objects.filter(designation__in=designations)
    assert plans.count() == 24
    tasks = Task.objects.filter(plan__in=plans)
    assert tasks.count() == 200
    assert ProgressEntry.objects.filter(plan__in=plans).count() == 1500
    # Scope columns copied from the organization, as copy_scope_from would.
    orgs = {o.pk: o for o in Organization.objects.filter(province__code=CODE.ljust(12, "0"))}
    for model in (Designation, Plan, Task, ProgressEntry, PeriodReport):
        for org_id, county_id, township_id in model._base_manager.filter(
                organization_id__in=orgs).values_list("organization_id", "county_id", "township_id"):
            assert (county_id, township_id) == (orgs[org_id].county_id, orgs[org_id].township_id)
    # Every village organization appears at most once; the designation's round is its county's.
    assert max(Counter(designations.values_list("organization_id", flat=True)).values()) == 1
    assert not designations.exclude(round__county_id=models_f("county_id")).exists()
    # Closed-out plans are done; overdue tasks only where rectification goes on.
    today = timezone.localdate()
    closed = tasks.filter(plan__designation__status=DesignationStatus.CONSOLIDATING)
    assert closed.exists() and not closed.exclude(status=TaskStatus.DONE).exists()
    overdue = tasks.exclude(status=TaskStatus.DONE).filter(deadline__lt=today)
    assert set(overdue.values_list("plan__designation__status", flat=True)) <= {DesignationStatus.RECTIFYING}
    # Reports only for past-due periods, all submitted; progress never in the future.
    assert not PeriodReport.objects.filter(plan__in=plans, due_on__gte=today).exists()
    assert set(PeriodReport.objects.filter(plan__in=plans).values_list("status", flat=True)) <= {
        ReportStatus.SUBMITTED}
    assert not ProgressEntry.objects.filter(plan__in=plans, happened_on__gt=today).exists()
    assert StatusChange.objects.filter(designation__in=designations, action="confirm").count() == 24
    # Bulk rows carry no audit history (the command says so).
    assert not Task.history.filter(id__in=tasks.values("pk")).exists()
    admin = User.objects.get(username=BENCH_COUNTY_ADMIN)
    assert Designation.objects.visible_to(admin).filter(pk__in=designations).exists()
    assert Designation.objects.visible_to(admin).filter(pk__in=designations).count() < 24


def models_f(name):
    from django.db.models import F

    return F(name)


def test_reset_deletes_the_ledger_with_the_province():
    generate(*LEDGER)
    old_ids = list(ledger_of_province().values_list("pk", flat=True))
    generate("--reset", *LEDGER)
    assert not Designation.objects.filter(pk__in=old_ids).exists()
    assert ledger_of_province().count() == 24
    assert not ProgressEntry.objects.filter(plan__designation_id__in=old_ids).exists()
