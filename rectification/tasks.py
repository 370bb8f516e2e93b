"""Background jobs of the ledger: period-report drafts prepared daily, fanned out per county."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


def _today(today: str | None) -> dt.date:
    from django.utils import timezone

    return dt.date.fromisoformat(today) if today else timezone.localdate()


def counties_with_reporting_plans() -> list[int]:
    from .models import Plan
    from .periods import ONGOING_STATUSES

    return sorted(set(Plan.objects.filter(designation__status__in=ONGOING_STATUSES).values_list(
        "county_id", flat=True)))


def prepare_county_reports(county_id: int, today: dt.date) -> int:
    """Make sure every plan in rectification in the county has drafts of its current and past-due periods.

    Idempotent: a second run finds the rows (unique on plan and period start) and creates nothing.
    Returns the number of report rows checked.
    """
    from organizations.policies import PolicyBook, organization_chain

    from .models import Plan
    from .periods import ONGOING_STATUSES, REPORT_POLICY_KEYS
    from .services.reports import reports_ensure

    book = PolicyBook(REPORT_POLICY_KEYS)
    checked = 0
    plans = Plan.objects.filter(county_id=county_id, designation__status__in=ONGOING_STATUSES).select_related(
        "designation", "organization").order_by("pk")
    for plan in plans.iterator(chunk_size=500):
        values = book.for_chain(organization_chain(plan.organization))
        checked += len(reports_ensure(plan=plan, today=today, policy_values=values))
    return checked


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def prepare_county_period_reports(county_id: int, today: str | None = None) -> int:
    return prepare_county_reports(county_id, _today(today))


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def prepare_period_reports(today: str | None = None) -> list[int]:
    """Daily: one task per county with plans in rectification (fan-out); returns the county ids."""
    county_ids = counties_with_reporting_plans()
    for county_id in county_ids:
        prepare_county_period_reports.delay(county_id, today)
    return county_ids
