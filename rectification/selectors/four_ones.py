"""The "four ones" (四个一) of the organizations the ledger shows, read through the kernel's provider
(``organizations.registry.four_ones``; cadres keeps the records and provides them).

* county contact leader(s), first secretary (dispatching unit), paired helping unit(s): the provider's, on a
  date (today by default); rectification never writes them;
* the township leader assigned to the village (乡镇领导包村): the plan's own field ``township_leader`` (there is
  no cadres record of it).

``four_ones_missing(plan)`` is what a plan-submission gate checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.registry import FOUR_ONES_KINDS, FourOnes, four_ones

#: Every part of the "four ones", in the order the ledger prints them.
FOUR_ONES_PARTS = ("contact_leader", "township_leader", "first_secretary", "helping_unit")
FOUR_ONES_LABELS = {
    "contact_leader": _("County contact leader"),
    "township_leader": _("Township leader assigned"),
    "first_secretary": _("First secretary (dispatching unit)"),
    "helping_unit": _("Paired helping unit"),
}


def four_ones_by_organization(organization_ids: Iterable[int], on: dt.date | None = None) -> dict[int, FourOnes]:
    """Bulk: the provider's fixed number of queries for any number of organizations."""
    return four_ones(organization_ids, on or timezone.localdate())


def four_ones_of_organization(organization_id: int, on: dt.date | None = None) -> FourOnes:
    return four_ones_by_organization([organization_id], on)[organization_id]


def four_ones_missing(plan, *, on: dt.date | None = None, found: FourOnes | None = None) -> list[str]:
    """The parts of the "four ones" (keys of ``FOUR_ONES_LABELS``, in its order) the plan's organization
    lacks on ``on``: the contact leader, first secretary and helping unit from the cadres records, the
    township leader from the plan. Pass ``found`` when the organization's four ones are already read."""
    found = found if found is not None else four_ones_of_organization(plan.organization_id, on)
    missing = set(found.missing())
    if not (plan.township_leader or "").strip():
        missing.add("township_leader")
    return [part for part in FOUR_ONES_PARTS if part in missing]


def four_ones_missing_labels(plan, *, on: dt.date | None = None) -> list[str]:
    """``four_ones_missing`` as the translated labels a refusal shows."""
    return [str(FOUR_ONES_LABELS[part]) for part in four_ones_missing(plan, on=on)]


assert set(FOUR_ONES_KINDS) < set(FOUR_ONES_PARTS)
