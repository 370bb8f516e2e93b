"""A contact leader's visits month by month against the policy (issue 11 item 6).

The leader is a record of the directory (``organizations.leaders``; cadres' ContactLeader). Their visits are
the ones entered for that record (``leader_key``) and, for a leader with an account, the ones their account
logged before the record was known. The organizations are those of the visits plus the villages paired with
the leader today, within the user's scope. Per month: visits done, visits required (the policy's number for
each organization in rectification that month: confirmed by the month's end and not closed out before it
began, unless ``visits_after_closeout``), problems solved, visits that solved none. Four queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.utils import timezone

from organizations.leaders import LeaderRef, leader_directory
from organizations.policies import PolicyBook

from .. import periods
from ..models import ContactVisit, Designation, Plan
from .progress import VISIT_POLICY_KEYS

#: Months shown, the current one included.
HISTORY_MONTHS = 12


@dataclass
class MonthRow:
    month: dt.date  # its first day
    visits: int = 0
    required: int = 0
    problems_solved: int = 0
    solved_nothing: int = 0
    organizations: dict[int, int] = field(default_factory=dict)  # organization id -> visits

    @property
    def short(self) -> int:
        return max(0, self.required - self.visits)


@dataclass
class LeaderHistory:
    leader: LeaderRef
    today: dt.date
    months: list[MonthRow]
    organizations: list[tuple[int, str, int | None]]  # (organization id, name, plan id)
    totals: MonthRow


def leader_visits_q(leader: LeaderRef) -> Q:
    q = Q(leader_key=leader.key)
    if leader.user_id:
        q |= Q(leader_key__isnull=True, leader_id=leader.user_id)
    return q


def leader_history(user, key: int, *, today: dt.date | None = None, months: int = HISTORY_MONTHS
                   ) -> LeaderHistory | None:
    """``None`` when the leader is unknown or has neither a visit nor a paired village in the user's scope."""
    today = today or timezone.localdate()
    directory = leader_directory()
    leader = directory.get([key]).get(key)
    if leader is None:
        return None
    first = today.replace(day=1) - relativedelta(months=months - 1)
    visits = ContactVisit.objects.visible_to(user).filter(leader_visits_q(leader))
    plans = Plan.objects.visible_to(user).filter(
        Q(pk__in=visits.values("plan_id")) | Q(organization_id__in=directory.organizations_of(key, today)))
    latest: dict[int, Plan] = {}  # one plan per organization: its latest round's (a repeat listing counts once)
    for plan in plans.select_related("organization", "designation").order_by(
            "organization__division__code", "designation__round__year", "pk"):
        latest[plan.organization_id] = plan
    plan_rows = list(latest.values())
    if not plan_rows:
        return None
    rows = [MonthRow(month=first + relativedelta(months=k)) for k in range(months)]
    by_month = {(r.month.year, r.month.month): r for r in rows}
    for org_id, day, solved in visits.filter(visited_on__gte=first, visited_on__lte=today).values_list(
            "organization_id", "visited_on", "problems_solved_count"):
        row = by_month.get((day.year, day.month))
        if row is None:
            continue
        row.visits += 1
        row.problems_solved += solved
        row.solved_nothing += 1 if solved == 0 else 0
        row.organizations[org_id] = row.organizations.get(org_id, 0) + 1
    book = PolicyBook(VISIT_POLICY_KEYS)
    for plan in plan_rows:
        values = book.for_organization(plan.organization)
        per_month = int(values["contact_visits_per_month"])
        for row in rows:
            if _in_rectification(plan.designation, row.month, values):
                row.required += per_month
    totals = MonthRow(month=first)
    for row in rows:
        totals.visits += row.visits
        totals.required += row.required
        totals.problems_solved += row.problems_solved
        totals.solved_nothing += row.solved_nothing
    rows.reverse()  # newest first
    organizations = [(p.organization_id, p.organization.name, p.pk) for p in plan_rows]
    return LeaderHistory(leader=leader, today=today, months=rows, organizations=organizations, totals=totals)


def _in_rectification(designation: Designation, month: dt.date, values: dict) -> bool:
    """Was the organization in rectification (visits required) during ``month``?"""
    last = month + relativedelta(months=1) - dt.timedelta(days=1)
    if designation.status not in periods.REPORTING_STATUSES:
        return False  # not (yet) in rectification, or withdrawn
    if designation.confirmed_at is None or timezone.localdate(designation.confirmed_at) > last:
        return False
    if values.get("visits_after_closeout"):
        return True
    closed = designation.closed_out_on
    return closed is None or closed >= month


def visit_counts(queryset) -> dict[str, int]:
    """Visits of a (filtered) list and those among them that solved no problem (counted apart)."""
    return queryset.order_by().aggregate(total=Count("pk"), solved_nothing=Count(
        "pk", filter=Q(problems_solved_count=0)))


def visit_leaders(user) -> list[tuple[int, str, int]]:
    """The leaders of the visits in ``user``'s scope: (record key, name and post, visits), by name."""
    rows: dict[int, list] = {}
    for key, name, n in (ContactVisit.objects.visible_to(user).filter(leader_key__isnull=False).order_by()
                         .values("leader_key", "leader_name").annotate(n=Count("pk"))
                         .values_list("leader_key", "leader_name", "n")):
        entry = rows.setdefault(key, [key, name, 0])
        entry[2] += n
    return sorted((tuple(r) for r in rows.values()), key=lambda r: r[1])
