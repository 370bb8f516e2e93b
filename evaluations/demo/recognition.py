"""Demo recognition of county 1 (seed 000 #4, seed 004).

- Advanced models and experiences at every step: three published on the county's public page (two
  experiences of organizations rectified and closed out, a Party member at the top of the star scale), one
  approved awaiting publication, one submitted by 林安镇 awaiting the county, one returned to 状元镇 with the
  county's comment, and 东山村's own draft.
- Commendation lists from the final year-end star ratings: the county's year-end list of last year (decided
  in January, one candidate left off with the reason) and this year's 七一 lists of the townships with Party
  members in star management (decided in late June), each with its document number.
- 共产党员户 plaques at the homes of the members of those villages, hung before 七一 last year, a few removed
  since (the family moved away).

Deterministic and idempotent: a county that already has recognition rows is left alone. Dates are relative to
``timezone.localdate()``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from organizations.models import Division
from organizations.roles import Level

from ..models import (
    AssessmentKind,
    AssessmentStatus,
    Commendation,
    CommendationList,
    CommendationListStatus,
    CommendationOccasion,
    Exemplar,
    ExemplarKind,
    ExemplarStatus,
    MemberAssessment,
    MemberPlaque,
    PartyMember,
)
from ..services.recognition import default_honour, top_band_candidates


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _save(obj, user):
    obj._history_user = user
    obj.save()
    return obj


def seed(county, *, accounts) -> None:
    if Exemplar.objects.filter(county=county).exists() or CommendationList.objects.filter(
            division__county=county).exists() or CommendationList.objects.filter(division=county).exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        _exemplars(county, today, accounts)
        _commendations(county, today, accounts)
        _plaques(county, today, accounts)


# ------------------------------------------------------------------------------ models and experiences


def _closed_out_organizations(county):
    from rectification.models import Designation
    from rectification.models.designations import RECTIFIED_STATUSES

    rows = (Designation.objects.filter(county=county, status__in=RECTIFIED_STATUSES)
            .select_related("organization__division", "organization__township").order_by("organization__division__code"))
    seen, result = set(), []
    for designation in rows:
        if designation.organization_id not in seen:
            seen.add(designation.organization_id)
            result.append(designation.organization)
    return result


def _top_member(county):
    """The member of county 1 with the highest final stars of last year (the person to publicize)."""
    assessment = (MemberAssessment.objects.filter(county=county, kind=AssessmentKind.YEAR_END,
                                                  status=AssessmentStatus.FINAL, member__is_active=True)
                  .exclude(organization__division__name="东山村")
                  .select_related("member", "organization__township").order_by("-final_stars", "member__name").first())
    return assessment.member if assessment else None


def _exemplars(county, today, accounts) -> None:
    admin = accounts.get("county_admin")
    organizer = accounts.get("town_organizer")
    secretary = accounts.get("village_secretary")
    year = today.year
    closed = _closed_out_organizations(county)
    linan = [o for o in closed if o.township and o.township.name == "林安镇"]
    others = [o for o in closed if o not in linan]

    def make(organization, *, kind, title, subject, summary, status, author, submitted=None, reviewed=None,
             comment="", published=None, item_year=year):
        exemplar = Exemplar(kind=kind, year=item_year, title=title, subject=subject, summary=summary, status=status,
                            created_by=author, review_comment=comment)
        exemplar.organization = organization
        exemplar.county_id, exemplar.township_id = organization.county_id, organization.township_id
        if submitted:
            exemplar.submitted_at = _moment(submitted)
        if reviewed:
            exemplar.reviewed_at = _moment(reviewed, 15)
            exemplar.reviewed_by = admin
        if published:
            exemplar.published_at = _moment(published, 16)
        return _save(exemplar, author)

    if others:
        org = others[0]
        make(org, kind=ExemplarKind.EXPERIENCE, title=f"{org.division.name}：“四议两公开”让村务晒在阳光下",
             subject=org.name, status=ExemplarStatus.PUBLISHED, author=organizer, item_year=year,
             summary=(f"{org.division.name}整顿前村务决策不规范、群众意见大。整顿中，村党组织严格落实“四议两公开”工作法，"
                      "凡涉及集体资产处置、项目建设等重大事项，一律经村党组织提议、村“两委”会议商议、党员大会审议、"
                      "村民代表会议决议，决议和实施结果全部公开。一年来公开村务事项40余项，群众满意度测评达到92%，"
                      "实现整顿销号。"),
             submitted=dt.date(year, 3, 12), reviewed=dt.date(year, 3, 20), published=dt.date(year, 3, 22))
    if len(others) > 1:
        org = others[1]
        make(org, kind=ExemplarKind.ORGANIZATION, title=f"{org.name}：选强带头人，后进村变成先进村",
             subject=org.name, status=ExemplarStatus.PUBLISHED, author=admin,
             summary=(f"{org.division.name}曾因班子不团结被列为软弱涣散村。镇党委选派致富能手回村任党组织书记，"
                      "县直单位结对帮扶，第一书记驻村两年。村里盘活闲置校舍发展农产品加工，村集体经营性收入从零增至"
                      "15万元；建立党员联户、矛盾纠纷村内调处机制，连续两年无越级上访。"),
             submitted=dt.date(year, 5, 8), reviewed=dt.date(year, 5, 15), published=dt.date(year, 6, 28))
    member = _top_member(county)
    if member is not None:
        make(member.organization, kind=ExemplarKind.PERSON, title=f"共产党员{member.name}：带着乡亲闯出致富路",
             subject=member.name, status=ExemplarStatus.PUBLISHED, author=organizer,
             summary=(f"{member.name}同志认领“致富带富示范岗”，带头成立种植专业合作社，带动周边农户发展特色种植，"
                      "年年帮扶联系户解决生产难题，在党员星级评定中获评高星级，是党员争星创优的带头人。"),
             submitted=dt.date(year, 6, 2), reviewed=dt.date(year, 6, 10), published=dt.date(year, 6, 30))
    if len(others) > 2:
        org = others[2]
        make(org, kind=ExemplarKind.EXPERIENCE, title=f"{org.division.name}：“积分超市”激发群众参与村级治理",
             subject=org.name, status=ExemplarStatus.APPROVED, author=organizer,
             summary=("村党组织设立“积分超市”，村民参与环境整治、志愿服务、矛盾调解可获积分兑换生活用品，"
                      "党员带头、群众跟进，村容村貌明显改善。"),
             submitted=today - dt.timedelta(days=20), reviewed=today - dt.timedelta(days=12))
    if linan:
        org = linan[0]
        make(org, kind=ExemplarKind.EXPERIENCE, title=f"{org.division.name}：第一书记驻村“三张清单”工作法",
             subject=org.name, status=ExemplarStatus.SUBMITTED, author=organizer,
             summary=("第一书记驻村后建立问题清单、任务清单、成效清单，逐项销号，每月向镇党委报告、向村民公开，"
                      "整顿任务全部按期完成。"),
             submitted=today - dt.timedelta(days=4))
    if len(others) > 3:
        org = others[3]
        make(org, kind=ExemplarKind.ORGANIZATION, title=f"{org.name}整顿转化纪实", subject=org.name,
             status=ExemplarStatus.RETURNED, author=organizer,
             summary="村党组织经过一年整顿，班子团结了，群众满意了，各项工作走在全镇前列。",
             submitted=today - dt.timedelta(days=30), reviewed=today - dt.timedelta(days=25),
             comment="事迹材料过于笼统，请补充整顿前后的具体变化、数据和群众评价后再报。")
    dongshan = PartyMember.objects.filter(county=county, organization__division__name="东山村").select_related(
        "organization").first()
    if dongshan is not None:
        make(dongshan.organization, kind=ExemplarKind.EXPERIENCE, title="东山村：党员联户化解矛盾纠纷",
             subject=dongshan.organization.name, status=ExemplarStatus.DRAFT, author=secretary,
             summary="村党支部推行党员“1+2”联户，每名党员联系1至2户群众，矛盾纠纷早发现、早调处。（待补充具体事例）")


# ------------------------------------------------------------------------------------- commendations


def _commendation_list(division, *, year, occasion, ratings_year, decided_on, number, deciders, left_off=None):
    decider = deciders.get(division.level) or deciders[Level.COUNTY]
    candidates = list(top_band_candidates(division, ratings_year))
    if not candidates:
        return None
    commendations = CommendationList(division=division, year=year, occasion=occasion, ratings_year=ratings_year,
                                     honour=str(default_honour(occasion)), proposed_by=decider)
    _save(commendations, decider)
    for index, assessment in enumerate(candidates):
        entry = Commendation(commendation_list=commendations, member=assessment.member, assessment=assessment,
                             stars=assessment.final_stars, star_cap=assessment.star_cap)
        entry.copy_scope_from(assessment)
        if left_off is not None and index == left_off and len(candidates) > 1:
            entry.included = False
            entry.remark = "本年度受到诫勉谈话，暂缓表彰。"
        _save(entry, decider)
    commendations.status = CommendationListStatus.DECIDED
    commendations.decided_on = decided_on
    commendations.decision_number = number
    commendations.decided_by = decider
    return _save(commendations, decider)


def _commendations(county, today, accounts) -> None:
    deciders = {Level.COUNTY: accounts.get("county_admin"), Level.TOWNSHIP: accounts.get("town_organizer")}
    last = today.year - 1
    if today >= dt.date(today.year, 1, 25):
        _commendation_list(county, year=last, occasion=CommendationOccasion.YEAR_END, ratings_year=last,
                           decided_on=dt.date(today.year, 1, 20), number=f"仙委组〔{today.year}〕5号",
                           deciders=deciders, left_off=2)
    if today < dt.date(today.year, 6, 28):
        return
    township_ids = (MemberAssessment.objects.filter(county=county, year=last, kind=AssessmentKind.YEAR_END,
                                                    status=AssessmentStatus.FINAL)
                    .values_list("township_id", flat=True).distinct())
    for number, township in enumerate(Division.objects.filter(pk__in=township_ids).order_by("code"), start=18):
        _commendation_list(township, year=today.year, occasion=CommendationOccasion.JULY_FIRST, ratings_year=last,
                           decided_on=dt.date(today.year, 6, 26),
                           number=f"{township.name[:1]}委〔{today.year}〕{number}号", deciders=deciders)


# -------------------------------------------------------------------------------------------- plaques


def _plaques(county, today, accounts) -> None:
    writer = accounts.get("village_secretary") or accounts.get("town_organizer")
    hung_on = dt.date(today.year - 1, 6, 28)
    members = (PartyMember.objects.filter(county=county, is_active=True).select_related("organization__division")
               .order_by("organization__division__code", "pk"))
    serial: dict[int, int] = {}
    for member in members:
        serial[member.organization_id] = serial.get(member.organization_id, 0) + 1
        plaque = MemberPlaque(member=member, number=f"{member.organization.division.code[-6:]}-"
                                                    f"{serial[member.organization_id]:03d}", hung_on=hung_on)
        plaque.copy_scope_from(member)
        if member.category == "mobile" and serial[member.organization_id] % 4 == 0:
            plaque.removed_on = min(dt.date(today.year, 3, 10), today)
            plaque.removed_reason = "全家迁居外地，组织关系转出。"
        _save(plaque, writer)
