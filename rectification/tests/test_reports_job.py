"""The daily period-report job: drafts for every plan in rectification, idempotent, fanned out per county;
through the task (eagerly, as the suite runs tasks), the management command, and a real Celery worker."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.schedules import BEAT_SCHEDULE
from organizations.policies import PolicyBook
from rectification import periods
from rectification.models import PeriodReport, Plan
from rectification.tasks import prepare_county_period_reports, prepare_period_reports

from .progress_support import make_rectifying_plan, village_in  # noqa: F401

D = dt.date


def expected_starts(today: dt.date) -> dict[int, set[dt.date]]:
    """What every plan in rectification must have, computed from the designations and the policies."""
    book = PolicyBook(periods.REPORT_POLICY_KEYS)
    result = {}
    for plan in Plan.objects.filter(designation__status__in=periods.ONGOING_STATUSES).select_related(
            "designation", "organization"):
        values = book.for_organization(plan.organization)
        result[plan.pk] = {p.start for p in periods.expected_periods(
            status=plan.designation.status, confirmed_on=periods.confirmed_on(plan.designation),
            closed_out_on=plan.designation.closed_out_on, today=today,
            interval_months=int(values["report_interval_months"]), grace_days=int(values["report_grace_days"]))}
    return result


def check_drafts_exist(today):
    expected = expected_starts(today)
    assert expected and any(expected.values()), "no plan in rectification: the job would be checked on nothing"
    have = {}
    for plan_id, start in PeriodReport.objects.filter(plan_id__in=expected).values_list("plan_id", "period_start"):
        have.setdefault(plan_id, set()).add(start)
    missing = {pk: starts - have.get(pk, set()) for pk, starts in expected.items() if starts - have.get(pk, set())}
    assert not missing, f"plans without their period drafts: {missing}"


def test_the_schedule_runs_the_job_daily():
    entry = BEAT_SCHEDULE["prepare-period-reports"]
    assert entry["task"] == prepare_period_reports.name
    assert entry["schedule"].hour == {2} and len(entry["schedule"].day_of_week) == 7


@pytest.mark.django_db
def test_the_task_prepares_drafts_and_twice_creates_nothing_more(demo):
    extra = make_rectifying_plan(demo, organization=village_in(demo.township_b), confirmed_on=D(2026, 1, 20))
    today = timezone.localdate()
    result = prepare_period_reports.apply()
    assert result.successful() and demo.county1.pk in result.get()
    check_drafts_exist(today)
    assert PeriodReport.objects.filter(plan=extra, period_start=D(2026, 1, 1)).exists()
    before = PeriodReport.objects.count()
    history = PeriodReport.history.count()
    prepare_period_reports.apply()
    prepare_county_period_reports.apply(args=[demo.county1.pk])
    assert PeriodReport.objects.count() == before
    assert PeriodReport.history.count() == history  # nothing was even re-saved


@pytest.mark.django_db
def test_the_command_does_the_same_for_a_given_day(demo):
    plan = make_rectifying_plan(demo, organization=village_in(demo.township_b), confirmed_on=D(2026, 3, 15))
    out = StringIO()
    call_command("prepare_period_reports", "--today", "2026-07-11", stdout=out)
    assert "2026-07-11" in out.getvalue()
    assert sorted(PeriodReport.objects.filter(plan=plan).values_list("period_start", flat=True)) == [
        D(2026, 3, 1), D(2026, 5, 1), D(2026, 7, 1)]
    before = PeriodReport.objects.count()
    call_command("prepare_period_reports", "--today", "2026-07-11", stdout=StringIO())
    assert PeriodReport.objects.count() == before
    with pytest.raises(Exception, match="--today"):
        call_command("prepare_period_reports", "--today", "July", stdout=StringIO())
