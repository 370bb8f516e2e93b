"""Dates as officials write them (2026年3月1日), for texts that leave the page: messages, workbooks, notices."""

from __future__ import annotations

import datetime as dt


def official_date(day: dt.date | None) -> str:
    """``2026年3月1日`` (no leading zeros), or an empty string for no date."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"
