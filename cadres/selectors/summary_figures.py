"""The cadres' columns of the upward statistical summary (domain practice §3a, 调整培训党组织书记 and 整顿措施),
for the designated organizations of a year, from the cadres records:

* **secretary vacant at the start of the year** (年初缺配): on 1 January no cadre held the secretary's post
  (Party secretary, or secretary and director 一肩挑) of the organization on the roster;
* **filled this year** (本年度已选配): of those, the ones where a secretary took the post between 1 January and
  ``on`` (the end of the year, or today in the current year);
* **trained at county level or above** (参加县级及以上培训): the organization's secretaries who completed a
  training held in the year and kept by a county (or a division above it), counted once per person;
* **resident cadres** (选派驻村干部): the first secretaries stationed in the organization at some time of the
  year (not recalled before it began) and the members of their village work teams, each person once.

Registered in ``CadresConfig.ready()`` (``organizations.registry.register_summary_figures``): rectification
writes the form and never imports cadres. Three queries whatever the number of organizations (one more per
5,000 organizations).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.registry import SummaryFigures
from organizations.roles import Level

from ..models import SECRETARY_POSTS, Cadre, FirstSecretary, TrainingAttendance

#: Ids per query: below SQLite's limit of bound variables.
BATCH = 5000
#: Levels of the divisions whose trainings count as "county level or above".
COUNTY_OR_ABOVE = (Level.COUNTY, Level.CITY, Level.PROVINCE)
_SEPARATORS = re.compile(r"[、，,；;\s]+")

COLUMNS = (
    ("secretaries_vacant_at_start", _("Secretary posts vacant at the start of the year")),
    ("secretaries_filled", _("Of which filled this year")),
    ("secretaries_trained_county", _("Secretaries trained at county level or above")),
    ("resident_cadres", _("Resident cadres sent")),
)


def team_member_names(text: str) -> list[str]:
    """The names of a work team as written ("张三、李四" or one per line)."""
    return [name for name in _SEPARATORS.split(text or "") if name]


def figures_of(organization_ids: list[int], year: int, on: dt.date) -> dict[int, dict]:
    result: dict[int, dict] = defaultdict(dict)
    for start in range(0, len(organization_ids), BATCH):
        for org_id, values in _batch(organization_ids[start:start + BATCH], year, on).items():
            result[org_id].update(values)
    return dict(result)


def _batch(ids: list[int], year: int, on: dt.date) -> dict[int, dict]:
    first_day = dt.date(year, 1, 1)
    found: dict[int, dict] = defaultdict(lambda: {"secretaries_vacant_at_start": 0, "secretaries_filled": 0,
                                                  "secretaries_trained_county": set(), "resident_cadres": set()})
    # 1. Secretaries on the roster: who held the post on 1 January, who took it during the year.
    held: set[int] = set()
    started: set[int] = set()
    for org_id, began, ended in (Cadre.objects.filter(organization_id__in=ids, post__in=SECRETARY_POSTS)
                                 .filter(Q(post_started_on__isnull=True) | Q(post_started_on__lte=on)).order_by()
                                 .values_list("organization_id", "post_started_on", "post_ended_on")):
        if (began is None or began <= first_day) and (ended is None or ended > first_day):
            held.add(org_id)
        elif began is not None and first_day < began <= on:
            started.add(org_id)
    for org_id in ids:
        if org_id not in held:
            found[org_id]["secretaries_vacant_at_start"] = 1
            found[org_id]["secretaries_filled"] = int(org_id in started)
    # 2. Secretaries who completed a training of the year kept by a county or above.
    for org_id, cadre_id, name in (TrainingAttendance.objects.filter(
            organization_id__in=ids, passed=True, event__held_on__year=year, event__held_on__lte=on,
            event__division__level__in=COUNTY_OR_ABOVE)
            .filter(Q(cadre__post__in=SECRETARY_POSTS) | Q(cadre__isnull=True, event__for_secretaries=True))
            .order_by().values_list("organization_id", "cadre_id", "name")):
        found[org_id]["secretaries_trained_county"].add(("cadre", cadre_id) if cadre_id else ("name", org_id, name))
    # 3. First secretaries stationed during the year and their work teams.
    for pk, org_id, members in (FirstSecretary.objects.filter(organization_id__in=ids, term_start__lte=on,
                                                              term_end__gte=first_day)
                                .filter(Q(recalled_on__isnull=True) | Q(recalled_on__gt=first_day)).order_by()
                                .values_list("pk", "organization_id", "team_members")):
        people = found[org_id]["resident_cadres"]
        people.add(("first_secretary", pk))
        people.update(("team_member", pk, name) for name in team_member_names(members))
    return dict(found)


SUMMARY_FIGURES = SummaryFigures("cadres", COLUMNS, figures_of, order=10)
