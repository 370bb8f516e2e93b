"""The cadre dashboard's province-scale figures from the per-county dashboard summaries (issue 13 item 1).

Three panels of the cadre dashboard are counted over every organization of the scope: the guarantee ledger
(per organization, in Python: ``selectors.guarantee``), the reserve-pool shortfall (every village with its pool
counted) and the "four ones" coverage of the weak organizations. For users above the county (``summary_applies``:
province and city reviewers, the superuser) they are read from the rows of rectification's ``DashboardSummary``:
this app adds its figures to each county's row (``county_figures``, registered with
``rectification.services.dashboard_summary.register_county_figures`` in ``apps.py``), computed in the county's
refresh with the live selectors over the whole county, and the writes to the records they count mark the county
stale (``STALE_ON``). A county whose figures may not be shown (stale past the policy
``dashboard_summary_max_age_minutes``, computed for another day, never refreshed) is counted live in the request
with the same selectors, restricted to those counties, and added in. County and township users keep the live
figures (one county is a few milliseconds).

Every figure is a sum over organizations, each in one county, so the scope's figure is the sum of its counties'.
The guarantee ledger's year is the scope's (``guarantee.default_year``: the latest year of the current rounds of
the user's counties), so each county keeps its current round's year and its tallies of that year and of any later
year with designations or ledgers (the scope's year is never earlier than a county's own); a county with no
current round keeps every year it has. A year a county does not keep counts nothing there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from organizations.models import Division
from rectification.models import Designation
from rectification.selectors.counting import NOT_COUNTED, current_year
from rectification.selectors.dashboard_summary import county_summaries, summary_applies

from ..models import GuaranteeLedger
from . import guarantee, reserve, support

#: The name of this app's figures in the county rows of the dashboard summaries.
NAME = "cadres"
GUARANTEE, RESERVE, COVERAGE = "guarantee", "reserve", "coverage"
PARTS = (GUARANTEE, RESERVE, COVERAGE)



def stale_on() -> tuple:
    """The records the figures count, whose writes mark their county stale (the designations, rounds and
    policies already do): the guarantee ledger, the reserve pool, the "four ones" (a first secretary's other
    villages too), and the organizations themselves (category, population, active: the pool, the subsidy due)."""
    from organizations.models import Organization

    from ..models import Disbursement, FirstSecretary, Pairing, PresenceMonth, ReserveCadre

    return (GuaranteeLedger, Disbursement, PresenceMonth, FirstSecretary, FirstSecretary.other_villages.through,
            ReserveCadre, Pairing, Organization)


# --- computed per county by the refresh ----------------------------------------------------------------------


def county_figures(county_id: int, *, today: dt.date) -> dict:
    """The county's figures for ``today`` over every row of the county (no user scope), as the summary keeps
    them: ``{"guarantee": {"current_year", "years": {year: Tally.as_dict()}}, "reserve": totals, "coverage":
    counts}``."""
    from rectification.services.dashboard_summary import SystemReader

    reader = SystemReader()
    return {GUARANTEE: _guarantee_years(reader, county_id, today=today),
            RESERVE: reserve.shortfall_totals(reader, county=county_id),
            COVERAGE: support.coverage_counts(reader, today, counties=[county_id])}


def _guarantee_years(reader, county_id: int, *, today: dt.date) -> dict:
    own = current_year(Designation.objects.filter(county_id=county_id), today=today, default=None)
    years = set(Designation.objects.filter(organization__county_id=county_id).exclude(status__in=NOT_COUNTED)
                .order_by().values_list("round__year", flat=True).distinct())
    years |= set(GuaranteeLedger.objects.filter(organization__county_id=county_id).order_by()
                 .values_list("year", flat=True).distinct())
    tallies = {}
    for year in sorted(y for y in years if own is None or y >= own):
        total, _townships = guarantee.tally(guarantee.ledger_rows(reader, year=year, counties=[county_id], on=today))
        if total.organizations:
            tallies[str(year)] = total.as_dict()
    return {"current_year": own, "years": tallies}


# --- read for a user -------------------------------------------------------------------------------------------


@dataclass
class CadreSummary:
    """The summed figures of the user's counties (or of one of them)."""

    #: The oldest refresh time of the county figures used (None: every county counted live).
    as_of: dt.datetime | None
    #: The counties counted live in this request.
    live_counties: list[int]
    guarantee_year: int | None = None
    guarantee: guarantee.Tally | None = None
    reserve: dict = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)


def cadre_summary(user, *, today: dt.date, county: Division | None = None,
                  parts: tuple[str, ...] = PARTS) -> CadreSummary | None:
    """The cadre dashboard's ``parts`` for ``user`` (of ``county`` only, when given: a county the caller looked
    up in the user's scope) from the summaries where they may be shown, live for the other counties; None when
    the user is not one whose figures come from the summaries (the caller counts live)."""
    if not summary_applies(user):
        return None
    # The whole scope (its counties' current years make the guarantee ledger's year), then the counted ones.
    found = county_summaries(user, name=NAME, today=today)
    used = {pk: figures for pk, figures in found.figures.items() if county is None or pk == county.pk}
    live = [pk for pk in found.live if county is None or pk == county.pk]
    # The live selectors take a list of counties, or none when the whole scope is live (no long IN list).
    live_filter = None if found.all_live and county is None else live
    # Counted live: the live counties, or the selectors' zeros when there is no county at all.
    count_live = bool(live) or not used
    result = CadreSummary(as_of=min((found.refreshed[pk] for pk in used), default=None), live_counties=live)
    if GUARANTEE in parts:
        result.guarantee_year, result.guarantee = _guarantee(user, found, used, count_live, live_filter,
                                                             today=today)
    if RESERVE in parts:
        result.reserve = _summed([figures[RESERVE] for figures in used.values()],
                                 reserve.shortfall_totals(user, counties=live_filter) if count_live else None)
    if COVERAGE in parts:
        result.coverage = _summed([figures[COVERAGE] for figures in used.values()],
                                  support.coverage_counts(user, today, counties=live_filter) if count_live else None)
    return result


def _guarantee(user, found, used: dict, count_live: bool, live_filter, *, today: dt.date):
    years = {figures[GUARANTEE]["current_year"] for figures in found.figures.values()}
    if found.live:
        designations = Designation.objects.visible_to(user)
        if not found.all_live:
            designations = designations.filter(county_id__in=found.live)
        years.add(current_year(designations, today=today, default=None))
    year = max((y for y in years if y is not None), default=today.year)
    total = guarantee.Tally()
    for figures in used.values():
        counted = figures[GUARANTEE]["years"].get(str(year))
        if counted:
            total.add_totals(counted)
    if count_live:
        live_total, _townships = guarantee.tally(guarantee.ledger_rows(user, year=year, counties=live_filter,
                                                                        on=today))
        total.add_totals(live_total.as_dict())
    return year, total


def _summed(counts: list[dict], live: dict | None) -> dict:
    total: dict = {}
    for values in [*counts, *([live] if live is not None else [])]:
        for key, value in values.items():
            total[key] = total.get(key, 0) + value
    return total
