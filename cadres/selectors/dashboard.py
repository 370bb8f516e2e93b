"""The county cadre dashboard: reserve shortfall, untrained secretaries, expiring first-secretary terms and
the "four ones" coverage of the weak organizations. Every figure is scoped to the user and links to the list
that shows exactly the rows it counts. Bounded: a fixed number of queries whatever the data size.

The reserve and training figures come from the reserve and training parts of the area
(``cadres.selectors.reserve.shortfall_totals``, ``cadres.selectors.training.untrained_summary``); a part
that is not installed is left out of the dashboard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import support


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


def _reserve_section(user) -> Section | None:
    try:
        from .reserve import shortfall_totals
    except ImportError:
        return None
    totals = shortfall_totals(user)
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


def _guarantee_section(user, today: dt.date) -> Section | None:
    from .guarantee import dashboard_panel

    panel = dashboard_panel(user, today=today)
    if panel is None:
        return None
    data = panel["guarantee"]
    return Section("guarantee", _("Guarantee ledger"), [
        Figure("guarantee_short", _("Organizations with a shortfall"), data["total"].short, data["short_url"],
               alert=bool(data["total"].short)),
        *(Figure(f"guarantee_{kind}", label, n, url, alert=bool(n)) for kind, label, n, url in data["kinds"]),
    ], note=str(data["year"]))


def cadre_dashboard(user, *, today: dt.date) -> list[Section]:
    sections = []
    reserve = _reserve_section(user)
    if reserve is not None:
        sections.append(reserve)
    training = _training_section(user, today.year)
    if training is not None:
        sections.append(training)
    guarantee = _guarantee_section(user, today)
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
    coverage = support.coverage_counts(user, today)
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
    return sections
