"""Dates as officials write them (2026年3月1日), for texts that leave the page: messages, workbooks, notices."""

from __future__ import annotations

import datetime as dt


def official_date(day: dt.date | None) -> str:
    """``2026年3月1日`` (no leading zeros), or an empty string for no date."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


# The dates the portal accepts from a client (API bodies): a date of birth from 1900, plans and deadlines
# up to 2100. Farther dates are typing errors, and near the calendar's ends (0001-01-01, 9999-12-31) a
# deadline or term end computed from them (``+ timedelta``, ``+ relativedelta``) overflows: a 500.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)


def validate_date_range(day: dt.date | None) -> None:
    """A validator: ``day`` lies between ``EARLIEST`` and ``LATEST`` (a form or serializer error otherwise)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(_("Enter a date between %(earliest)s and %(latest)s.")
                              % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
                              code="date_range")
