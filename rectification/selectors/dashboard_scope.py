"""The leader dashboard of a user's scope as the page and the API show it: the filters, the chosen county, and
where the figures come from (the precomputed summaries of ``selectors.dashboard_summary`` for users above county
level without filters, the live GROUP BYs of ``selectors.dashboard`` otherwise). Kept apart from
``selectors.dashboard`` so that the summaries, which are computed with its functions, import it one way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from organizations.models import Division
from organizations.roles import Level
from organizations.scoping import grants_for

from ..models import Designation, DesignationStatus
from .counting import current_round_years
from .dashboard import Dashboard, dashboard
from .dashboard_summary import summary_applies, summary_dashboard

# --- the page and the API: the filters, the chosen county ------------------------------------------------------

#: Filter values the dashboard takes (the DesignationFilter's own); the page passes them on to the ledger list.
PASSED_ON = ("round", "year", "category", "q")


@dataclass
class DashboardOfScope:
    """What the page and the API show: the dashboard and the filters it was computed with."""

    dashboard: Dashboard
    filterset: object  # the DesignationFilter (its form is the page's filter form)
    county: Division | None
    valid: bool
    #: The filter values applied (with the default year), to pass on to drill-down lists; empty when invalid.
    filters: dict[str, str]
    shown_statuses: list[tuple[str, str]]
    summary_divisions: list[Division]
    #: No round or year chosen: the current round of each county is counted (the counting rule), these years.
    current_round: bool = False
    round_years: list[int] = field(default_factory=list)
    #: Read from the precomputed figures (``selectors.dashboard_summary``): their oldest refresh time (None:
    #: counted live) and the counties counted live in this request (None: the live dashboard throughout).
    as_of: dt.datetime | None = None
    live_counties: list[int] | None = None


def dashboard_filters(params) -> dict[str, str]:
    """The dashboard's filter values from a query mapping (plain strings; empty values dropped)."""
    return {key: str(params.get(key)) for key in PASSED_ON if params.get(key)}


def dashboard_of_scope(user, *, filters: dict[str, str], county_id=None, today: dt.date) -> DashboardOfScope:
    """The dashboard of ``user``'s scope narrowed by ``filters`` (the ledger's) and, above county level, one
    county (``county_id``). What counts is the counting rule (``selectors.counting``): confirmed designations,
    not withdrawn; without a round or a year, those of the current round of each county (the page says so),
    so an organization listed again this year is counted once. Invalid filters (e.g. a foreign round or
    county) count nothing."""
    from ..filters.ledger import designation_filter_for

    data = {key: value for key, value in filters.items() if key in PASSED_ON and value}
    queryset = Designation.objects.visible_to(user)
    current_round = not data.get("round") and not data.get("year")
    data["counted"] = "current" if current_round else "confirmed"
    filterset = designation_filter_for(user, data, queryset)
    if current_round and "round" in filterset.form.fields:
        filterset.form.fields["round"].empty_label = _("Current round of each county")
    valid = not filterset.is_bound or filterset.is_valid()
    designations = filterset.qs if valid else queryset.none()
    county = None
    if county_id not in (None, ""):
        county = Division.objects.visible_to(user).filter(level=Level.COUNTY, pk=_int(county_id)).first()
        designations = designations.filter(county=county) if county is not None else designations.none()
        valid = valid and county is not None
    as_of, live_counties = None, None
    if current_round and valid and not set(data) - {"counted"} and summary_applies(user):
        summary = summary_dashboard(user, designations, today=today, county=county)
        result, years, as_of, live_counties = (summary.dashboard, summary.round_years, summary.as_of,
                                               summary.live_counties)
    else:
        result = dashboard(user, designations, today=today, county=county)
        years = current_round_years(designations) if current_round and valid else []
    shown = [(value, label) for value, label in DesignationStatus.choices if result.totals.by_status.get(value)]
    held = {division for _role, division, _level in grants_for(user).divisions}
    summary_divisions = [county] if county is not None else list(
        Division.objects.visible_to(user).filter(pk__in=held).order_by("code"))
    return DashboardOfScope(dashboard=result, filterset=filterset, county=county, valid=valid,
                            filters=data if valid else {}, shown_statuses=shown,
                            summary_divisions=summary_divisions, current_round=current_round, round_years=years,
                            as_of=as_of, live_counties=live_counties)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
