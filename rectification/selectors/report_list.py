"""The bimonthly reports page (双月报告): the reports of the user's scope in one list, with what each needs.

One counting rule: the page, its filters and the home page's to-do list all read ``report_rows``; the rows
come from ``late_and_missing_reports`` (the flags of the dashboard and the digests), so a report "missing" here
is missing there. A row's state says what it needs:

- ``not_prepared``: the period is running (or ended) and nobody has drafted its report yet;
- ``draft``: drafted, the period still running (it cannot be submitted before the policy allows);
- ``due``: the period has ended, the report is not submitted and not yet late (待报送);
- ``missing``: past its due date and not submitted; ``late`` / ``on_time``: submitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from organizations.permissions import roles_allowed

from ..models import Plan
from .progress import LATE, MISSING, ON_TIME, OPEN, ReportFlags, ReportItem, late_and_missing_reports

NOT_PREPARED, DRAFT, DUE = "not_prepared", "draft", "due"

#: The page's views (``?flag=``): the default is this period's reports.
CURRENT, TO_SUBMIT, LATE_OR_MISSING, ALL = "current", "to_submit", "late_or_missing", "all"
VIEWS = (CURRENT, TO_SUBMIT, MISSING, LATE, LATE_OR_MISSING, ON_TIME, OPEN, ALL)


@dataclass
class ReportRow:
    item: ReportItem
    state: str
    #: The user may draft it (no report row yet) / submit it (a draft whose period has ended).
    may_prepare: bool = False
    may_submit: bool = False
    #: The user may write this plan's reports (a draft's page: 起草).
    may_write: bool = False
    #: The latest period of its plan that has ended (shown in "this period" whatever its state).
    latest_ended: bool = False
    today: dt.date = dt.date.min


def _state(item: ReportItem, today: dt.date) -> str:
    if item.flag in (MISSING, LATE, ON_TIME):
        return item.flag
    if item.period_end < today:
        return DUE
    return DRAFT if item.report_id else NOT_PREPARED


def _shown(row: ReportRow, view: str) -> bool:
    state, flag = row.state, row.item.flag
    if view == ALL:
        return True
    if view == CURRENT:
        return (row.item.period_start <= row.today <= row.item.period_end or state in (DUE, MISSING)
                or row.latest_ended)
    if view == TO_SUBMIT:
        return state in (DUE, MISSING)
    if view == LATE_OR_MISSING:
        return flag in (LATE, MISSING)
    return flag == view


def report_rows(user, *, today: dt.date, plans=None, view: str = CURRENT, actions: bool = True
                ) -> tuple[list[ReportRow], ReportFlags]:
    """The rows of the reports page for ``view`` (one of ``VIEWS``) and the flags they come from.

    ``late_and_missing_reports``' four queries, plus one for the plans the user may report on (``actions``)."""
    flags = late_and_missing_reports(user, today=today, plans=plans, flags={MISSING, LATE, ON_TIME, OPEN})
    plan_ids = {item.plan_id for item in flags.items}
    if not actions:
        writable = set()
    elif user.is_superuser:
        writable = plan_ids
    elif plan_ids:
        writable = set(Plan.objects.visible_to(user, roles=roles_allowed("report", "submit"))
                       .filter(pk__in=plan_ids).values_list("pk", flat=True))
    else:
        writable = set()
    latest: dict[int, dt.date] = {}
    for item in flags.items:
        if item.period_end < today:
            latest[item.plan_id] = max(latest.get(item.plan_id, item.period_end), item.period_end)
    rows = []
    for item in flags.items:
        state = _state(item, today)
        may = item.plan_id in writable
        row = ReportRow(item, state, may_prepare=may and item.report_id is None, may_write=may,
                        may_submit=may and item.report_id is not None and state in (DUE, MISSING),
                        latest_ended=latest.get(item.plan_id) == item.period_end, today=today)
        if _shown(row, view):
            rows.append(row)
    order = {MISSING: 0, DUE: 1, DRAFT: 2, NOT_PREPARED: 2, LATE: 3, ON_TIME: 4}
    rows.sort(key=lambda r: (-r.item.period_end.toordinal(), order.get(r.state, 5), r.item.organization_name))
    return rows, flags


def to_submit_counts(user, *, today: dt.date) -> tuple[int, int]:
    """For the home page: (reports to submit now, of which missing), the page's ``to_submit`` and ``missing``
    views' row counts."""
    rows, _flags = report_rows(user, today=today, view=TO_SUBMIT, actions=False)
    return len(rows), sum(1 for row in rows if row.state == MISSING)
