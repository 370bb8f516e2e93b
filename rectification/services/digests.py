"""The daily digest: for each person, ONE notification a day listing their overdue tasks and missing reports.

Never one message per item. The people of an item are those of its organization's plan
(``recipients.plan_people``: township organizers and secretaries, village and first secretaries, contact
leader, helping unit), resolved for all the county's organizations at once; the county admins get a
summary line per township. ``dedupe_key`` "digest:YYYY-MM-DD": a second run the same day sends nothing.

A fixed number of queries per county (no query per task, report, organization or person): overdue tasks
(1), missing reports (``late_and_missing_reports``, 4), the people (4), the sending (3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.models import Division, NotificationKind, RoleAssignment
from organizations.roles import Role
from organizations.services.notifications import Message, notify_many

from ..models import Plan, Task
from ..selectors.bimonthly_reports import system_reader
from ..selectors.ledger import overdue_tasks_q
from ..selectors.progress import MISSING, late_and_missing_reports
from ..selectors.recipients import people_of_organizations

ITEMS_LISTED = 20


def digest_key(day: dt.date) -> str:
    return f"digest:{day.isoformat()}"


@dataclass
class PersonDigest:
    tasks: list[tuple] = field(default_factory=list)  # (organization name, task title, deadline)
    reports: list[tuple] = field(default_factory=list)  # (organization name, period start, period end, due)
    summary: list[str] = field(default_factory=list)  # county admins: the county's and each township's counts

    def lines(self) -> list[str]:
        lines = list(self.summary)
        if self.tasks:
            lines.append(_("Overdue tasks: %(count)s") % {"count": len(self.tasks)})
            for org, title, deadline in sorted(self.tasks, key=lambda t: (t[2], t[0]))[:ITEMS_LISTED]:
                lines.append(f"· {org}：{title}（{_('due')} {_date(deadline)}）")
            if len(self.tasks) > ITEMS_LISTED:
                lines.append("……")
        if self.reports:
            lines.append(_("Missing period reports: %(count)s") % {"count": len(self.reports)})
            for org, start, end, due in sorted(self.reports, key=lambda r: (r[3], r[0]))[:ITEMS_LISTED]:
                lines.append(f"· {org}：{_date(start)}–{_date(end)}（{_('due')} {_date(due)}）")
            if len(self.reports) > ITEMS_LISTED:
                lines.append("……")
        return lines


def _date(day: dt.date) -> str:
    return official_date(day)


def collect_county_digests(county: Division, day: dt.date) -> dict[int, PersonDigest]:
    """user id -> what the day's digest of the county tells them (nobody with nothing to be told)."""
    org_names: dict[int, str] = {}
    org_township: dict[int, int | None] = {}
    items_tasks: dict[int, list[tuple]] = defaultdict(list)
    for org_id, org_name, township_id, title, deadline in Task.objects.filter(
            overdue_tasks_q(day), county=county).order_by("deadline", "pk").values_list(
            "organization_id", "organization__name", "township_id", "title", "deadline"):
        org_names[org_id], org_township[org_id] = org_name, township_id
        items_tasks[org_id].append((org_name, title, deadline))
    flags = late_and_missing_reports(system_reader(), today=day, plans=Plan.objects.filter(county=county),
                                     flags=(MISSING,))
    items_reports: dict[int, list[tuple]] = defaultdict(list)
    for item in flags.items:
        org_names[item.organization_id], org_township[item.organization_id] = item.organization_name, \
            item.township_id
        items_reports[item.organization_id].append((item.organization_name, item.period_start, item.period_end,
                                                    item.due_on))
    if not org_names:
        return {}
    people = people_of_organizations(org_names)
    digests: dict[int, PersonDigest] = defaultdict(PersonDigest)
    for org_id in org_names:
        for user_id in people.get(org_id, ()):
            digests[user_id].tasks += items_tasks.get(org_id, [])
            digests[user_id].reports += items_reports.get(org_id, [])
    # County admins: one summary line for the county and one per township.
    admin_ids = set(RoleAssignment.objects.filter(role=Role.COUNTY_ADMIN, division=county)
                    .values_list("user_id", flat=True))
    if admin_ids:
        townships = dict(Division.objects.filter(pk__in={t for t in org_township.values() if t})
                         .values_list("pk", "name"))
        per_township: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0])
        for org_id, township_id in org_township.items():
            counts = per_township[township_id]
            counts[0] += len(items_tasks.get(org_id, []))
            counts[1] += 1 if items_tasks.get(org_id) else 0
            counts[2] += len(items_reports.get(org_id, []))
        totals = [sum(c[i] for c in per_township.values()) for i in range(3)]
        summary = [_("%(county)s: %(tasks)s overdue tasks in %(orgs)s organizations, %(reports)s missing "
                     "period reports") % {"county": county.name, "tasks": totals[0], "orgs": totals[1],
                                          "reports": totals[2]}]
        for township_id, counts in sorted(per_township.items(), key=lambda i: townships.get(i[0], "")):
            summary.append(_("%(township)s: %(tasks)s overdue tasks in %(orgs)s organizations, %(reports)s "
                             "missing period reports") % {"township": townships.get(township_id, county.name),
                                                          "tasks": counts[0], "orgs": counts[1],
                                                          "reports": counts[2]})
        for user_id in admin_ids:
            digests[user_id].summary = summary
    return dict(digests)


def county_digests(county: Division, day: dt.date) -> dict[int, tuple[str, str, str]]:
    """user id -> (title, body, url) of the day's digest for the county."""
    title = _("Daily digest %(day)s") % {"day": _date(day)}
    ledger = reverse("rectification:ledger") + "?" + urlencode({"overdue": "true"})
    return {user_id: (title, "\n".join(digest.lines()),
                      reverse("rectification:dashboard") if digest.summary else ledger)
            for user_id, digest in collect_county_digests(county, day).items()}


def send_county_digests(county_id: int, today: str | dt.date | None = None) -> dict:
    """The job: the day's digests of one county. Returns the numbers, for the job run record."""
    county = Division.objects.get(pk=county_id)
    day = today if isinstance(today, dt.date) else (dt.date.fromisoformat(today) if today else timezone.localdate())
    digests = county_digests(county, day)
    key = digest_key(day)
    created = notify_many(Message(user_id=user_id, title=title, body=body, url=url, kind=NotificationKind.DIGEST,
                                  dedupe_key=key) for user_id, (title, body, url) in digests.items())
    return {"recipients": len(digests), "sent": len(created)}
