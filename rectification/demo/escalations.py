"""The demo county's escalation ladder (issue 14 item 1) in a believable state.

Forty days ago the daily job raised its reminders (提醒) on the organizations still in rectification; the county
organization department then took the five organizations seed 001 names as not yet rectified up the ladder:
东山村 is listed for supervision (挂牌督办) with the county leader's instruction (批示), 柳湖村's secretary was
interviewed (约谈), 濂前社区, 汾山村 and 鲁头村 were circulated (通报) and 鲁头村's secretary held accountable (问责).
A closed-out organization's old reminder was resolved in time. The daily job then ran on: the reminders left
unanswered past their deadline went up to the supervision notice (督办) by themselves, new causes raised new
reminders. The county's first supervision team (督导组) inspected 林安镇 five days ago: its finding on 东山村
opened an escalation (a reminder still running), its finding on another village needed nothing more. Every step goes through the services under
``clock(day)``, so the audit trail tells the same story. Idempotent: a county with escalations is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organizations.demo import weak_organizations
from organizations.models import Division, Organization

from ..models import Cause, Escalation, FindingAction, Rung
from ..services import escalations as services
from ..services import supervision as supervision_services
from .ledger import clock


def _open_on(organization, *, accounts, day: dt.date) -> Escalation:
    """The organization's escalation raised by the job (overdue tasks first), or one raised by the county."""
    found = Escalation.objects.filter(organization=organization, resolved_on__isnull=True).order_by(
        "cause").exclude(cause__in=[Cause.REPORTS, Cause.VISITS]).first() or Escalation.objects.filter(
        organization=organization, resolved_on__isnull=True).first()
    if found is not None:
        return found
    with clock(day):
        return services.escalation_open(user=accounts["county_admin"], organization=organization, cause=Cause.OTHER,
                                        reason="组织生活不正常，“三会一课”记录不全，整改推进缓慢。", today=day)


