"""Demo star management of county 1 (seed 000 and seed 004).

- Last year's organization ratings, approved, for every village and community organization, spread
  ≈10% 5 stars, 30% 4, 40% 3, 15% 2, 5% 1 (the weak and lax organizations of this year's round got the
  low ones: below 3 stars they are next year's screening candidates); this year's ratings in progress for
  a few organizations of 林安镇 (one per step, 东山村 at self-assessment).
- Party members for 东山村 and three other villages (20-40 each, the four categories, some exempt, "1+2"
  households), last year's year-end ratings finalised within the quotas, this year's commitments published,
  the quarterly bulletins held so far and this year's half-year pre-assessment.

Dates are relative to ``timezone.localdate()``. Deterministic (seeded per organization) and idempotent:
an organization that already has a rating of a year, or Party members, is left alone. Rows are written with
``bulk_create`` plus their audit-trail rows.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from organizations.models import Organization
from organizations.policies import effective_policy

from ..models import (
    Aspect,
    AssessmentKind,
    AssessmentStatus,
    ContactHousehold,
    MemberAssessment,
    MemberBulletin,
    MemberCategory,
    MemberCommitment,
    OrganizationRating,
    PartyMember,
    RatingStep,
    Sex,
)
from ..rules.star_rating import (
    MEMBER_POLICY_KEYS,
    ORG_STAR_POLICY_KEYS,
    member_cap,
    notice_end,
    quota_allowed,
)

#: (stars, share) of last year's organization ratings.
STAR_SHARES = [(5, 10), (4, 30), (3, 40), (2, 15), (1, 5)]
GRADE_OF = {5: "good", 4: "good", 3: "fairly_good", 2: "average", 1: "poor", 0: "poor"}
SCORE_OF = {5: (95, 99), 4: (85, 94), 3: (75, 84), 2: (65, 74), 1: (55, 64), 0: (40, 54)}
#: Villages with Party members in star management: (township, village); 东山村 is the village secretary's.
MEMBER_VILLAGES = [("林安镇", "东山村"), ("林安镇", None), ("状元镇", None), ("榜头镇", None)]

_SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢傅游"
_GIVEN_M = ["建国", "志强", "国华", "明辉", "文斌", "春生", "金水", "德明", "少华", "清泉", "永福", "振宇",
            "晓东", "国平", "炳坤", "荣华", "阿明", "天佑", "锦辉", "建华", "文忠", "宗杰"]
_GIVEN_F = ["秀英", "丽娟", "海燕", "玉兰", "美玲", "丽华", "淑珍", "亚平", "秀兰", "桂香", "雪梅", "惠珍"]
_POSTS = ["政策宣传岗", "环境卫生监督岗", "矛盾纠纷调解岗", "致富带富示范岗", "村务监督岗", "平安巡逻岗",
          "关爱留守老人岗", "科技推广岗"]
_ADDRESSES = ["一组", "二组", "三组", "四组", "五组", "六组", "新村片", "老街片"]
_BULLETINS = {
    1: "召开第一季度党员星级管理通报会，通报党员争星进展：大部分党员按承诺参加组织生活，联系户走访到位；"
       "个别流动党员参加学习较少，已通过微信群补学。",
    2: "召开第二季度通报会：党员参与人居环境整治、防汛值守表现突出；提出改进意见：联户服务记录不够及时，"
       "下季度统一使用党员争星纪实本。",
    3: "召开第三季度通报会：党员认领岗位履职情况良好，调解纠纷多起；对两名参加组织生活不够经常的党员进行提醒谈话。",
    4: "召开第四季度通报会，部署年终“三评两公开”考评工作。",
}


def seed(county, *, accounts) -> None:
    today = timezone.localdate()
    author = accounts.get("town_organizer") or accounts.get("county_admin")
    with transaction.atomic():
        organizations = list(Organization.objects.filter(county=county, village__isnull=False)
                             .select_related("division", "township").order_by("division__code"))
        policy = effective_policy(county)
        _ratings_last_year(county, organizations, today, author, policy)
        _ratings_this_year(organizations, today, author, accounts)
        _members(organizations, today, accounts, policy)


def _bulk(model, objects, *, when: dt.datetime, user=None) -> None:
    if not objects:
        return
    model.objects.bulk_create(objects)
    model.history.bulk_history_create(objects, default_date=when, default_user=user)


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _scope(obj, organization):
    obj.organization = organization
    obj.county_id = organization.county_id
    obj.township_id = organization.township_id
    return obj


# ------------------------------------------------------------------------------------- organizations


def _star_plan(organizations, county) -> dict[int, int]:
    """Stars per organization: the shares above, the weak and lax ones in the lowest bands."""
    from organizations.demo import weak_organizations

    rectified, not_yet = weak_organizations(county)
    weak = {o.pk for o in rectified + not_yet}
    total = len(organizations)
    counts = [(stars, round(total * share / 100)) for stars, share in STAR_SHARES]
    counts[2] = (3, total - sum(c for s, c in counts if s != 3))
    pool = [stars for stars, count in sorted(counts) for _i in range(count)]  # lowest first
    rng = random.Random(2025)
    ordered = [o for o in organizations if o.pk in weak] + rng.sample(
        [o for o in organizations if o.pk not in weak], total - len([o for o in organizations if o.pk in weak]))
    low = pool[:len(weak)]
    rng.shuffle(low)
    return {o.pk: stars for o, stars in zip(ordered, low + pool[len(weak):], strict=False)}


def _ratings_last_year(county, organizations, today, author, policy) -> None:
    year = today.year - 1
    done = set(OrganizationRating.objects.filter(organization__in=organizations, year=year)
               .values_list("organization_id", flat=True))
    plan = _star_plan(organizations, county)
    snapshot = policy.snapshot(ORG_STAR_POLICY_KEYS)
    notice_from = dt.date(year, 12, 10)
    approved_on = dt.date(year, 12, 20)
    rows = []
    for org in organizations:
        if org.pk in done:
            continue
        rng = random.Random(f"{org.division.code}-{year}")
        stars = plan[org.pk]
        grade = GRADE_OF[stars]
        self_stars = min(stars + rng.choice([0, 0, 1]), 5)
        rating = _scope(OrganizationRating(
            year=year, step=RatingStep.APPROVED,
            self_grade=GRADE_OF[self_stars], self_score=rng.randint(*SCORE_OF[self_stars]),
            self_note="对照“五个好”标准逐项自查，班子团结，党员作用发挥较好，存在的不足已列出整改清单。",
            public_grade=grade, public_score=rng.randint(*SCORE_OF[stars]),
            public_note="召开党员和群众代表测评会，发放测评表，群众满意度较高。" if stars >= 3
            else "群众测评中反映班子凝聚力不强、服务群众不够主动。",
            review_grade=grade, review_score=rng.randint(*SCORE_OF[stars]), stars=stars,
            review_note="经镇党委组织考评，同意评定。" if stars >= 3 else "经镇党委组织考评，列为后进，建议纳入下年度排查。",
            notice_start=notice_from, notice_end=notice_end(notice_from, int(policy["public_notice_days"])),
            approved_by=author, approved_at=_moment(approved_on), policy=snapshot, version=6,
        ), org)
        rows.append(rating)
    _bulk(OrganizationRating, rows, when=_moment(approved_on), user=author)


def _ratings_this_year(organizations, today, author, accounts) -> None:
    """A few ratings of this year in progress in 林安镇, one per step before approval."""
    year = today.year
    linan = [o for o in organizations if o.township and o.township.name == "林安镇"]
    done = set(OrganizationRating.objects.filter(organization__in=linan, year=year)
               .values_list("organization_id", flat=True))
    dongshan = [o for o in linan if o.division.name == "东山村"]
    others = [o for o in linan if o.division.name != "东山村"][:5]
    steps = [RatingStep.SELF_ASSESSMENT, RatingStep.PUBLIC_APPRAISAL, RatingStep.ORGANIZATION_REVIEW,
             RatingStep.PUBLIC_NOTICE, RatingStep.PUBLIC_NOTICE, RatingStep.SELF_ASSESSMENT]
    policy = effective_policy(linan[0].division) if linan else None
    rows = []
    for org, step in zip(dongshan + others, steps, strict=False):
        if org.pk in done:
            continue
        rng = random.Random(f"{org.division.code}-{year}")
        stars = rng.choice([3, 3, 4, 4, 5])
        rating = _scope(OrganizationRating(year=year, step=step), org)
        index = [RatingStep.SELF_ASSESSMENT, RatingStep.PUBLIC_APPRAISAL, RatingStep.ORGANIZATION_REVIEW,
                 RatingStep.PUBLIC_NOTICE].index(step)
        if index >= 1:
            rating.self_grade, rating.self_score = GRADE_OF[stars], rng.randint(*SCORE_OF[stars])
            rating.self_note = "对照“五个好”标准开展自查自评。"
        if index >= 2:
            rating.public_grade, rating.public_score = GRADE_OF[stars], rng.randint(*SCORE_OF[stars])
            rating.public_note = "党员和群众代表测评。"
        if index >= 3:
            rating.review_grade, rating.review_score, rating.stars = GRADE_OF[stars], rng.randint(
                *SCORE_OF[stars]), stars
            rating.review_note = "镇党委组织考评。"
            rating.policy = policy.snapshot(ORG_STAR_POLICY_KEYS)
            if len([r for r in rows if r.step == RatingStep.PUBLIC_NOTICE]) == 0:
                rating.notice_start = today - dt.timedelta(days=2)  # notice still running
            else:
                rating.notice_start = today - dt.timedelta(days=9)  # notice over: ready for approval
            rating.notice_end = notice_end(rating.notice_start, int(policy["public_notice_days"]))
        rating.version = 1 + index
        rows.append(rating)
    _bulk(OrganizationRating, rows, when=_moment(today - dt.timedelta(days=1)), user=author)


# -------------------------------------------------------------------------------------------- members


def _member_organizations(organizations) -> list[Organization]:
    chosen = []
    for township, village in MEMBER_VILLAGES:
        pool = [o for o in organizations if o.township and o.township.name == township
                and o.category == "village" and o not in chosen]
        if village:
            pool = [o for o in pool if o.division.name == village]
        else:
            pool = [o for o in pool if o.division.name != "东山村"][3:]
        if pool:
            chosen.append(pool[0])
    return chosen


def _category_list(rng, count) -> list[str]:
    cadres = rng.randint(5, 7)
    incapacitated = max(2, count * 15 // 100)
    mobile = max(3, count * 20 // 100)
    in_village = count - cadres - incapacitated - mobile
    return ([MemberCategory.CADRE] * cadres + [MemberCategory.IN_VILLAGE] * in_village
            + [MemberCategory.INCAPACITATED] * incapacitated + [MemberCategory.MOBILE] * mobile)


def _split(total: int, parts: int, top: int) -> list[int]:
    values = [0] * parts
    for i in range(total):
        values[i % parts] += 1
    return [min(v, top) for v in values]


def _members(organizations, today, accounts, policy) -> None:
    with_members = set(PartyMember.objects.filter(organization__in=organizations)
                       .values_list("organization_id", flat=True).distinct())
    writer = accounts.get("village_secretary")
    finaliser = accounts.get("town_organizer")
    for org in _member_organizations(organizations):
        if org.pk in with_members:
            continue
        _seed_members(org, today, writer, finaliser, policy)


def _seed_members(org, today, writer, finaliser, policy) -> None:
    rng = random.Random(f"members-{org.division.code}")
    count = rng.randint(22, 36)
    last, this = today.year - 1, today.year
    names = set()
    members = []
    for category in _category_list(rng, count):
        sex = Sex.FEMALE if rng.random() < 0.3 else Sex.MALE
        while True:
            name = rng.choice(_SURNAMES) + rng.choice(_GIVEN_F if sex == Sex.FEMALE else _GIVEN_M)
            if name not in names:
                names.add(name)
                break
        old = category == MemberCategory.INCAPACITATED
        born = dt.date(rng.randint(1938, 1955) if old else rng.randint(1960, 1998), rng.randint(1, 12), 1)
        joined = dt.date(min(born.year + rng.randint(20, 35), today.year - 1), rng.randint(1, 12), 1)
        member = _scope(PartyMember(
            name=name, sex=sex, birth_date=born, joined_party_on=joined, category=category,
            exempt=old and rng.random() < 0.5,
            post_claimed="" if old else rng.choice(_POSTS)), org)
        member._history_user = writer
        members.append(member)
    _bulk(PartyMember, members, when=_moment(dt.date(last, 2, 20)), user=writer)

    households = []
    for member in members:
        if member.exempt or member.category == MemberCategory.INCAPACITATED:
            continue
        for _i in range(rng.choice([1, 2, 2])):
            households.append(_scope(ContactHousehold(
                member=member, head_name=rng.choice(_SURNAMES) + rng.choice(_GIVEN_M),
                address=f"{org.division.name}{rng.choice(_ADDRESSES)}{rng.randint(1, 60)}号",
                since=dt.date(last, rng.randint(1, 6), 1),
                note="留守老人户" if rng.random() < 0.3 else ""), org))
    _bulk(ContactHousehold, households, when=_moment(dt.date(last, 3, 1)), user=writer)

    rated = [m for m in members if not m.exempt]
    _year_end(org, rated, last, rng, writer, finaliser, policy)
    _commitments(org, rated, this, rng, writer, policy)
    _bulletins(org, this, today, rng, writer)
    if today >= dt.date(this, 7, 15):
        _half_year(org, rated, this, rng, writer, policy)


def _final_stars(rng, members, policy) -> dict[int, int]:
    """Final stars within the quotas: at most floor(quota x n) in the high band of each scale."""
    result = {}
    for capped in (False, True):
        group = [m for m in members if (member_cap(policy, m.category) != int(policy["member_star_cap"])) == capped]
        if not group:
            continue
        cap = member_cap(policy, group[0].category)
        quota = policy["member_limited_high_star_quota"] if capped else policy["member_high_star_quota"]
        high = min(quota_allowed(quota, len(group)), max(1, len(group) // 4))
        order = rng.sample(group, len(group))
        for index, member in enumerate(order):
            if index < high:
                result[member.pk] = rng.choice([cap, cap - 1])
            elif index >= len(order) - (2 if not capped else 1):
                result[member.pk] = rng.randint(max(cap // 3 - 1, 1), cap // 3 + 1)  # the lagging ones
            else:
                result[member.pk] = rng.randint(cap // 2, cap - 2)
    return result


def _year_end(org, members, year, rng, writer, finaliser, policy) -> None:
    final = _final_stars(rng, members, policy)
    notice_from = dt.date(year, 12, 15)
    snapshot = policy.snapshot(MEMBER_POLICY_KEYS)
    rows = []
    for member in members:
        cap = member_cap(policy, member.category)
        stars = final[member.pk]

        def near(value, cap=cap):
            return max(0, min(cap, value + rng.choice([-1, 0, 0, 1])))

        aspects = dict(zip(Aspect.values, _split(stars, 5, 2 if cap >= 10 else cap), strict=True))
        rows.append(_scope(MemberAssessment(
            member=member, year=year, kind=AssessmentKind.YEAR_END, star_cap=cap, aspect_stars=aspects,
            score=min(100, 50 + stars * 5 + rng.randint(0, 4)), self_stars=near(stars + 1), peer_stars=near(stars),
            public_stars=near(stars), preliminary_stars=stars, final_stars=stars, status=AssessmentStatus.FINAL,
            notice_start=notice_from, notice_end=notice_end(notice_from, int(policy["public_notice_days"])),
            finalized_by=finaliser, finalized_at=_moment(dt.date(year, 12, 28)), policy=snapshot,
            note="" if stars > cap // 3 + 1 else "列为后进党员，由支部确定星级党员结对帮带。"), org))
    _bulk(MemberAssessment, rows, when=_moment(dt.date(year, 12, 28)), user=finaliser)


def _commitments(org, members, year, rng, writer, policy) -> None:
    rows = []
    for member in members:
        cap = member_cap(policy, member.category)
        total = cap if rng.random() < 0.6 else cap - rng.randint(1, 2)
        goals = dict(zip(Aspect.values, _split(total, 5, 2 if cap >= 10 else cap), strict=True))
        rows.append(_scope(MemberCommitment(
            member=member, year=year, goals=goals, goal_stars=sum(goals.values()),
            pledges="认真学习党的理论，按时参加“三会一课”，联系服务好结对户，履行好认领岗位职责。",
            signed_on=dt.date(year, 3, rng.randint(1, 20)), published=True), org))
    _bulk(MemberCommitment, rows, when=_moment(dt.date(year, 3, 25)), user=writer)


def _bulletins(org, year, today, rng, writer) -> None:
    rows = []
    held_already = set(MemberBulletin.objects.filter(organization=org, year=year).values_list("quarter", flat=True))
    for quarter in (1, 2, 3, 4):
        held = dt.date(year, quarter * 3, 25)
        if held > today:
            break
        if quarter in held_already:
            continue
        rows.append(_scope(MemberBulletin(year=year, quarter=quarter, held_on=held, summary=_BULLETINS[quarter],
                                          author=writer), org))
    _bulk(MemberBulletin, rows, when=_moment(dt.date(year, 9, 26)), user=writer)


def _half_year(org, members, year, rng, writer, policy) -> None:
    rows = []
    for member in members:
        cap = member_cap(policy, member.category)
        stars = rng.randint(cap // 2, cap - 1)
        rows.append(_scope(MemberAssessment(
            member=member, year=year, kind=AssessmentKind.HALF_YEAR, star_cap=cap,
            self_stars=min(cap, stars + rng.choice([0, 1])), peer_stars=stars, public_stars=stars,
            preliminary_stars=stars, status=AssessmentStatus.PRELIMINARY), org))
    _bulk(MemberAssessment, rows, when=_moment(dt.date(year, 7, 10)), user=writer)
