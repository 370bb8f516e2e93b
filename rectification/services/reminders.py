"""Reminders of the six-monthly check and the year-end acceptance (seed 002: a report every two months, a check
every six months, acceptance at year end).

- Check reminder: in the last ``CHECK_REMINDER_DAYS`` days of each check period (``check_interval_months``
  of the policy, periods aligned on the calendar year like the report periods), the township organizers and
  secretaries of each township with organizations in rectification, and the county admins, are reminded.
- Acceptance reminder: from ``ACCEPTANCE_REMINDER_FROM`` (1 December) to the year end, the same people are
  told which organizations are still in rectification (not yet applied for acceptance).

One notification per person, division and period (``dedupe_key``): running the job daily, or twice, sends
nothing more. A bounded number of queries per county (plus the sending itself, per recipient).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.models import Division, NotificationKind, RoleAssignment, User
from organizations.roles import Role
from organizations.services.notifications import notify

from .. import periods
from ..models import Designation, DesignationStatus
from ..selectors.recipients import TOWNSHIP_ROLES

CHECK_REMINDER_DAYS = 30
ACCEPTANCE_REMINDER_FROM = (12, 1)  # month, day
NAMES_LISTED = 30


def _day(today) -> dt.date:
    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(today) if today else timezone.localdate()


def _ledger_link(**params) -> str:
    return reverse("rectification:ledger") + "?" + urlencode({k: v for k, v in params.items() if v})


def _people(county: Division, township_ids) -> tuple[dict[int, list[User]], list[User]]:
    """Township organizers and secretaries per township, and the county admins (two queries)."""
    rows = list(RoleAssignment.objects.filter(role__in=TOWNSHIP_ROLES, division_id__in=list(township_ids))
                .values_list("division_id", "user_id"))
    admin_ids = set(RoleAssignment.objects.filter(role=Role.COUNTY_ADMIN, division=county)
                    .values_list("user_id", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in={u for _d, u in rows} | admin_ids, is_active=True)}
    by_township: dict[int, list[User]] = defaultdict(list)
    for division_id, user_id in rows:
        if user_id in users and users[user_id] not in by_township[division_id]:
            by_township[division_id].append(users[user_id])
    return by_township, [users[pk] for pk in sorted(admin_ids) if pk in users]


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_LISTED])
    return shown + ("……" if len(names) > NAMES_LISTED else "")


def _remind(county: Division, statuses, *, kind: str, key: str, title: str, intro: str, status_param: str) -> int:
    """Tell each township's people their organizations in ``statuses``, and the county admins the totals."""
    orgs: dict[int | None, list[str]] = defaultdict(list)
    for township_id, name in Designation.objects.filter(county=county, status__in=statuses).order_by(
            "organization__name").values_list("township_id", "organization__name"):
        orgs[township_id].append(name)
    if not orgs:
        return 0
    township_names = dict(Division.objects.filter(pk__in=[k for k in orgs if k]).values_list("pk", "name"))
    by_township, admins = _people(county, [k for k in orgs if k])
    sent = 0
    for township_id, names in orgs.items():
        if township_id is None:
            continue
        body = f"{intro}\n{township_names.get(township_id, '')}：{_names(names)}"
        sent += len(notify(users=by_township.get(township_id, []), kind=kind, title=title, body=body,
                           url=_ledger_link(township=township_id, status=status_param),
                           dedupe_key=f"{key}:{township_id}"))
    lines = [f"{township_names.get(t, county.name)}：{len(n)}" for t, n in sorted(
        orgs.items(), key=lambda item: township_names.get(item[0], ""))]
    total = sum(len(n) for n in orgs.values())
    body = "\n".join([intro, _("%(county)s: %(count)s organizations") % {"county": county.name, "count": total},
                      *lines])
    sent += len(notify(users=admins, kind=kind, title=title, body=body, url=_ledger_link(status=status_param),
                       dedupe_key=f"{key}:{county.pk}"))
    return sent


def check_period(county: Division, day: dt.date) -> tuple[periods.Period, int]:
    from organizations.policies import effective_policy

    months = int(effective_policy(county)["check_interval_months"])
    return periods.period_of(day, interval_months=months, grace_days=0), months


def send_check_reminders(county: Division, day: dt.date) -> int:
    period, months = check_period(county, day)
    if (period.end - day).days >= CHECK_REMINDER_DAYS:
        return 0
    end = official_date(period.end)
    return _remind(
        county, periods.ONGOING_STATUSES, kind=NotificationKind.CHECK_REMINDER,
        key=f"check:{period.start.isoformat()}",
        title=_("Check due by %(day)s") % {"day": end},
        intro=_("The check of every %(months)s months is due by %(day)s for these organizations in "
                "rectification.") % {"months": months, "day": end},
        status_param=DesignationStatus.RECTIFYING)


def send_acceptance_reminders(county: Division, day: dt.date) -> int:
    if (day.month, day.day) < ACCEPTANCE_REMINDER_FROM:
        return 0
    return _remind(
        county, [DesignationStatus.RECTIFYING], kind=NotificationKind.ACCEPTANCE_REMINDER,
        key=f"acceptance:{day.year}",
        title=_("Year-end acceptance %(year)s") % {"year": day.year},
        intro=_("These organizations are still in rectification; the acceptance is due at the year end."),
        status_param=DesignationStatus.RECTIFYING)


def send_county_reminders(county_id: int, today: str | dt.date | None = None) -> dict:
    """The job: check and acceptance reminders of one county. Returns the numbers sent."""
    county = Division.objects.get(pk=county_id)
    day = _day(today)
    return {"check_reminders": send_check_reminders(county, day),
            "acceptance_reminders": send_acceptance_reminders(county, day)}
