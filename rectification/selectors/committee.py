"""Reads of the Party committee study (models/committee.py) in the user's scope.

**Who must study**: the county and each township that has weak organizations in the current round (the one
counting rule, ``selectors.counting``). Each studies the rectification once a period of its policy
(``county_committee_study_months``, ``township_committee_study_months``; periods aligned on 1 January, as
the reports' are). A division's row says whether it has met in the current period (``due`` while not) and
in the previous one (``missed`` when not: a shortfall, shown on the dashboard and the home to-do list).

**Disorderly villages without the secretary's contact**: the organizations of the current round, still in
rectification, whose types fall under seed 002's "chaotic democratic management" or "prominent social
contradictions" (the 乱 of 软、散、乱: RSHS05-RSHS08), and which no township Party secretary contacts today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from organizations.models import Division
from organizations.policies import PolicyBook, division_chain
from organizations.roles import Level

from .. import problems
from ..models import RECTIFIED_STATUSES, CommitteeMeeting, Designation, SecretaryContact
from ..periods import period_of
from .counting import counted

POLICY_KEYS = {Level.COUNTY: "county_committee_study_months", Level.TOWNSHIP: "township_committee_study_months"}
#: Seed 002's groups of disorder (乱): chaotic democratic management, prominent social contradictions.
DISORDER_GROUPS = ("P3", "P4")
DISORDER_CODES = tuple(sorted(code for code, group in problems.NATIONAL_GROUPS.items() if group in DISORDER_GROUPS))
STUDY_FLAGS = ("due", "missed")


@dataclass
class StudyRow:
    division: Division
    interval: int
    period_start: dt.date
    period_end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    this_period: int = 0
    previous_period: int = 0
    last_held_on: dt.date | None = None

    @property
    def due(self) -> bool:
        return self.this_period == 0

    @property
    def missed(self) -> bool:
        return self.previous_period == 0


def meetings_visible(user):
    return CommitteeMeeting.objects.visible_to(user).select_related("division", "entered_by")


def _counted_in(user, today: dt.date, counties=None):
    """The current round's counted designations in the scope (of ``counties`` only, when given)."""
    weak = counted(Designation.objects.visible_to(user), today=today).order_by()
    return weak if counties is None else weak.filter(county_id__in=counties)


def _studying_divisions(user, today: dt.date, counties=None) -> list[Division]:
    """The counties and townships in the scope that have weak organizations in the current round, each with
    the day of its last meeting (``last_held_on``): one query."""
    weak = _counted_in(user, today, counties)
    last = (meetings_visible(user).filter(division=OuterRef("pk")).order_by().values("division")
            .annotate(last=Max("held_on")).values("last"))
    return list(Division.objects.visible_to(user)
                .filter(Q(level=Level.COUNTY, pk__in=weak.values("county_id"))
                        | Q(level=Level.TOWNSHIP, pk__in=weak.values("township_id")))
                .annotate(last_held_on=Subquery(last)).order_by("code"))


def study_rows(user, *, today: dt.date | None = None, flag: str = "", counties=None) -> list[StudyRow]:
    """Each studying division with its meetings of this and the previous period; ``flag`` ("due" or "missed")
    keeps those rows only; ``counties``: of those counties only. A fixed number of queries."""
    today = today or timezone.localdate()
    divisions = _studying_divisions(user, today, counties)
    if not divisions:
        return []
    book = PolicyBook(keys=list(POLICY_KEYS.values()),
                      division_ids={pk for division in divisions for pk in division_chain(division)})
    periods: dict[int, tuple] = {}  # interval -> (current, previous): a handful of intervals for thousands of rows
    rows = []
    for division in divisions:
        interval = int(book.for_division(division)[POLICY_KEYS[division.level]])
        if interval not in periods:
            current = period_of(today, interval_months=interval, grace_days=0)
            periods[interval] = (current, period_of(current.start - dt.timedelta(days=1), interval_months=interval,
                                                    grace_days=0))
        current, previous = periods[interval]
        rows.append(StudyRow(division, interval, current.start, current.end, previous.start, previous.end))
    earliest = min(row.previous_start for row in rows)
    held: dict[int, list[dt.date]] = {}
    for division_id, day in (meetings_visible(user).filter(division__in=[row.division for row in rows],
                                                           held_on__gte=earliest, held_on__lte=today)
                             .values_list("division_id", "held_on")):
        held.setdefault(division_id, []).append(day)
    for row in rows:
        days = held.get(row.division.pk, ())
        row.this_period = sum(1 for day in days if row.period_start <= day)
        row.previous_period = sum(1 for day in days if row.previous_start <= day <= row.previous_end)
        row.last_held_on = row.division.last_held_on
    if flag in STUDY_FLAGS:
        rows = [row for row in rows if getattr(row, flag)]
    return rows


