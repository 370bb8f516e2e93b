"""The "four ones" (四个一) of weak organizations as the cadres records keep them: the one truth the ledger,
its export, the disclosure board, the plan page, the coverage page and the dashboard read.

* first secretary: the first secretaries serving on the date (not recalled, term running) stationed in the
  organization, or serving it as one of their ``other_villages``;
* county contact leader(s) and paired helping unit(s): the running pairings (started, not ended) on the date.

The township leader assigned to the village (乡镇领导包村) has no cadres record: it is written in the plan.

Registered as the kernel's provider (``organizations.registry.register_four_ones_provider``) in
``CadresConfig.ready()``. Two queries whatever the number of organizations (the first secretaries in one
UNION of the stationed and the neighbouring ones; the pairings with their leader or unit). Not scoped to a
user: callers ask for organizations they already show (a plan, the rows of an export, a published board),
and the answer holds names and posts only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import IntegerField, Q, Value

from organizations.idlists import in_ids
from organizations.registry import FourOnes, FourOnesPerson

from ..models import FirstSecretary, Pairing

#: Ids per query: well below SQLite's limit of bound variables (the UNION binds the list twice).
BATCH = 5000


def serving_q(today: dt.date, prefix: str = "") -> Q:
    """First secretaries in office on ``today``: term running, not recalled by then (a recall takes effect on
    its day). On a past day (a plan's gate under the demo's clock) the recall that came later does not count."""
    return Q(**{f"{prefix}term_start__lte": today, f"{prefix}term_end__gte": today}) & (
        Q(**{f"{prefix}recalled_on__isnull": True}) | Q(**{f"{prefix}recalled_on__gt": today}))


def running_q(today: dt.date, prefix: str = "") -> Q:
    """Pairings running on ``today``: started, not ended by then (the end date is the first day without it)."""
    return Q(**{f"{prefix}started_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": today}))


def four_ones_of(organization_ids: list[int], on: dt.date) -> dict[int, FourOnes]:
    result: dict[int, FourOnes] = {}
    for start in range(0, len(organization_ids), BATCH):
        result.update(_batch(organization_ids[start:start + BATCH], on))
    return result


def _batch(ids: list[int], on: dt.date) -> dict[int, FourOnes]:
    fields = ("pk", "name", "dispatching_unit", "term_start")
    serving = FirstSecretary.objects.filter(serving_q(on)).order_by()
    # (organization, 0 stationed there / 1 serving it from a neighbouring village, ...): the stationed first.
    stationed = serving.filter(in_ids("organization_id", ids)).annotate(
        place=Value(0, output_field=IntegerField())).values_list("organization_id", "place", *fields)
    neighbouring = serving.filter(in_ids("other_villages", ids)).annotate(
        place=Value(1, output_field=IntegerField())).values_list("other_villages", "place", *fields)
    secretaries: dict[int, list] = defaultdict(list)
    for org_id, _place, pk, name, unit, _start in sorted(stationed.union(neighbouring, all=True),
                                                         key=lambda r: (r[0], r[1], r[5], r[2])):
        if all(person.key != pk for person in secretaries[org_id]):
            secretaries[org_id].append(FourOnesPerson("first_secretary", pk, name, unit,
                                                      "cadres:first-secretary", (pk,)))
    leaders: dict[int, list] = defaultdict(list)
    units: dict[int, list] = defaultdict(list)
    for org_id, leader_id, leader_name, post, unit_id, unit_name in (
            Pairing.objects.filter(running_q(on), in_ids("organization_id", ids)).order_by("organization_id", "started_on",
                                                                                   "pk")
            .values_list("organization_id", "contact_leader_id", "contact_leader__name", "contact_leader__post",
                         "helping_unit_id", "helping_unit__name")):
        if leader_id is not None and all(p.key != leader_id for p in leaders[org_id]):
            leaders[org_id].append(FourOnesPerson("contact_leader", leader_id, leader_name, post,
                                                  "cadres:contact-leader", (leader_id,)))
        if unit_id is not None and all(p.key != unit_id for p in units[org_id]):
            units[org_id].append(FourOnesPerson("helping_unit", unit_id, unit_name, "",
                                                "cadres:helping-unit", (unit_id,)))
    return {org_id: FourOnes(first_secretaries=tuple(secretaries.get(org_id, ())),
                             contact_leaders=tuple(leaders.get(org_id, ())),
                             helping_units=tuple(units.get(org_id, ())))
            for org_id in set(secretaries) | set(leaders) | set(units)}
