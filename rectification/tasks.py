"""Background jobs of the ledger: period-report drafts prepared daily, fanned out per county.

Thin: each task parses its arguments and calls a service (``services.reports``).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task


def _today(today: str | None) -> dt.date:
    from django.utils import timezone

    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def prepare_county_period_reports(county_id: int, today: str | None = None) -> int:
    from .services.reports import prepare_county_reports

    return prepare_county_reports(county_id, _today(today))


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def prepare_period_reports(today: str | None = None) -> list[int]:
    """Daily: one task per county with plans in rectification (fan-out); returns the county ids."""
    from .services.reports import county_ids_with_reporting_plans

    county_ids = county_ids_with_reporting_plans()
    for county_id in county_ids:
        prepare_county_period_reports.delay(county_id, today)
    return county_ids


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def refresh_stale_dashboard_summaries(today: str | None = None) -> dict:
    """Every minute: the dashboard figures of the counties written to since their refresh (debounced per
    county: a minute's writes cost one refresh), and of those computed for another day."""
    from .services.dashboard_summary import refresh_stale

    return refresh_stale(today=today)