def disorderly_designations(user, *, today: dt.date | None = None, counties=None):
    """The current round's designations in the scope, still in rectification, of a type of disorder."""
    today = today or timezone.localdate()
    return (_counted_in(user, today, counties)
            .exclude(status__in=RECTIFIED_STATUSES)
            .filter(categories__code__in=DISORDER_CODES, categories__county__isnull=True).distinct())


def active_contacts(on: dt.date):
    return SecretaryContact.objects.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def without_secretary_contact(user, *, today: dt.date | None = None, counties=None):
    """The disorderly designations whose organization no township Party secretary contacts today."""
    today = today or timezone.localdate()
    contacted = active_contacts(today).filter(organization_id=OuterRef("organization_id"))
    return (disorderly_designations(user, today=today, counties=counties).filter(~Exists(contacted))
            .select_related("organization", "organization__division", "township", "round")
            .prefetch_related("categories").order_by("organization__division__code"))


def contacts_visible(user):
    return (SecretaryContact.objects.visible_to(user)
            .select_related("organization", "organization__division", "township", "entered_by"))


def study_counts(user, *, today: dt.date | None = None, counties=None) -> dict[str, int]:
    """The to-do and dashboard figures, from the rows of the page they link to (of ``counties`` only, when
    given)."""
    today = today or timezone.localdate()
    rows = study_rows(user, today=today, counties=counties)
    return {"due": sum(1 for row in rows if row.due), "missed": sum(1 for row in rows if row.missed),
            "without_contact": without_secretary_contact(user, today=today, counties=counties).count()}


#: The name of the committee figures in the county rows of the dashboard summaries.
SUMMARY_NAME = "committee"


def county_study_counts(county_id: int, *, today: dt.date) -> dict[str, int]:
    """One county's figures over the whole county (the summaries' refresh: no user scope)."""
    from ..services.dashboard_summary import SystemReader

    return study_counts(SystemReader(), today=today, counties=[county_id])


def dashboard_study_counts(user, *, today: dt.date | None = None) -> dict[str, int]:
    """The leader dashboard's figures: for users above the county, summed from the counties' summary rows
    where they may be shown, counted live for the others (the leader dashboard's freshness rule); live for
    everyone else. Equal to ``study_counts`` (each studying division is in one county)."""
    from .dashboard_summary import county_summaries, summary_applies

    today = today or timezone.localdate()
    if not summary_applies(user):
        return study_counts(user, today=today)
    found = county_summaries(user, name=SUMMARY_NAME, today=today)
    total = dict.fromkeys(("due", "missed", "without_contact"), 0)
    parts = list(found.figures.values())
    if found.live:
        parts.append(study_counts(user, today=today, counties=None if found.all_live else found.live))
    for part in parts:
        for key in total:
            total[key] += part.get(key, 0)
    return total


def todo_items(user, today: dt.date):
    """The home to-do lines of the county and township roles: committees that missed the previous period,
    committees yet to study this period, disorderly villages without the secretary's contact; each count is
    the row count of the page it links to (its selector)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from organizations.navigation import COUNTY, TOWNSHIP
    from organizations.registry import TodoItem
    from organizations.scoping import grants_for

    if not (user.is_superuser or grants_for(user).roles() & (COUNTY | TOWNSHIP)):
        return []
    counts = study_counts(user, today=today)
    study = reverse("rectification:committee-study")
    return [
        TodoItem("committee_missed", _("Party committees that did not study the rectification in the previous "
                                       "period"), counts["missed"], f"{study}?study=missed", urgent=True),
        TodoItem("committee_due", _("Party committees yet to study it this period"), counts["due"],
                 f"{study}?study=due"),
        TodoItem("without_secretary_contact", _("Disorderly villages without the township secretary's contact"),
                 counts["without_contact"], reverse("rectification:committee-without-contact"), urgent=True),
    ]
