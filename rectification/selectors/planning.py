"""Reads of the planning ledger: the plans and planned organizations in the user's scope, and the comparison
of the plan with what happened, read from the ledger under the one counting rule (``selectors.counting``:
confirmed, not withdrawn, each organization once; here by the round of the plan's year, not the current one).

For a planned organization of year Y:

* **designated**: it has a counted designation in the county's round of Y;
* **rectified**: that designation is closed out (``RECTIFIED_STATUSES``);
* **relapsed**: a follow-up review (回头看) found a relapse on one of its designations of Y or later.

For a year: the goal and its target, the planned organizations and how many of them were designated,
rectified and relapsed, the weak organizations of the year's round under the counting rule (total and
rectified: the same figures as the dashboard for that round), the ones designated outside the plan, and the
organizations carried into the next year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from organizations.permissions import can

from ..models import (
    RECTIFIED_STATUSES,
    Designation,
    FollowUpFinding,
    FollowUpReview,
    MultiYearPlan,
    PlanEntry,
    PlanYearGoal,
)
from .counting import counted, weak_counts


@dataclass
class EntryOutcome:
    designation: Designation | None = None
    relapsed: bool = False

    @property
    def designated(self) -> bool:
        return self.designation is not None

    @property
    def rectified(self) -> bool:
        return self.designation is not None and self.designation.status in RECTIFIED_STATUSES

    @property
    def state(self) -> str:
        """"relapsed", "rectified", "in_progress" (designated, not closed out) or "not_designated"."""
        if self.relapsed:
            return "relapsed"
        if self.rectified:
            return "rectified"
        return "in_progress" if self.designated else "not_designated"


@dataclass
class YearRow:
    year: int
    goal: PlanYearGoal | None
    planned: int = 0
    planned_designated: int = 0
    planned_rectified: int = 0
    planned_relapsed: int = 0
    designated: int = 0
    rectified: int = 0
    unplanned: list[Designation] = field(default_factory=list)
    carried_forward: int = 0

    @property
    def target(self) -> int | None:
        return self.goal.target_transformed if self.goal is not None else None


@dataclass
class PlanComparison:
    plan: MultiYearPlan
    years: list[YearRow]
    entries: list[tuple[PlanEntry, EntryOutcome]]
    may_change: bool = False


def plans_visible(user):
    return MultiYearPlan.objects.visible_to(user).select_related("division")


def entries_visible(user):
    return (PlanEntry.objects.visible_to(user)
            .select_related("plan", "organization", "organization__division", "township", "carried_from"))


def _designations(user, plan: MultiYearPlan):
    """The counted designations of the plan's county in the rounds of the plan's years (visible to the user)."""
    designations = Designation.objects.visible_to(user).filter(county_id=plan.division_id,
                                                               round__year__in=plan.years)
    return counted(designations, current_round=False)


def _relapse_years(user, plan: MultiYearPlan, organization_ids) -> dict[int, list[int]]:
    """organization id -> the round years of its designations on which a follow-up review found a relapse."""
    found: dict[int, list[int]] = defaultdict(list)
    reviews = (FollowUpReview.objects.visible_to(user)
               .filter(county_id=plan.division_id, finding=FollowUpFinding.RELAPSED,
                       organization_id__in=list(organization_ids))
               .values_list("organization_id", "designation__round__year"))
    for organization_id, year in reviews:
        found[organization_id].append(year)
    return found


def entry_outcomes(user, plan: MultiYearPlan, entries: list[PlanEntry]) -> dict[int, EntryOutcome]:
    """Each entry's outcome (see the module docstring), in three queries."""
    years = {entry.year for entry in entries}
    by_org_year = {(d.organization_id, d.round.year): d for d in
                   _designations(user, plan).filter(round__year__in=years).select_related("round")}
    relapses = _relapse_years(user, plan, {entry.organization_id for entry in entries})
    return {entry.pk: EntryOutcome(designation=by_org_year.get((entry.organization_id, entry.year)),
                                   relapsed=any(year >= entry.year for year in relapses.get(entry.organization_id,
                                                                                             ())))
            for entry in entries}


def plan_comparison(user, plan: MultiYearPlan) -> PlanComparison:
    """The plan against the ledger, year by year, and each planned organization's outcome."""
    entries = list(entries_visible(user).filter(plan=plan))
    outcomes = entry_outcomes(user, plan, entries)
    goals = {goal.year: goal for goal in PlanYearGoal.objects.visible_to(user).filter(plan=plan)}
    designations = _designations(user, plan)
    rows = []
    for year in plan.years:
        of_year = [entry for entry in entries if entry.year == year]
        planned_orgs = {entry.organization_id for entry in of_year}
        counts = weak_counts(designations.filter(round__year=year))
        row = YearRow(year=year, goal=goals.get(year), planned=len(planned_orgs),
                      designated=counts["total"], rectified=counts["rectified"])
        for entry in of_year:
            outcome = outcomes[entry.pk]
            row.planned_designated += outcome.designated
            row.planned_rectified += outcome.rectified
            row.planned_relapsed += outcome.relapsed
        row.unplanned = list(designations.filter(round__year=year).exclude(organization_id__in=planned_orgs)
                             .select_related("organization", "organization__division")
                             .order_by("organization__division__code"))
        row.carried_forward = sum(1 for entry in entries if entry.year == year + 1 and entry.carried_from_id
                                  and entry.carried_from.year == year)
        rows.append(row)
    return PlanComparison(plan=plan, years=rows, entries=[(entry, outcomes[entry.pk]) for entry in entries],
                          may_change=can(user, "planning", "change", plan))


def unfinished_of_year(user, plan: MultiYearPlan, year: int):
    """What rolling ``year`` forward carries: ``(organization, source entry or None, reason)`` for the year's
    planned organizations not rectified or relapsed, then the organizations designated that year outside the
    plan and not rectified."""
    from django.utils.translation import gettext as _

    entries = list(PlanEntry.objects.visible_to(user).filter(plan=plan, year=year)
                   .select_related("organization", "organization__division"))
    outcomes = entry_outcomes(user, plan, entries)
    result = []
    for entry in entries:
        outcome = outcomes[entry.pk]
        if outcome.relapsed:
            result.append((entry.organization, entry, _("Relapsed after the rectification of %(year)s.")
                           % {"year": year}))
        elif not outcome.rectified:
            result.append((entry.organization, entry, _("Not transformed in %(year)s.") % {"year": year}))
    planned = {entry.organization_id for entry in entries}
    open_unplanned = (_designations(user, plan).filter(round__year=year).exclude(organization_id__in=planned)
                      .exclude(status__in=RECTIFIED_STATUSES)
                      .select_related("organization", "organization__division")
                      .order_by("organization__division__code"))
    for designation in open_unplanned:
        result.append((designation.organization, None,
                       _("Designated in %(year)s outside the plan, not yet rectified.") % {"year": year}))
    return result


def plans_with_entries(user):
    """The plans of the user's scope with their visible entries prefetched (the list page)."""
    return plans_visible(user).prefetch_related(Prefetch("entries", queryset=entries_visible(user)))
