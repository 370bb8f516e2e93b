"""The demo county's three-year plan (整顿转化三年规划, from the year before the current round to the year after):
the first year's organizations (the repeat listing among them, which relapsed) rolled into the current year,
most of the current round planned at the start of the year (a few designated outside the plan, two planned
villages the screening did not designate), and next year's preventive list; goals for each year. Idempotent:
a county that already has a plan is left alone."""

from __future__ import annotations

import datetime as dt

from organizations.models import Division, Organization, OrganizationCategory, User

from ..models import Designation, MultiYearPlan, Round
from ..selectors.counting import NOT_COUNTED
from ..services import planning as services

#: How many of the current round's organizations the county designated outside the plan (the last by code).
UNPLANNED = 3


def _spare_villages(county: Division, excluded: set[int], count: int, offset: int) -> list[Organization]:
    """Villages never designated, spread over the county (deterministic: every seventh by code from ``offset``)."""
    villages = list(Organization.objects.filter(county=county, category=OrganizationCategory.VILLAGE,
                                                is_active=True).exclude(pk__in=excluded)
                    .order_by("division__code").select_related("division"))
    return villages[offset::7][:count]


def seed_planning(county: Division, *, accounts: dict[str, User]) -> MultiYearPlan | None:
    admin = accounts["county_admin"]
    current = Round.objects.filter(county=county, designations__plan__isnull=False).order_by("-year").first()
    if current is None or MultiYearPlan.objects.filter(division=county).exists():
        return None
    year = current.year
    first, last = year - 1, year + 1
    plan = services.multi_year_plan_create(
        user=admin, county=county, title=f"{county.name}软弱涣散基层党组织整顿转化三年规划（{first}—{last}年）",
        first_year=first, last_year=last, adopted_on=dt.date(first, 2, 20), document_number=f"仙委办〔{first}〕8号",
        overall_goal="用三年时间，对排查出的软弱涣散村（社区）党组织逐村建立台账、一村一策，集中整顿、逐个销号；"
                     "已销号的村跟踪巩固一年，防止反弹，实现软弱涣散党组织动态清零。")
    by_year: dict[int, list[Designation]] = {}
    for designation in (Designation.objects.filter(county=county, round__year__in=(first, year))
                        .exclude(status__in=NOT_COUNTED).select_related("organization", "round")
                        .order_by("organization__division__code")):
        by_year.setdefault(designation.round.year, []).append(designation)
    ever = set(Designation.objects.filter(county=county).values_list("organization_id", flat=True))
    # First year: last year's list, and one village screened out after all.
    first_rows = by_year.get(first, [])
    for designation in first_rows:
        services.plan_entry_add(user=admin, plan=plan, organization=designation.organization, year=first,
                                goal="年底前完成整顿转化，通过验收销号", reason="年初排查列入整顿对象")
    for organization in _spare_villages(county, ever, 1, 0):
        services.plan_entry_add(user=admin, plan=plan, organization=organization, year=first,
                                goal="年底前完成整顿转化", reason="村“两委”换届后班子磨合不够，列入预防整顿")
    services.plan_year_goal_set(user=admin, plan=plan, year=first, target_transformed=len(first_rows) + 1,
                                goal="摸底排查全覆盖，先行整顿问题突出的村，建立整顿、保障、规划三本台账。")
    services.multi_year_plan_roll_forward(user=admin, plan=plan, year=first, today=dt.date(first, 12, 20))
    # Current year: the round's list as the screening foresaw it, and two villages it did not designate.
    current_rows = by_year.get(year, [])
    planned_now = set(plan.entries.filter(year=year).values_list("organization_id", flat=True))
    for designation in current_rows[:-UNPLANNED] if len(current_rows) > UNPLANNED else current_rows:
        if designation.organization_id not in planned_now:
            services.plan_entry_add(user=admin, plan=plan, organization=designation.organization, year=year,
                                    goal="一村一策集中整顿，年底前转化销号", reason="年初排查列入整顿对象")
    for organization in _spare_villages(county, ever, 2, 3):
        services.plan_entry_add(user=admin, plan=plan, organization=organization, year=year,
                                goal="补齐短板，年内完成提升", reason="集体经济薄弱，列入重点预防")
    services.plan_year_goal_set(user=admin, plan=plan, year=year, target_transformed=len(current_rows) - UNPLANNED,
                                goal="集中整顿转化，年底前转化率达到90%以上；落实“四个一”帮扶，完成年终验收。")
    # Next year: villages to watch (screened as at risk); its goal.
    for organization in _spare_villages(county, ever, 4, 5):
        services.plan_entry_add(user=admin, plan=plan, organization=organization, year=last,
                                goal="巩固提升，防止滑入软弱涣散", reason="星级评定偏低，列入下一年度排查重点")
    services.plan_year_goal_set(user=admin, plan=plan, year=last, target_transformed=6,
                                goal="整顿剩余对象、巩固已销号村，回头看全覆盖，实现动态清零。")
    return plan
