"""The county cadre dashboard: reserve shortfall, untrained secretaries, expiring first-secretary terms and
the "four ones" coverage of the weak organizations. Every figure is scoped to the user and links to the list
that shows exactly the rows it counts. Bounded: a fixed number of queries whatever the data size.

The reserve and training figures come from the reserve and training parts of the area
(``cadres.selectors.reserve.shortfall_totals``, ``cadres.selectors.training.untrained_summary``); a part
that is not installed is left out of the dashboard.

For users above the county (province and city reviewers, the superuser) the guarantee ledger, the reserve
shortfall and the "four ones" coverage — counted over every organization of the scope — come from the
counties' precomputed figures (``selectors.dashboard_summary``, live for a county whose figures may not be
shown), and the page says when they were refreshed; the first secretaries and the training figures are a
couple of indexed counts and stay live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import support
from .dashboard_summary import GUARANTEE, CadreSummary, cadre_summary
from .guarantee import ANY, KIND_LABELS, KINDS, default_year, ledger_rows, tally


@dataclass
class Figure:
    key: str
    label: str
    value: int
    url: str | None = None
    alert: bool = False
    help: str = ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "title": str(self.title), "note": str(self.note),
                "figures": [{"key": f.key, "label": str(f.label), "value": f.value, "url": f.url,
                             "alert": f.alert} for f in self.figures]}


def _url(name: str, params: dict | None = None) -> str | None:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


@dataclass
class CadreDashboard:
    sections: list[Section]
    #: Read from the counties' precomputed figures: their oldest refresh time (None: counted live).
    as_of: dt.datetime | None = None
    #: The counties counted live in this request (None: the live dashboard throughout).
    live_counties: list[int] | None = None


def _reserve_section(user, summary: CadreSummary | None) -> Section | None:
    try:
        from .reserve import shortfall_totals
    except ImportError:
        return None
    totals = summary.reserve if summary is not None else shortfall_totals(user)
    return Section("reserve", _("Reserve cadres"), [
        Figure("reserve_short", _("Villages below the minimum of reserve cadres"), int(totals.get("short", 0)),
               _url("cadres:reserve-shortfall", {"flag": "short"}), alert=bool(totals.get("short"))),
        Figure("reserve_missing", _("Reserve cadres needed to reach the minimum"), int(totals.get("missing", 0))),
        Figure("reserve_no_student", _("Villages without a university-student village official in the pool"),
               int(totals.get("no_student", 0)), _url("cadres:reserve-shortfall", {"flag": "no_student"})),
    ])


def _training_section(user, year: int) -> Section | None:
    try:
        from .training import untrained_summary
    except ImportError:
        return None
    totals = untrained_summary(user, year)["totals"]
    return Section("training", _("Training of village Party secretaries"), [
        Figure("untrained", _("Secretaries not yet trained this year"), int(totals.get("untrained", 0)),
               _url("cadres:training-untrained", {"year": year}), alert=bool(totals.get("untrained"))),
        Figure("secretaries", _("Village Party secretaries"), int(totals.get("secretaries", 0))),
    ], note=str(year))


def dashboard_panel(user, county=None, *, today: dt.date | None = None,
                    summary: CadreSummary | None = None) -> dict | None:
    """The guarantee figures of the leader and cadre dashboards (``county``: the county the leader dashboard
    shows, or None for the whole scope); None when the scope holds no organization of the ledger. Above the
    county they are the counties' totals kept in the dashboard summaries (``summary`` when the caller read
    them already)."""
    today = today or timezone.localdate()
    if summary is None:
        summary = cadre_summary(user, today=today, county=county, parts=(GUARANTEE,))
    if summary is not None:
        year, total = summary.guarantee_year, summary.guarantee
    else:
        year = default_year(user, today)
        total, _townships = tally(ledger_rows(user, year=year, county=county, on=today))
    if not total.organizations:
        return None
    base = f"{reverse('cadres:guarantee-list')}?year={year}" + (f"&county={county.pk}" if county else "")
    return {"guarantee": {"year": year, "total": total, "url": base, "short_url": f"{base}&flag={ANY}",
                          "kinds": [(kind, KIND_LABELS[kind], total.by_kind[kind], f"{base}&flag={kind}")
                                    for kind in KINDS]}}


def _guarantee_section(user, today: dt.date, summary: CadreSummary | None) -> Section | None:
    panel = dashboard_panel(user, today=today, summary=summary)
    if panel is None:
        return None
    data = panel["guarantee"]
    return Section("guarantee", _("Guarantee ledger"), [
        Figure("guarantee_short", _("Organizations with a shortfall"), data["total"].short, data["short_url"],
               alert=bool(data["total"].short)),
        *(Figure(f"guarantee_{kind}", label, n, url, alert=bool(n)) for kind, label, n, url in data["kinds"]),
    ], note=str(data["year"]))


def cadre_dashboard(user, *, today: dt.date) -> CadreDashboard:
    summary = cadre_summary(user, today=today)
    sections = []
    reserve = _reserve_section(user, summary)
    if reserve is not None:
        sections.append(reserve)
    training = _training_section(user, today.year)
    if training is not None:
        sections.append(training)
    guarantee = _guarantee_section(user, today, summary)
    if guarantee is not None:
        sections.append(guarantee)
    secretaries = support.first_secretaries(user)
    expiring = secretaries.filter(support.expiring_q(today)).count()
    serving = secretaries.filter(support.serving_q(today)).count()
    sections.append(Section("first_secretaries", _("First secretaries"), [
        Figure("expiring", _("Terms ending within 60 days"), expiring,
               _url("cadres:first-secretaries", {"state": "", "expiring": support.EXPIRING_DAYS}),
               alert=bool(expiring)),
        Figure("serving", _("Serving first secretaries"), serving,
               _url("cadres:first-secretaries", {"state": support.SERVING})),
    ]))
    coverage = summary.coverage if summary is not None else support.coverage_counts(user, today)
    coverage_url = "cadres:coverage"
    sections.append(Section("coverage", _("\"Four ones\" of the weak organizations (current round)"), [
        Figure("weak", _("Weak and lax organizations"), coverage["total"], _url(coverage_url)),
        Figure("no_first_secretary", _("Without a first secretary"), coverage["first_secretary"],
               _url(coverage_url, {"missing": support.MISSING_FIRST_SECRETARY}),
               alert=bool(coverage["first_secretary"])),
        Figure("no_contact_leader", _("Without a county contact leader"), coverage["contact_leader"],
               _url(coverage_url, {"missing": support.MISSING_CONTACT_LEADER}),
               alert=bool(coverage["contact_leader"])),
        Figure("no_helping_unit", _("Without a paired helping unit"), coverage["helping_unit"],
               _url(coverage_url, {"missing": support.MISSING_HELPING_UNIT}),
               alert=bool(coverage["helping_unit"])),
    ]))
    return CadreDashboard(sections=sections, as_of=summary.as_of if summary is not None else None,
                          live_counties=summary.live_counties if summary is not None else None)
