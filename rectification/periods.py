"""Report periods: calendar arithmetic from the policy, and which periods a plan must report on.

Periods are aligned on the calendar year: with ``report_interval_months`` = 2 they are Jan-Feb,
Mar-Apr, ... Nov-Dec; with 1 monthly, with 3 quarterly. An interval that does not divide 12
(e.g. 5) still starts on 1 January, and the year's last period ends on 31 December. A report is
due ``report_grace_days`` after its period ends.

A plan reports from the day its designation was confirmed (rectification begins) until it is
closed out; plans not yet in rectification (proposed, designated, plan under review) or
withdrawn report nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from organizations.dates import official_date

from .models import DesignationStatus as S

#: Policy keys a period report uses (and stores with the submitted report).
REPORT_POLICY_KEYS = ["report_interval_months", "report_grace_days", "contact_visits_per_month"]

#: Designation statuses in which a plan reports; with close-out the reporting ends.
REPORTING_STATUSES = (S.RECTIFYING, S.ACCEPTANCE_REQUESTED, S.EVALUATING, S.CONSOLIDATING, S.CONSOLIDATED)
ONGOING_STATUSES = (S.RECTIFYING, S.ACCEPTANCE_REQUESTED, S.EVALUATING)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    due_on: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: dt.date, *, interval_months: int, grace_days: int) -> Period:
    """The period containing ``day``."""
    interval = max(1, min(12, int(interval_months)))
    first_month = (day.month - 1) // interval * interval + 1
    last_month = min(12, first_month + interval - 1)
    end = _month_end(day.year, last_month)
    return Period(dt.date(day.year, first_month, 1), end, end + dt.timedelta(days=int(grace_days)))


def is_period_start(day: dt.date, *, interval_months: int) -> bool:
    return period_of(day, interval_months=interval_months, grace_days=0).start == day


def periods_between(first: dt.date, last: dt.date, *, interval_months: int, grace_days: int) -> list[Period]:
    """Every period overlapping [first, last], in order."""
    periods = []
    day = first
    while day <= last:
        period = period_of(day, interval_months=interval_months, grace_days=grace_days)
        periods.append(period)
        day = period.end + dt.timedelta(days=1)
    return periods


def reporting_window(*, status: str, confirmed_on: dt.date | None, closed_out_on: dt.date | None,
                     today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days a plan reports on (first and last), or None when it reports on nothing yet."""
    if status not in REPORTING_STATUSES or confirmed_on is None:
        return None
    last = today
    if status not in ONGOING_STATUSES and closed_out_on is not None:
        last = min(today, closed_out_on)
    if last < confirmed_on:
        return None
    return confirmed_on, last


def expected_periods(*, status: str, confirmed_on: dt.date | None, closed_out_on: dt.date | None, today: dt.date,
                     interval_months: int, grace_days: int) -> list[Period]:
    """The periods a plan must report on, up to the one containing ``today`` (or its close-out)."""
    window = reporting_window(status=status, confirmed_on=confirmed_on, closed_out_on=closed_out_on, today=today)
    if window is None:
        return []
    return periods_between(*window, interval_months=interval_months, grace_days=grace_days)


def confirmed_on(designation) -> dt.date | None:
    from django.utils import timezone

    if designation.confirmed_at is None:
        return None
    return timezone.localdate(designation.confirmed_at)


def period_label(start: dt.date, end: dt.date) -> str:
    """A period as officials write it: 2026年3月1日至2026年4月30日."""
    return _("%(start)s to %(end)s") % {"start": official_date(start), "end": official_date(end)}
