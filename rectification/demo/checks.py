"""The demo ledger's check records: six-monthly checks, acceptance meetings and follow-up reviews (回头看),
entered through the services (rectification/services/checks.py) on believable days.

The demo county lets its organizations apply for acceptance from the start of the round's year
(``acceptance_window_months`` = 12, a county setting): the demo's close-outs are dated relative to the day it
is seeded, which may be months before the default window (the last two months of the year) opens. The other
county keeps the default.
"""

from __future__ import annotations

import datetime as dt

from organizations.models import PolicySetting
from organizations.services.grants import policy_set

from .. import periods
from ..models import AcceptanceResult, CheckGrade, Designation, FollowUpFinding, FollowUpReview
from ..services import checks as services

CHECKERS = ["县委组织部督查组", "镇党委组织委员", "县委组织部组织科", "镇纪委书记", "驻村第一书记派出单位"]
FINDINGS = {
    CheckGrade.GOOD: "整顿措施落实到位，班子运行正常，台账资料齐全。",
    CheckGrade.FAIRLY_GOOD: "主要措施已落实，组织生活基本规范，个别任务进度偏慢。",
    CheckGrade.AVERAGE: "部分措施推进缓慢，\"三会一课\"记录不全，群众反映的问题尚未全部解决。",
}
MEASURE_FINDINGS = ["已按计划推进，资料齐全。", "进度滞后，需加快推进。", "已完成，成效明显。"]


def allow_acceptance_all_year(county, admin) -> None:
    if not PolicySetting.objects.filter(division=county, key="acceptance_window_months").exists():
        policy_set(user=admin, division=county, key="acceptance_window_months", value=12)


def record_checks(designation, plan, user, rng, approved_on: dt.date, last_day: dt.date, clock) -> None:
    """A check near the end of each six-monthly period between approval and ``last_day``."""
    months = 6
    for period in periods.periods_between(approved_on, last_day, interval_months=months, grace_days=0):
        day = period.end - dt.timedelta(days=rng.randint(3, 12))
        if day <= approved_on + dt.timedelta(days=30) or day >= last_day:
            continue
        grade = rng.choice([CheckGrade.GOOD, CheckGrade.FAIRLY_GOOD, CheckGrade.FAIRLY_GOOD, CheckGrade.AVERAGE])
        measures = list(plan.measures.order_by("sort_order", "pk")[:2])
        demanded = "对进度滞后的任务挂牌督办，限期一个月内整改到位。" if grade == CheckGrade.AVERAGE else ""
        with clock(day, hour=16):
            services.check_record(
                user=user, designation=designation, checked_on=day, checkers="、".join(rng.sample(CHECKERS, 2)),
                findings=FINDINGS[grade], grade=grade, score={"good": 92, "fairly_good": 84, "average": 71}[grade],
                rectification_demanded=demanded, rectify_by=day + dt.timedelta(days=30) if demanded else None,
                measure_findings={m.pk: rng.choice(MEASURE_FINDINGS) for m in measures}, today=day)


def record_acceptance(designation, user, day: dt.date, clock) -> None:
    with clock(day, hour=15):
        services.acceptance_record(
            user=user, designation=designation, held_on=day, members="县委组织部副部长、镇党委书记、镇组织委员、党员群众代表",
            opinions="听取村党组织书记汇报，查阅整顿台账，个别谈话，实地察看；整顿目标基本实现，同意进行满意度测评。",
            result=AcceptanceResult.PASSED, score=86, today=day)


def record_follow_up(designation, user, day: dt.date, clock, *, relapsed: bool = False) -> None:
    """One follow-up review of a closed-out designation (once: a designation with one is left alone)."""
    if FollowUpReview.objects.filter(designation=designation).exists():
        return
    designation = Designation.objects.get(pk=designation.pk)
    with clock(day, hour=11):
        services.follow_up_record(
            user=user, designation=designation, reviewed_on=day, reviewers="镇党委组织委员、包村干部",
            finding=FollowUpFinding.RELAPSED if relapsed else FollowUpFinding.HELD,
            notes=("组织生活再次不正常，活动场所问题未根本解决，问题反弹，列入下一年度整顿对象。" if relapsed
                   else "班子运行正常，整顿成果巩固。"), today=day)
