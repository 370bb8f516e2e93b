"""What raises an escalation (issue 14 item 1): the triggers of one county on a day, per organization and cause.

- tasks overdue ``escalation_task_overdue_days`` days or more (open tasks of the open cycle);
- progress reports missing or late ``escalation_report_periods`` periods running (the last periods due, read
  with ``late_and_missing_reports``, the rule of the reports page);
- contact-leader visits short of the policy ``escalation_visit_months`` complete months running (the rule of
  ``visits_required``, months after the designation was confirmed);
- a failed satisfaction evaluation: the organization rectifies again (a plan cycle after the first, opened by
  ``re_rectify``);
- a relapse found by a follow-up review (回头看) in the last year (with the cycle it reopened, if any).

Each trigger names its ``subjects`` (task ids, period starts, months, a cycle, a review): the service does not
raise an escalation again for subjects a resolved one covered. Policies are read per organization (the nearest
division's value). A fixed number of queries whatever the number of organizations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.models import Organization
from organizations.policies import ORGANIZATION_CHAIN_FIELDS, PolicyBook

from .. import periods
from ..models import (
    Cause,
    ContactVisit,
    FollowUpFinding,
    FollowUpReview,
    Plan,
    PlanCycle,
    StatusChange,
    Task,
)
from .ledger import open_tasks_q
from .progress import LATE, MISSING, ON_TIME, late_and_missing_reports, visits_required

TRIGGER_POLICY_KEYS = ["escalation_task_overdue_days", "escalation_report_periods", "escalation_visit_months",
                       "escalation_reminder_days", "contact_visits_per_month", "visits_after_closeout"]
#: How long after a follow-up review found a relapse it still raises an escalation.
RELAPSE_LOOKBACK_DAYS = 365


@dataclass
class Trigger:
    organization_id: int
    designation_id: int | None
    cause: str
    subjects: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    policy: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return "\n".join(self.lines)


def _policies(organization_ids) -> dict[int, dict]:
    """organization id -> the trigger policies that apply to it (two queries)."""
    book = PolicyBook(TRIGGER_POLICY_KEYS)
    return {pk: book.for_chain(chain) for pk, *chain in Organization.objects.filter(
        pk__in=list(organization_ids)).values_list("pk", *ORGANIZATION_CHAIN_FIELDS)}


class _Collector:
    def __init__(self):
        self.found: dict[tuple[int, str], Trigger] = {}

    def add(self, organization_id, designation_id, cause, subjects, line, policy):
        trigger = self.found.setdefault((organization_id, cause), Trigger(organization_id, designation_id, cause,
                                                                          policy=policy))
        trigger.subjects.extend(s for s in subjects if s not in trigger.subjects)
        trigger.lines.append(line)


def _overdue_tasks(collector, user, county_id, today):
    rows = list(Task.objects.visible_to(user).filter(
        open_tasks_q(), county_id=county_id, deadline__lt=today,
        plan__designation__status__in=periods.ONGOING_STATUSES).order_by("deadline", "pk").values_list(
        "pk", "organization_id", "plan__designation_id", "title", "deadline"))
    policies = _policies({r[1] for r in rows})
    for pk, org_id, designation_id, title, deadline in rows:
        values = policies[org_id]
        days = int(values["escalation_task_overdue_days"])
        if (today - deadline).days < days:
            continue
        collector.add(org_id, designation_id, Cause.OVERDUE_TASKS, [f"task-{pk}"],
                      _("Task “%(task)s” due %(deadline)s is %(days)s days overdue.") % {
                          "task": title, "deadline": official_date(deadline), "days": (today - deadline).days},
                      {"escalation_task_overdue_days": days})


def _reports(collector, user, county_id, today):
    flags = late_and_missing_reports(user, today=today, plans=Plan.objects.filter(
        county_id=county_id, designation__status__in=periods.ONGOING_STATUSES), flags=(MISSING, LATE, ON_TIME))
    by_plan = defaultdict(list)
    for item in flags.items:
        by_plan[item.plan_id].append(item)
    designations = dict(Plan.objects.filter(pk__in=list(by_plan)).values_list("pk", "designation_id"))
    policies = _policies({items[0].organization_id for items in by_plan.values()})
    for plan_id, items in by_plan.items():
        items.sort(key=lambda i: i.period_start)
        run = []
        for item in reversed(items):
            if item.flag not in (MISSING, LATE):
                break
            run.append(item)
        org_id = items[0].organization_id
        needed = int(policies[org_id]["escalation_report_periods"])
        if len(run) < needed:
            continue
        run.reverse()
        periods_text = "、".join(f"{official_date(i.period_start)}–{official_date(i.period_end)}"
                                f"（{_('missing') if i.flag == MISSING else _('late')}）" for i in run)
        collector.add(org_id, designations.get(plan_id), Cause.REPORTS, [f"period-{i.period_start}" for i in run],
                      _("Progress reports missing or late %(count)s periods running: %(periods)s.") % {
                          "count": len(run), "periods": periods_text},
                      {"escalation_report_periods": needed})


def _visits(collector, user, county_id, today):
    plans = list(Plan.objects.visible_to(user).filter(
        county_id=county_id, designation__status__in=periods.ONGOING_STATUSES).values_list(
        "pk", "organization_id", "designation_id", "designation__status", "designation__confirmed_at"))
    if not plans:
        return
    policies = _policies({p[1] for p in plans})
    this_month = today.replace(day=1)
    longest = max(int(v["escalation_visit_months"]) for v in policies.values())
    first = this_month - relativedelta(months=longest)
    done: dict[tuple[int, dt.date], int] = {}
    for plan_id, month, n in ContactVisit.objects.filter(
            plan_id__in=[p[0] for p in plans], visited_on__gte=first, visited_on__lt=this_month).annotate(
            month=TruncMonth("visited_on")).order_by().values_list("plan_id", "month").annotate(n=Count("pk")):
        done[(plan_id, month if isinstance(month, dt.date) and not isinstance(month, dt.datetime)
              else month.date())] = n
    for plan_id, org_id, designation_id, status, confirmed_at in plans:
        values = policies[org_id]
        required = visits_required(status, values)
        months = int(values["escalation_visit_months"])
        if not required or confirmed_at is None:
            continue
        confirmed = timezone.localdate(confirmed_at)
        short = []
        for back in range(1, months + 1):
            month = this_month - relativedelta(months=back)
            if month < confirmed.replace(day=1) + relativedelta(months=1 if confirmed.day > 1 else 0):
                break
            count = done.get((plan_id, month), 0)
            if count >= required:
                break
            short.append((month, count))
        if len(short) < months:
            continue
        short.reverse()
        text = "、".join(_("%(month)s: %(done)s of %(required)s") % {
            "month": f"{m.year}年{m.month}月", "done": n, "required": required} for m, n in short)
        collector.add(org_id, designation_id, Cause.VISITS, [f"month-{m:%Y-%m}" for m, _n in short],
                      _("Contact-leader visits short of the policy %(count)s months running: %(months)s.") % {
                          "count": len(short), "months": text},
                      {"escalation_visit_months": months, "contact_visits_per_month": required})


def _cycles_and_relapses(collector, user, county_id, today):
    cycles = list(PlanCycle.objects.visible_to(user).filter(
        county_id=county_id, number__gt=1, closed_on__isnull=True,
        plan__designation__status__in=periods.ONGOING_STATUSES).values_list(
        "pk", "organization_id", "plan__designation_id", "number", "started_on"))
    actions = {}
    for designation_id, action in StatusChange.objects.filter(
            designation_id__in=[c[2] for c in cycles], action__in=("re_rectify", "relapse")).order_by(
            "created_at", "pk").values_list("designation_id", "action"):
        actions[designation_id] = action  # the latest wins
    for pk, org_id, designation_id, number, started_on in cycles:
        if actions.get(designation_id) == "relapse":
            collector.add(org_id, designation_id, Cause.RELAPSE, [f"cycle-{pk}"],
                          _("Relapse: rectifying again (cycle %(number)s from %(day)s).") % {
                              "number": number, "day": official_date(started_on)}, {})
        else:
            collector.add(org_id, designation_id, Cause.EVALUATION_FAILED, [f"cycle-{pk}"],
                          _("The satisfaction evaluation failed: rectifying again (cycle %(number)s from "
                            "%(day)s).") % {"number": number, "day": official_date(started_on)}, {})
    for pk, org_id, designation_id, reviewed_on, notes in FollowUpReview.objects.visible_to(user).filter(
            county_id=county_id, finding=FollowUpFinding.RELAPSED,
            reviewed_on__gte=today - dt.timedelta(days=RELAPSE_LOOKBACK_DAYS), reviewed_on__lte=today).values_list(
            "pk", "organization_id", "designation_id", "reviewed_on", "notes"):
        collector.add(org_id, designation_id, Cause.RELAPSE, [f"review-{pk}"],
                      _("The follow-up review of %(day)s found a relapse. %(notes)s") % {
                          "day": official_date(reviewed_on), "notes": notes}, {})


def escalation_triggers(user, *, county_id: int, today: dt.date) -> list[Trigger]:
    """The triggers of the county on ``today`` that ``user`` may see (the job reads as the system)."""
    collector = _Collector()
    _overdue_tasks(collector, user, county_id, today)
    _reports(collector, user, county_id, today)
    _visits(collector, user, county_id, today)
    _cycles_and_relapses(collector, user, county_id, today)
    return sorted(collector.found.values(), key=lambda t: (t.organization_id, t.cause))
