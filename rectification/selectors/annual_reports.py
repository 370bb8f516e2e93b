"""Reads of the annual reports: for a division and a year, its own report and the state of each child
division's (未报送 when a child has none), in the user's scope; what the user may do on one report."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from organizations.filters.base import year_or_none
from organizations.models import Division
from organizations.roles import LEVEL_ORDER
from organizations.scoping import grants_for

from ..models import AnnualReport, AnnualReportStatus
from ..services.annual_reports import FIRST_YEAR, REPORTING_LEVELS, may_draft, may_review

#: How many years the year select of the list offers.
YEARS_OFFERED = 6


@dataclass
class ChildRow:
    division: Division
    report: AnnualReport | None


@dataclass
class AnnualReportOverview:
    division: Division | None
    year: int
    years: list[int]
    own: AnnualReport | None = None
    may_draft_own: bool = False
    children: list[ChildRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def default_division(user) -> Division | None:
    """The widest division the user holds a role on (None for object assignments only)."""
    grants = grants_for(user)
    if user.is_superuser and not grants.divisions:
        return Division.objects.filter(level=LEVEL_ORDER[0]).order_by("code").first()
    if not grants.divisions:
        return None
    _role, division_id, _level = min(grants.divisions, key=lambda g: (LEVEL_ORDER.index(g[2]), g[1]))
    return Division.objects.filter(pk=division_id).first()


def parse_year(value, today=None) -> int:
    """The year asked for (``?year=``), today's year when it is missing or not a year of the range."""
    this_year = (today or timezone.localdate()).year
    year = year_or_none(str(value or "").strip())
    return year if year is not None and FIRST_YEAR <= year <= this_year else this_year


def overview(user, division: Division | None, year: int) -> AnnualReportOverview:
    """``division`` must already be in the user's scope (or None: nothing to show)."""
    this_year = timezone.localdate().year
    years = list(range(this_year, max(FIRST_YEAR, this_year - YEARS_OFFERED + 1) - 1, -1))
    result = AnnualReportOverview(division=division, year=year, years=years)
    if division is None:
        return result
    reports = AnnualReport.objects.visible_to(user).filter(year=year).select_related("division")
    if division.level in REPORTING_LEVELS:
        result.own = reports.filter(division=division).first()
        result.may_draft_own = may_draft(user, division) and (result.own is None or result.own.is_editable)
    level = LEVEL_ORDER.index(division.level)
    child_level = LEVEL_ORDER[level + 1] if level + 1 < len(LEVEL_ORDER) else None
    if child_level in REPORTING_LEVELS:
        children = list(Division.objects.visible_to(user).filter(parent=division, level=child_level)
                        .order_by("code"))
        by_division = {r.division_id: r for r in reports.filter(division__in=[c.pk for c in children])}
        result.children = [ChildRow(child, by_division.get(child.pk)) for child in children]
        counts = {status: 0 for status in AnnualReportStatus.values}
        counts["missing"] = 0
        for row in result.children:
            counts[row.report.status if row.report else "missing"] += 1
        result.counts = counts
    return result


def actions_on(user, report: AnnualReport) -> dict[str, bool]:
    """What ``user`` may do on ``report`` now (the services check it again)."""
    drafter = may_draft(user, report.division)
    reviewer = may_review(user, report.division)
    return {"edit": drafter and report.is_editable, "submit": drafter and report.is_editable,
            "review": reviewer and report.status == AnnualReportStatus.SUBMITTED}
