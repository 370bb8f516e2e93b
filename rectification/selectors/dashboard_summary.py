"""The leader dashboard read from its precomputed figures (``models.dashboard_summary``) for users above the
county: one indexed query for the counties' (or one county's townships') figures instead of a dozen GROUP BYs
over the province's ledger.

Who: users whose scope is whole counties seen from above — province or city grants (county grants besides
allowed), no township, village or object grants, or the superuser — and only for the dashboard without
filters (the current round of each county). Everyone else, and any filter, reads the live dashboard: a
county's and a township's are already a few milliseconds (measured, see README's Benchmarks).

Freshness: a county's figures are used when computed for today and not stale (written to since the refresh)
for longer than its policy ``dashboard_summary_max_age_minutes``; any other county in scope — stale, never
refreshed, computed yesterday — is counted live in the same request, with the live selectors, and merged.
The page shows the oldest refresh time used ("数据更新于 …").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from organizations.models import Division
from organizations.policies import PolicyBook
from organizations.roles import Level
from organizations.scoping import grants_for

from ..models.dashboard_summary import CURRENT, FIGURE_SET, DashboardSummary, SummaryLevel
from .dashboard import (
    COUNTY,
    TOWNSHIP,
    Dashboard,
    DashboardRow,
    chart_of_series,
    chart_series,
    dashboard_figures,
    dashboard_of_rows,
)

MAX_AGE_KEY = "dashboard_summary_max_age_minutes"
ABOVE_COUNTY = frozenset({Level.PROVINCE, Level.CITY})


def summary_applies(user) -> bool:
    """Whether ``user``'s dashboard may be read from the summaries: a scope of whole counties seen from a
    province or city grant."""
    if user.is_superuser:
        return True
    grants = grants_for(user)
    if grants.organizations:
        return False
    levels = {level for _role, _division, level in grants.divisions}
    return bool(levels & ABOVE_COUNTY) and levels <= ABOVE_COUNTY | {Level.COUNTY}


@dataclass
class SummaryDashboard:
    dashboard: Dashboard
    round_years: list[int]
    #: The oldest refresh time of the figures used (None: every county was counted live).
    as_of: dt.datetime | None
    live_counties: list[int]


def summary_dashboard(user, designations, *, today: dt.date, county: Division | None = None) -> SummaryDashboard:
    """The dashboard of ``designations`` (the user's counted current-round designations, unfiltered) per county,
    or per township of ``county``, from the summaries where fresh, live elsewhere."""
    level = COUNTY if county is None else TOWNSHIP
    counties = Division.objects.visible_to(user).filter(level=Level.COUNTY)
    if county is not None:
        counties = counties.filter(pk=county.pk)
    chains = {pk: (province, city, pk) for pk, province, city in counties.values_list("pk", "province_id", "city_id")}
    summaries = DashboardSummary.objects.visible_to(user).filter(
        figure_set=FIGURE_SET, counted=CURRENT, computed_for=today, county_id__in=list(chains))
    summaries = summaries.filter(level=SummaryLevel.COUNTY) if county is None else summaries
    found = list(summaries.order_by().values_list("level", "county_id", "township_id", "figures", "refreshed_at",
                                                  "stale_since"))
    fresh = _fresh_counties([(county_id, refreshed_at, stale_since) for row_level, county_id, _t, _f, refreshed_at,
                             stale_since in found if row_level == SummaryLevel.COUNTY], chains)
    rows: dict[int | None, DashboardRow] = {}
    charts, years = [], set()
    for row_level, county_id, township_id, figures, _refreshed, _stale in found:
        if county_id not in fresh or (county is not None) != (row_level == SummaryLevel.TOWNSHIP):
            continue
        key = county_id if county is None else township_id
        rows[key] = _row(key, level, figures)
        if figures.get("chart"):
            charts.append(figures["chart"])
        years.update(figures.get("round_years", ()))
    live = sorted(pk for pk in chains if pk not in fresh)
    if live:
        # Every county live (none refreshed for today): the designations as they are, without a long IN list.
        live_designations = designations if len(live) == len(chains) else designations.filter(county_id__in=live)
        for key, row in dashboard_figures(user, live_designations, today=today, level=level).items():
            rows[key] = row
        charts.extend(chart_series(live_designations, today=today).values())
        # Already counted (the current round of each county): their rounds' years, without counting again.
        years.update(live_designations.order_by().values_list("round__year", flat=True).distinct())
    result = dashboard_of_rows(user, rows, level=level, county=county, designations=designations, today=today,
                               chart=chart_of_series(charts, today=today))
    return SummaryDashboard(dashboard=result, round_years=sorted(years),
                            as_of=min(fresh.values()) if fresh else None, live_counties=live)


def _fresh_counties(rows, chains: dict[int, tuple]) -> dict[int, dt.datetime]:
    """Of the county rows ``(county id, refreshed_at, stale_since)`` computed for today, those whose figures
    may be shown (not stale for longer than the county's policy ``dashboard_summary_max_age_minutes``), with
    their refresh time. The policies are read (one query) only when a row is stale."""
    now = timezone.now()
    book = PolicyBook([MAX_AGE_KEY]) if any(stale_since for _c, _r, stale_since in rows) else None
    fresh: dict[int, dt.datetime] = {}
    for county_id, refreshed_at, stale_since in rows:
        if stale_since is not None and now - stale_since > dt.timedelta(
                minutes=int(book.for_chain(chains[county_id])[MAX_AGE_KEY])):
            continue
        fresh[county_id] = refreshed_at
    return fresh


@dataclass
class CountySummaries:
    """An upper app's figures (``services.dashboard_summary.register_county_figures``) of the counties in a
    user's scope."""

    #: County id -> its figures, for the counties whose figures may be shown.
    figures: dict[int, dict]
    #: County id -> the refresh time of its figures (the same counties).
    refreshed: dict[int, dt.datetime]
    #: The counties in scope to count live (stale past the policy, computed for another day, never refreshed,
    #: or refreshed before the app's figures were added), in id order.
    live: list[int]
    #: Every county in scope is to be counted live (the live selectors need no county list then).
    all_live: bool


def county_summaries(user, *, name: str, today: dt.date, county: Division | None = None) -> CountySummaries:
    """The figures ``name`` of the county rows of ``user``'s counties (or of ``county`` alone, which the caller
    looked up in the user's scope) that may be shown today, by the leader dashboard's freshness rule; the
    other counties are the caller's to count live. Two queries (three when a county is stale); only the
    ``name`` part of each row's figures is read."""
    counties = Division.objects.visible_to(user).filter(level=Level.COUNTY)
    if county is not None:
        counties = counties.filter(pk=county.pk)
    chains = {pk: (province, city, pk) for pk, province, city in counties.values_list("pk", "province_id", "city_id")}
    found = list(DashboardSummary.objects.visible_to(user).filter(
        figure_set=FIGURE_SET, counted=CURRENT, level=SummaryLevel.COUNTY, computed_for=today,
        county_id__in=list(chains), figures__has_key=name).order_by().values_list(
        "county_id", f"figures__{name}", "refreshed_at", "stale_since"))
    fresh = _fresh_counties([(county_id, refreshed_at, stale_since) for county_id, _f, refreshed_at, stale_since
                             in found], chains)
    figures = {county_id: values for county_id, values, _r, _s in found if county_id in fresh}
    live = sorted(pk for pk in chains if pk not in fresh)
    return CountySummaries(figures=figures, refreshed=fresh, live=live, all_live=len(live) == len(chains))


def _row(key, level: str, figures: dict) -> DashboardRow:
    numbers = {name: figures.get(name, 0) for name in (
        "total", "overdue_organizations", "overdue_tasks", "reports_late", "reports_missing", "visits_done",
        "visits_required", "plans_short_of_visits")}
    return DashboardRow(key=key, name="", level=level,
                        by_status={status: n for status, n in figures.get("by_status", {}).items() if n}, **numbers)
