"""The demo county's Party committee study: the county Standing Committee studied the rectification in each
half-year, most townships every quarter (林安镇 always; a few missed last quarter, some have not met yet this
quarter), and township Party secretaries contact their hardest villages — 汾山村's petitions among them —
while 濂前社区's disorder still lacks the secretary's contact. Idempotent: a county with meetings is left alone."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from organizations.models import Division, User

from ..models import CommitteeMeeting, Designation
from ..selectors.counting import counted
from ..services import committee as services

#: The disorderly village left without the township secretary's contact, and the one that has it.
UNCONTACTED_VILLAGE, CONTACTED_VILLAGE = "濂前社区", "汾山村"
_SECRETARIES = ["陈志强", "林国华", "黄明辉", "郑文斌", "吴德明", "王海峰", "李建新", "张振华", "刘永清", "蔡金水",
                "许志坚", "杨春生", "周国庆", "徐立新", "朱宏伟", "何建平", "肖文杰", "谢添福"]


def seed_committee(county: Division, *, accounts: dict[str, User], today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if CommitteeMeeting.objects.filter(division__county=county).exists() or \
            CommitteeMeeting.objects.filter(division=county).exists():
        return 0
    admin, organizer = accounts["county_admin"], accounts["town_organizer"]
    weak = list(counted(Designation.objects.filter(county=county), today=today)
                .select_related("organization", "organization__division", "township").order_by("organization__division__code"))
    if not weak:
        return 0
    made = 0
    for day, topics, decisions in (
            (today - relativedelta(months=9), "研究确定本年度软弱涣散基层党组织整顿对象名单和整顿方案。",
             "确定整顿对象，落实县级领导联系、第一书记选派和结对帮扶“四个一”。"),
            (today - relativedelta(months=5), "听取县委组织部年中整顿推进情况汇报，研究重点难点问题。",
             "对进度滞后的村挂牌督办，县直部门限期协调解决征地遗留问题。"),
            (today - dt.timedelta(days=21), "研究年终考核验收和满意度测评工作安排。",
             "12月底前完成验收测评，未达标的村重新整顿。")):
        services.committee_meeting_record(user=admin, division=county, held_on=day, today=today,
                                          attendees="县委书记、县长及县委常委，县委组织部部长",
                                          topics=topics, decisions=decisions)
        made += 1
    townships: dict[int, list[Designation]] = {}
    for designation in weak:
        if designation.township_id:
            townships.setdefault(designation.township_id, []).append(designation)
    organizer_township = organizer.role_assignments.values_list("division_id", flat=True).first()
    ordered = sorted(townships.items(), key=lambda item: (item[0] != organizer_township, item[1][0].township.code))
    for index, (township_id, rows) in enumerate(ordered):
        township = rows[0].township
        writer = organizer if township_id == organizer_township else admin
        pattern = (index % 4) if township_id != organizer_township else 0
        days = {0: [relativedelta(months=4), dt.timedelta(days=14)], 1: [relativedelta(months=4)],
                2: [dt.timedelta(days=14)], 3: [relativedelta(months=4), relativedelta(months=1)]}[pattern]
        names = "、".join(d.organization.name for d in rows[:3])
        for delta in days:
            services.committee_meeting_record(
                user=writer, division=township, held_on=today - delta, today=today,
                attendees=f"{township.name}党委书记、镇长，党委班子成员，包村领导", topics=f"听取{names}整顿进展汇报，逐村分析问题症结。",
                decisions="包村领导每周到村，未完成事项列出清单、明确时限，下次党委会通报。",
                organizations=[d.organization for d in rows[:3]])
            made += 1
        secretary = _SECRETARIES[index % len(_SECRETARIES)]
        for designation in rows:
            name = designation.organization.division.name
            if name == UNCONTACTED_VILLAGE:
                continue
            if name == CONTACTED_VILLAGE or designation is rows[0]:
                services.secretary_contact_record(
                    user=writer, organization=designation.organization, secretary_name=secretary, today=today,
                    started_on=today - relativedelta(months=8), note="镇党委书记带头联系，每月驻村不少于两天")
    return made