def seed_escalations(county, *, accounts) -> None:
    if Escalation.objects.filter(county=county).exists():
        return
    today = timezone.localdate()
    admin, leader = accounts["county_admin"], accounts["county_leader"]
    start = today - dt.timedelta(days=40)
    with clock(start, hour=7):
        services.raise_county_escalations(county.pk, start)
    rectified, named = weak_organizations(county)
    by_name = {o.division.name: o for o in named}
    year = today.year

    def step(escalation, rung, day, **fields):
        with clock(day):
            return services.escalation_escalate(user=admin, escalation=escalation, rung=rung, taken_on=day,
                                                today=day, **fields)

    # 东山村: listed for supervision, with the county leader's instruction.
    dongshan = _open_on(by_name["东山村"], accounts=accounts, day=start)
    step(dongshan, Rung.SUPERVISION, today - dt.timedelta(days=30), document_number=f"仙组督〔{year}〕7号",
         content="村党组织书记调整和“三会一课”整改逾期未完成，列入挂牌督办，限期完成并书面报告。",
         deadline=today + dt.timedelta(days=10))
    with clock(today - dt.timedelta(days=28)):
        services.instruction_write(user=leader, escalation=dongshan, today=today - dt.timedelta(days=28),
                                   text="请县委组织部会同林安镇党委，一周内拿出书记人选，月底前完成整改。")
    # 柳湖村: the secretary interviewed.
    liuhu = _open_on(by_name["柳湖村"], accounts=accounts, day=start)
    step(liuhu, Rung.SUPERVISION, today - dt.timedelta(days=32), document_number=f"仙组督〔{year}〕8号",
         content="村委会主任长期缺职，限期完成补选。")
    step(liuhu, Rung.INTERVIEW, today - dt.timedelta(days=15), interviewer="县委组织部副部长 林文斌",
         interviewee="状元镇党委书记、柳湖村党支部书记", content="村委会主任补选迟迟未启动，督办事项逾期未完成。",
         commitments="两周内确定人选，一个月内依法完成补选并报县委组织部。",
         follow_up_on=today + dt.timedelta(days=15))
    # 濂前社区, 汾山村, 鲁头村: circulated; 鲁头村's secretary held accountable.
    circulated = []
    for name in ("濂前社区", "汾山村", "鲁头村"):
        escalation = _open_on(by_name[name], accounts=accounts, day=start)
        step(escalation, Rung.SUPERVISION, today - dt.timedelta(days=30), document_number=f"仙组督〔{year}〕9号",
             content="整顿任务推进缓慢，列入挂牌督办，限期整改。", deadline=today - dt.timedelta(days=12))
        circulated.append(escalation)
    day = today - dt.timedelta(days=10)
    with clock(day):
        services.circular_issue(
            user=admin, county=county, number=f"仙组通〔{year}〕3号", issued_on=day, today=day,
            title="关于软弱涣散基层党组织整顿工作推进滞后情况的通报", escalations=circulated,
            body="经县委组织部督导检查，下列村（社区）党组织整顿工作推进滞后、督办事项逾期未完成，现予通报。"
                 "请所在乡镇党委督促限期整改，整改情况于期限内书面报县委组织部。")
    lutou = Escalation.objects.get(pk=circulated[-1].pk)
    step(lutou, Rung.ACCOUNTABILITY, today - dt.timedelta(days=5), document_number=f"仙纪〔{year}〕21号",
         content="对鲁头村党支部书记进行诫勉谈话，责成游洋镇党委作出书面检查。")
    # A closed-out organization's reminder of last spring, resolved in time (its clock stopped).
    old = rectified[0]
    opened = today - dt.timedelta(days=200)
    with clock(opened):
        escalation = services.escalation_open(user=admin, organization=old, cause=Cause.REPORTS, today=opened,
                                              reason="双月进展报告连续两期未按时报送。")
    with clock(opened + dt.timedelta(days=8)):
        services.escalation_resolve(user=admin, escalation=escalation, resolved_on=opened + dt.timedelta(days=8),
                                    today=opened + dt.timedelta(days=8), resolution="乡镇已补报两期报告，并明确专人负责。")
    # The daily job as it ran since: the reminders left unanswered past their deadline went up to the supervision
    # notice by themselves, and new causes raised new reminders (those of the last run still run their course).
    reminder_days = (services.default_deadline(by_name["东山村"], Rung.REMINDER, start) - start).days
    for day in (start + dt.timedelta(days=(reminder_days + 1) * k) for k in (1, 2, 3)):
        if day < today:
            with clock(day, hour=7):
                services.raise_county_escalations(county.pk, day)
    seed_supervision(county, accounts=accounts, dongshan=by_name["东山村"])


def seed_supervision(county, *, accounts, dongshan) -> None:
    admin = accounts["county_admin"]
    today = timezone.localdate()
    townships = list(Division.objects.filter(county=county, level="township", name__in=["林安镇", "状元镇", "榜头镇"]))
    day = today - dt.timedelta(days=60)
    with clock(day):
        team = supervision_services.supervision_team_save(
            user=admin, county=county, name="县委第一督导组", leader="林文斌（县委组织部副部长）",
            members="林文斌　县委组织部副部长\n陈丽娟　县委组织部组织科科长\n郑志强　县纪委监委第三监督检查室副主任",
            townships=townships)
    day = today - dt.timedelta(days=5)  # its reminder still runs (the job takes it further past its deadline)
    linan = next(t for t in townships if t.name == "林安镇")
    with clock(day):
        inspection = supervision_services.inspection_record(
            user=admin, team=team, township=linan, inspected_on=day, today=day,
            notes="随机抽查林安镇2个村，查阅台账、走访党员群众。整顿台账总体规范，个别村整改进度滞后。")
        supervision_services.inspection_finding_add(
            user=admin, inspection=inspection, organization=dongshan, score=58, action=FindingAction.ESCALATE,
            today=day, finding="新任书记人选仍未确定，党员大会未按期召开，整顿台账记录不全。")
        other = Organization.objects.filter(township=linan, village__isnull=False).exclude(pk=dongshan.pk).order_by(
            "division__code").first()
        supervision_services.inspection_finding_add(
            user=admin, inspection=inspection, organization=other, score=86, today=day,
            finding="“三会一课”记录完整，集体经济项目按计划推进。")
