"""What the ledger puts on a person's to-do list (home page), each count from the page it links to.

One counting rule: every number is the row count of the linked page computed by that page's own rules (the
ledger filter's conditions — status, ``has_overdue_task`` — in one aggregate, the reports page's
``report_rows``, the visits page's ``visits_against_policy``), so the home page and the page it opens cannot
disagree (tests/test_navigation.py compares them for every role). A fixed number of queries: ledger 1,
reports 4, visits 3.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from organizations.navigation import CONTACT, COUNTY, TOWNSHIP, VILLAGE
from organizations.permissions import roles_allowed
from organizations.registry import TodoItem
from organizations.scoping import grants_for

from ..models import Designation, DesignationStatus
from .ledger import has_overdue_task
from .progress import visits_against_policy
from .report_list import to_submit_counts

#: ``(key, label, ledger filter, roles, urgent)``: the ledger rows a role has to act on.
LEDGER_ITEMS = (
    ("plans_to_approve", _("Plans awaiting your approval"), {"status": DesignationStatus.PLAN_REVIEW}, COUNTY, False),
    ("proposals", _("Proposals awaiting confirmation"), {"status": DesignationStatus.PROPOSED}, COUNTY, False),
    ("plans_to_write", _("Plans to write (designated, no plan submitted)"), {"status": DesignationStatus.DESIGNATED},
     TOWNSHIP, False),
    ("overdue", _("Organizations with overdue tasks"), {"overdue": "true"}, COUNTY | TOWNSHIP | VILLAGE, True),
)


def _ledger_condition(params: dict) -> Q:
    """The ledger filter's condition for ``params`` (``DesignationFilter``: ``status`` is the status,
    ``overdue`` the ``has_overdue_task`` rule of ``selectors.ledger``)."""
    if "overdue" in params:
        return Q(has_overdue=True)
    return Q(status=params["status"])


def ledger_counts(user, items) -> dict[str, int]:
    """The ledger page's row count for each item's filter, in one query over the user's visible designations
    (the conditions the ledger's ``DesignationFilter`` applies; tests compare both)."""
    if not items:
        return {}
    queryset = Designation.objects.visible_to(user)
    if any("overdue" in params for _key, _label, params, _who, _urgent in items):
        queryset = queryset.annotate(has_overdue=has_overdue_task())
    return queryset.aggregate(**{key: Count("pk", filter=_ledger_condition(params))
                                 for key, _label, params, _who, _urgent in items})


def ledger_link(params: dict) -> str:
    return reverse("rectification:ledger") + "?" + urlencode(params)


def todo_items(user, today: dt.date) -> list[TodoItem]:
    roles = grants_for(user).roles()
    everything = user.is_superuser
    items: list[TodoItem] = []
    mine = [row for row in LEDGER_ITEMS if everything or roles & row[3]]
    counts = ledger_counts(user, mine)
    for key, label, params, _who, urgent in mine:
        items.append(TodoItem(key, label, counts[key], ledger_link(params), urgent=urgent))
    if everything or roles & roles_allowed("report", "submit"):
        due, missing = to_submit_counts(user, today=today)
        reports = reverse("rectification:reports")
        items.append(TodoItem("reports_to_submit", _("Bimonthly reports to submit (period ended)"), due,
                              f"{reports}?flag=to_submit"))
        items.append(TodoItem("reports_missing", _("Bimonthly reports missing (past due)"), missing,
                              f"{reports}?flag=missing", urgent=True))
    if everything or roles & (COUNTY | TOWNSHIP | CONTACT):
        short = sum(1 for row in visits_against_policy(user, today=today) if row.short)
        label = _("My villages short of visits this month") if roles & CONTACT and not roles & (COUNTY | TOWNSHIP) \
            else _("Villages short of contact-leader visits this month")
        items.append(TodoItem("visits_short", label, short, reverse("rectification:visits") + "?short=true#tally"))
    return items
