"""The demo's upward reporting of the round's year: 林安镇 (the demo organizer's township) has written its
annual report and the county accepted it; the county's own report went to the city and awaits its review (the
city reviewer's to-do). One violation of discipline investigated in the repeat listing, so that the statistical
form's last column counts something. Through the services, idempotent (a report already there is left alone).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organizations.models import Division, RoleAssignment, User
from organizations.roles import Role

from ..models import AnnualReport, Designation, DesignationStatus, DisciplineCase
from ..services import annual_reports as services
from ..services.discipline import discipline_case_record

TOWNSHIP_TEXTS = {
    "work_summary": "全年对{n}个软弱涣散村党组织逐村制定“一村一策”整顿方案，镇党委书记、班子成员包村联系，"
                    "每两个月报送整顿进展，半年开展一次督查。",
    "achievements": "调整充实村党组织书记2名，选派第一书记驻村，整顿对象已全部完成验收或进入巩固期，"
                    "群众满意度测评均达到80%以上。",
    "problems": "个别村后备干部储备不足，村级集体经济收入偏低，回头看发现组织生活规范化仍需巩固。",
    "next_year_plan": "持续开展回头看，落实五星创建，每村储备2至3名后备干部，发展壮大村级集体经济。",
}
COUNTY_TEXTS = {
    "work_summary": "县委组织部牵头，全县排查确定软弱涣散基层党组织{n}个，县级领导逐村联系、单位结对帮扶，"
                    "实行双月报告、半年督查、年终验收。",
    "achievements": "整顿对象大部分已验收销号并转入五星创建管理；选优配强村党组织书记，储备村级后备干部。",
    "problems": "少数村征地拆迁、信访矛盾化解难度大，整顿周期较长；个别乡镇进展报告报送不够及时。",
    "next_year_plan": "对未销号的村实行挂牌督办，加强回头看，防止问题反弹；健全村干部教育培训长效机制。",
}


def _holder(role: str, division: Division) -> User | None:
    found = RoleAssignment.objects.filter(role=role, division=division).select_related("user").first()
    return found.user if found else None


def _write(report_user: User, division: Division, year: int, texts: dict, n: int) -> AnnualReport | None:
    if AnnualReport.objects.filter(division=division, year=year).exists():
        return None
    report = services.annual_report_save(user=report_user, division=division, year=year,
                                         **{name: text.format(n=n) for name, text in texts.items()})
    return services.annual_report_submit(user=report_user, report=report)


def seed_annual_reports(county: Division, *, accounts: dict[str, User], year: int) -> None:
    designations = Designation.objects.filter(county=county, round__year=year)
    admin = accounts["county_admin"]
    organizer = accounts["town_organizer"]
    township = Division.objects.filter(
        pk__in=RoleAssignment.objects.filter(user=organizer, role=Role.TOWNSHIP_ORGANIZER).values("division_id"),
        parent=county).first()
    if township is not None:
        report = _write(organizer, township, year, TOWNSHIP_TEXTS, designations.filter(township=township).count())
        if report is not None and services.may_review(admin, township):
            services.annual_report_accept(user=admin, report=report, comment="同意。材料翔实，请继续抓好巩固提升。")
    _write(admin, county, year, COUNTY_TEXTS, designations.count())
    _discipline_case(county, admin, year)


def _discipline_case(county: Division, admin: User, year: int) -> None:
    designation = Designation.objects.filter(
        county=county, round__year=year, status=DesignationStatus.RECTIFYING).order_by(
        "organization__division__code").first()
    if designation is None or DisciplineCase.objects.filter(designation__county=county).exists():
        return
    today = timezone.localdate()
    day = max(designation.confirmed_at.date() if designation.confirmed_at else today, today - dt.timedelta(days=60))
    discipline_case_record(user=admin, designation=designation, decided_on=min(day, today),
                           summary="村党组织书记违规处置集体资产，给予党内警告处分并责令退赔。",
                           handled_by=f"{county.name}纪委监委", today=today)
