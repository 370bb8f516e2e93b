"""The planning ledger (规划台账): the county's multi-year rectification and transformation plan.

Writes, each checked against the role table (``planning``/``change``: the county organization department of
the plan's county) and audited with its author:

* ``multi_year_plan_create`` / ``multi_year_plan_update``: title, years (at most ``MAX_SPAN`` years), overall
  goal, the issuing document;
* ``plan_year_goal_set``: the goal of one year of the plan and the number of organizations to transform;
* ``plan_entry_add`` / ``plan_entry_remove``: an organization of the county planned for a year;
* ``multi_year_plan_roll_forward``: at the year end (from December of that year), the year's organizations
  that were not rectified (closed out) or relapsed, and the organizations designated that year outside the
  plan and still open, are carried into the next year; a plan whose window ends that year moves on a year
  (a rolling plan). Rolling a year twice adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Division, Organization
from organizations.roles import Level
from organizations.services.common import by, require

from ..models import MultiYearPlan, PlanEntry, PlanYearGoal

FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The longest plan (years): a three-year plan is the usual one, five the longest seen.
MAX_SPAN = 10
PLAN_FIELDS = ("title", "first_year", "last_year", "overall_goal", "adopted_on", "document_number")
#: The first month of the year's end, from which a year may be rolled forward (the year-end acceptance).
ROLL_FROM_MONTH = 12


def can_create(user) -> bool:
    """The user may create a plan (the county organization department)."""
    from organizations.permissions import can

    return can(user, "planning", "change")


def _check_years(first_year, last_year) -> None:
    for name, year in (("first_year", first_year), ("last_year", last_year)):
        if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError({name: _("Choose a year between %(first)s and %(last)s.")
                                   % {"first": FIRST_YEAR, "last": LAST_YEAR}})
    if last_year < first_year:
        raise ValidationError({"last_year": _("The last year cannot come before the first year.")})
    if last_year - first_year + 1 > MAX_SPAN:
        raise ValidationError({"last_year": _("A plan spans at most %(years)s years.") % {"years": MAX_SPAN}})


def _apply(plan: MultiYearPlan, fields: dict) -> None:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(plan, name, value)
    if not plan.title:
        raise ValidationError({"title": _("Give the plan a title.")})
    _check_years(plan.first_year, plan.last_year)


@transaction.atomic
def multi_year_plan_create(*, user, county: Division, title: str, first_year: int, last_year: int,
                           overall_goal: str = "", adopted_on: dt.date | None = None,
                           document_number: str = "") -> MultiYearPlan:
    """A county's multi-year plan (e.g. 2025-2027), kept by its organization department."""
    if county.level != Level.COUNTY:
        raise ValidationError({"division": _("A multi-year plan belongs to a county.")})
    require(user, "planning", "change", county)
    plan = MultiYearPlan(division=county, created_by=user)
    _apply(plan, {"title": title, "first_year": first_year, "last_year": last_year, "overall_goal": overall_goal,
                  "adopted_on": adopted_on, "document_number": document_number})
    by(plan, user).save()
    return plan


@transaction.atomic
def multi_year_plan_update(*, user, plan: MultiYearPlan, **fields) -> MultiYearPlan:
    """Change the plan's title, years, goal or document. Years that still hold planned organizations or goals
    cannot be cut off."""
    plan = MultiYearPlan.objects.select_for_update().get(pk=plan.pk)
    require(user, "planning", "change", plan)
    _apply(plan, fields)
    outside = sorted(set(PlanEntry.objects.filter(plan=plan).exclude(year__range=(plan.first_year, plan.last_year))
                         .values_list("year", flat=True))
                     | set(PlanYearGoal.objects.filter(plan=plan)
                           .exclude(year__range=(plan.first_year, plan.last_year)).values_list("year", flat=True)))
    if outside:
        raise ValidationError(_("The plan still has organizations or goals in %(years)s: remove them before "
                                "leaving those years out.") % {"years": "、".join(str(y) for y in outside)})
    by(plan, user).save()
    return plan


