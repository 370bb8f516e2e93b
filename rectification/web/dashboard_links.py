"""The leader dashboard's drill-down links (page and API): each number links to the list it counts.

The selector (``selectors.dashboard_scope.dashboard_of_scope``) computes the numbers and the filter values used;
the links are built here, from those values: a county row opens the dashboard of its townships, a township's
numbers open the ledger list of exactly those rows, an organization row its designation and plan.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from ..selectors.dashboard import COUNTY, STATUSES, TOWNSHIP
from ..selectors.dashboard_scope import DashboardOfScope


def ledger_url(params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("rectification:ledger") + (f"?{query}" if query else "")


def reports_url(params: dict) -> str:
    """The reports page (双月报告) narrowed like the dashboard: its own filters and the ledger's counting rule."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("rectification:reports") + f"?{query}"


def _links(base: dict, extra: dict) -> dict[str, str]:
    links = {"total": ledger_url({**base, **extra})}
    for status in STATUSES:
        links[f"status:{status}"] = ledger_url({**base, **extra, "status": status})
    links["overdue"] = ledger_url({**base, **extra, "overdue": "true"})
    for flag in ("missing", "late"):
        links[f"reports_{flag}"] = reports_url({**base, **extra, "flag": flag})
    links["visits"] = reverse("rectification:visits") + "?" + urlencode(
        {"short": "true", **({"township": extra["township"]} if "township" in extra else {})})
    return links


def add_links(view: DashboardOfScope) -> DashboardOfScope:
    """Set ``links`` (and the page's ``status_cells``) on the totals and every row; none when the filters
    were invalid (nothing is counted then)."""
    result, base = view.dashboard, view.filters
    if view.county is None and view.valid:
        result.totals.links = _links(base, {})
    for row in result.rows:
        if row.key is None or not view.valid:
            continue
        if row.level == COUNTY:
            row.links = {"dashboard": reverse("rectification:dashboard") + "?" + urlencode({**base, "county": row.key})}
        elif row.level == TOWNSHIP:
            row.links = _links(base, {"township": row.key})
        elif row.designation_id:
            row.links = {"designation": reverse("rectification:designation", args=[row.designation_id])}
            if row.plan_id:
                row.links["plan"] = reverse("rectification:plan", args=[row.plan_id])
    for target in [result.totals, *result.rows]:
        target.status_cells = [(value, label, target.by_status.get(value, 0), target.links.get(f"status:{value}"))
                               for value, label in view.shown_statuses]
    return view