def _check_plan_year(plan: MultiYearPlan, year) -> None:
    if not isinstance(year, int) or not plan.first_year <= year <= plan.last_year:
        raise ValidationError({"year": _("Choose a year of the plan (%(first)s-%(last)s).")
                               % {"first": plan.first_year, "last": plan.last_year}})


@transaction.atomic
def plan_year_goal_set(*, user, plan: MultiYearPlan, year: int, goal: str,
                       target_transformed: int = 0) -> PlanYearGoal:
    """Set (or change) the goal of one year of the plan."""
    require(user, "planning", "change", plan)
    _check_plan_year(plan, year)
    goal = (goal or "").strip()
    if not goal:
        raise ValidationError({"goal": _("Say what the year is to achieve.")})
    if not isinstance(target_transformed, int) or not 0 <= target_transformed <= 100000:
        raise ValidationError({"target_transformed": _("Enter a number of organizations between 0 and 100000.")})
    found = PlanYearGoal.objects.select_for_update().filter(plan=plan, year=year).first()
    record = found or PlanYearGoal(plan=plan, division_id=plan.division_id, year=year)
    record.goal = goal
    record.target_transformed = target_transformed
    by(record, user).save()
    return record


@transaction.atomic
def plan_entry_add(*, user, plan: MultiYearPlan, organization: Organization, year: int, goal: str = "",
                   reason: str = "", carried_from: PlanEntry | None = None) -> PlanEntry:
    """Plan ``organization`` (of the plan's county) for rectification and transformation in ``year``."""
    require(user, "planning", "change", plan)
    _check_plan_year(plan, year)
    if organization.county_id != plan.division_id:
        raise ValidationError({"organization": _("Choose an organization of %(county)s.")
                               % {"county": plan.division.name}})
    if PlanEntry.objects.filter(plan=plan, organization=organization, year=year).exists():
        raise ValidationError({"organization": _("%(organization)s is already planned for %(year)s.")
                               % {"organization": organization.name, "year": year}})
    entry = PlanEntry(plan=plan, year=year, goal=(goal or "").strip(), reason=(reason or "").strip(),
                      carried_from=carried_from, created_by=user)
    entry.organization = organization
    entry.county_id, entry.township_id = organization.county_id, organization.township_id
    by(entry, user).save()
    return entry


@transaction.atomic
def plan_entry_remove(*, user, entry: PlanEntry) -> None:
    """Take an organization off a year of the plan (the audit trail keeps that it was there)."""
    require(user, "planning", "change", entry.plan)
    by(entry, user).delete()


@transaction.atomic
def multi_year_plan_roll_forward(*, user, plan: MultiYearPlan, year: int,
                                 today: dt.date | None = None) -> list[PlanEntry]:
    """Carry ``year``'s unfinished organizations into the next year (see the module docstring); returns the
    entries added."""
    from ..selectors.planning import unfinished_of_year

    plan = MultiYearPlan.objects.select_for_update().select_related("division").get(pk=plan.pk)
    require(user, "planning", "change", plan)
    _check_plan_year(plan, year)
    today = today or timezone.localdate()
    if today < dt.date(year, ROLL_FROM_MONTH, 1):
        raise ValidationError(_("%(year)s can be rolled forward from %(day)s, at the year-end acceptance.")
                              % {"year": year, "day": f"{year}年{ROLL_FROM_MONTH}月1日"})
    following = year + 1
    if following > plan.last_year:
        if following - plan.first_year + 1 > MAX_SPAN:
            raise ValidationError(_("A plan spans at most %(years)s years.") % {"years": MAX_SPAN})
        plan.last_year = following
    added = []
    present = set(PlanEntry.objects.filter(plan=plan, year=following).values_list("organization_id", flat=True))
    for organization, source, reason in unfinished_of_year(user, plan, year):
        if organization.pk in present:
            continue
        present.add(organization.pk)
        added.append(plan_entry_add(user=user, plan=plan, organization=organization, year=following,
                                    goal=source.goal if source is not None else "", reason=reason,
                                    carried_from=source))
    plan.rolled_through = max(plan.rolled_through or year, year)
    by(plan, user).save()
    return added
