"""Demo reserve pool and trainings of county 1 (runs after the roster demo in cadres/demo.py).

Reserve pool: 500+ people over the county's ~297 villages and communities — most villages with 2-3, some
with 0-1 (short of the policy minimum), a few with 4 (above the maximum); types mixed with university-student
village officials in many pools; valid GB 11643 ID numbers; some yearly reviews; some entered the two
committees or left. Trainings: the county's 2025 and 2026 rotation trainings of village Party secretaries,
attended by most current secretaries of the roster (skipped when the roster is empty), and one township
training. Seeded (random.Random), idempotent (a county that has a pool, or an event of that title, is left
alone) and fast (bulk inserts with their audit-trail rows).
"""

from __future__ import annotations

import datetime as dt
import random

from simple_history.utils import bulk_create_with_history

from organizations.models import Division, Organization
from organizations.roles import Level

from ..identity import id_check_char
from ..models import (
    SECRETARY_POSTS,
    Cadre,
    Education,
    PoliticalStatus,
    ReserveCadre,
    ReserveReview,
    ReserveStatus,
    ReserveType,
    ReviewResult,
    Sex,
    Track,
    TrainingAttendance,
    TrainingEvent,
)
from ..selectors.reserve import POOL_CATEGORIES

TODAY = dt.date(2026, 11, 1)
AREA_CODE = "350322"
SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢傅游翁"
MALE_GIVEN = ["子豪", "浩然", "俊杰", "宇航", "鑫", "志鹏", "晨阳", "家乐", "明杰", "泽宇", "凯文", "文博", "振华", "嘉诚",
              "建平", "海峰", "少杰", "国栋"]
FEMALE_GIVEN = ["雨婷", "思琪", "佳怡", "晓琳", "梦瑶", "欣怡", "诗涵", "丽君", "静雯", "慧敏", "艺璇", "婉婷"]
MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "158", "159", "180", "187", "189", "199"]
#: In-pool counts per village and their weights: mostly 2-3, some short (0-1), a few above the maximum (4).
POOL_SIZES = [(0, 4), (1, 9), (2, 38), (3, 41), (4, 8)]
TYPE_WEIGHTS = [(ReserveType.STUDENT_OFFICIAL, 24), (ReserveType.MIGRANT_BUSINESS, 20),
                (ReserveType.RICH_LEADER, 26), (ReserveType.RETURNING_GRADUATE, 12), (ReserveType.VETERAN, 10),
                (ReserveType.OTHER, 8)]
CURRENT_POSTS = ["村委会委员", "村党支部委员", "村民小组长", "村务监督委员会委员", "合作社理事长", "村文书", "网格员",
                 "家庭农场主", "企业负责人", ""]
MEASURES = ["安排到村“两委”岗位跟班锻炼，参加县委党校后备干部培训班。", "挂职村委会主任助理，定期参加村“两委”会议。",
            "轮岗负责村集体经济项目，由村党组织书记结对帮带。", "参加乡镇组织的村级后备干部专题培训，承担信访调解工作。",
            "列席村“两委”会议，负责乡村振兴项目协调。"]
MENTOR_POSTS = ["村党组织书记", "乡镇组织委员", "包村干部", "乡镇党委副书记"]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


class _People:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[str] = set(ReserveCadre.objects.values_list("id_number", flat=True)) | set(
            Cadre.objects.values_list("id_number", flat=True))

    def person(self, reserve_type: str) -> dict:
        rng = self.rng
        sex = Sex.MALE if rng.random() < 0.68 else Sex.FEMALE
        name = rng.choice(SURNAMES) + rng.choice(MALE_GIVEN if sex == Sex.MALE else FEMALE_GIVEN)
        young = reserve_type in (ReserveType.STUDENT_OFFICIAL, ReserveType.RETURNING_GRADUATE)
        years = rng.randint(23, 32) if young else rng.randint(26, 45)
        born = dt.date(TODAY.year - years, rng.randint(1, 12), rng.randint(1, 28))
        while True:
            sequence = rng.randint(0, 999)
            sequence = sequence - sequence % 2 + (1 if sex == Sex.MALE else 0)
            first17 = f"{AREA_CODE}{born:%Y%m%d}{sequence % 1000:03d}"
            id_number = first17 + id_check_char(first17)
            if id_number not in self.ids:
                self.ids.add(id_number)
                break
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        education = (rng.choice([Education.BACHELOR, Education.BACHELOR, Education.ASSOCIATE, Education.POSTGRADUATE])
                     if young else rng.choice([Education.ASSOCIATE, Education.SENIOR, Education.BACHELOR,
                                               Education.SENIOR]))
        political = _weighted(rng, [(PoliticalStatus.MEMBER, 70), (PoliticalStatus.PROBATIONARY, 10),
                                    (PoliticalStatus.ACTIVIST, 12), (PoliticalStatus.MASSES, 8)])
        joined = None
        if political in (PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY):
            joined = min(dt.date(born.year + rng.randint(19, max(19, years - 2)), rng.randint(1, 12), 1),
                         TODAY - dt.timedelta(days=120))
        return {"name": name, "sex": sex, "ethnicity": "汉族" if rng.random() < 0.97 else "畲族", "birth_date": born,
                "id_number": id_number, "phone": phone, "education": education, "political_status": political,
                "joined_party_on": joined}


def seed(county: Division, *, accounts) -> None:
    user = accounts.get("county_admin") if hasattr(accounts, "get") else None
    rng = random.Random(f"reserve-{county.code}")
    _seed_pool(county, rng, user)
    _seed_trainings(county, rng, user)


def _seed_pool(county: Division, rng: random.Random, user) -> None:
    if ReserveCadre.objects.filter(county=county).exists():
        return
    villages = list(Organization.objects.filter(county=county, category__in=POOL_CATEGORIES, is_active=True)
                    .order_by("division__code", "pk"))
    people = _People(rng)
    reserves: list[ReserveCadre] = []
    for org in villages:
        size = _weighted(rng, POOL_SIZES)
        # Former members of the pool: entered the two committees or left.
        former = rng.choices([0, 1, 2], weights=[80, 16, 4])[0]
        for index in range(size + former):
            reserve_type = _weighted(rng, TYPE_WEIGHTS)
            joined_on = dt.date(rng.randint(2021, 2026), rng.randint(1, 12), rng.randint(1, 28))
            joined_on = min(joined_on, TODAY - dt.timedelta(days=30))
            track = Track.SECRETARY if index == 0 else Track.DIRECTOR if index == 1 else Track.COMMITTEE_MEMBER
            reserve = ReserveCadre(
                **people.person(reserve_type), reserve_type=reserve_type, track=track,
                current_post="大学生村官" if reserve_type == ReserveType.STUDENT_OFFICIAL else rng.choice(CURRENT_POSTS),
                mentor=rng.choice(SURNAMES) + rng.choice(MALE_GIVEN) + "（" + rng.choice(MENTOR_POSTS) + "）",
                joined_on=joined_on, measures=rng.choice(MEASURES))
            if index >= size:
                reserve.status = ReserveStatus.ENTERED_COMMITTEE if rng.random() < 0.6 else ReserveStatus.LEFT
                reserve.status_changed_on = min(TODAY, joined_on + dt.timedelta(days=rng.randint(200, 900)))
                if reserve.status_changed_on <= joined_on:
                    reserve.status = ReserveStatus.IN_POOL
                    reserve.status_changed_on = None
                elif reserve.status == ReserveStatus.LEFT:
                    reserve.note = rng.choice(["外出务工，调出后备库", "本人申请退出", "迁出本村"])
                else:
                    reserve.note = "村级组织换届当选村“两委”委员"
            reserve.organization = org
            reserve.county_id, reserve.township_id = org.county_id, org.township_id
            reserves.append(reserve)
    created = bulk_create_with_history(reserves, ReserveCadre, batch_size=1000, default_user=user,
                                       default_change_reason="demo")
    reviews = []
    for reserve in created:
        for year in (2024, 2025):
            if reserve.joined_on.year <= year and rng.random() < 0.75:
                review = ReserveReview(reserve=reserve, year=year, result=_weighted(rng, [
                    (ReviewResult.EXCELLENT, 25), (ReviewResult.COMPETENT, 62),
                    (ReviewResult.BASICALLY_COMPETENT, 10), (ReviewResult.INCOMPETENT, 3)]))
                review.copy_scope_from(reserve)
                reviews.append(review)
    bulk_create_with_history(reviews, ReserveReview, batch_size=1000, default_user=user,
                             default_change_reason="demo")


def _seed_trainings(county: Division, rng: random.Random, user) -> None:
    secretaries = list(Cadre.objects.filter(
        county=county, post__in=SECRETARY_POSTS, organization__category__in=POOL_CATEGORIES).order_by("pk"))
    events = [
        (county, f"{county.name}2025年村（社区）党组织书记轮训班", dt.date(2025, 5, 12), dt.date(2025, 5, 15), 0.9),
        (county, f"{county.name}2026年村（社区）党组织书记轮训班", dt.date(2026, 4, 20), dt.date(2026, 4, 23), 0.8),
    ]
    township = Division.objects.filter(county=county, level=Level.TOWNSHIP).order_by("code").first()
    new_attendance: list[TrainingAttendance] = []
    for division, title, start, end, share in events:
        event = _event(division, title, user, held_on=start, ends_on=end, organizer=f"{county.name}委组织部",
                       location=f"{county.name}委党校", hours=28, for_secretaries=True)
        if event.attendance.exists():
            continue
        for cadre in secretaries:
            current = cadre.post_ended_on is None or cadre.post_ended_on >= start
            started = cadre.post_started_on is None or cadre.post_started_on <= end
            if current and started and rng.random() < share:
                row = TrainingAttendance(event=event, cadre=cadre, name=cadre.name, passed=rng.random() < 0.97)
                row.copy_scope_from(cadre)
                new_attendance.append(row)
    if township is not None:
        event = _event(township, f"{township.name}2026年村级后备干部和村“两委”干部培训会", user,
                       held_on=dt.date(2026, 7, 8), organizer=f"{township.name}党委",
                       location=f"{township.name}党群服务中心", hours=6, for_secretaries=False)
        if not event.attendance.exists():
            for cadre in Cadre.objects.filter(township=township, post_ended_on__isnull=True).order_by("pk")[:40]:
                row = TrainingAttendance(event=event, cadre=cadre, name=cadre.name, passed=True)
                row.copy_scope_from(cadre)
                new_attendance.append(row)
    if new_attendance:
        bulk_create_with_history(new_attendance, TrainingAttendance, batch_size=1000, default_user=user,
                                 default_change_reason="demo")


def _event(division: Division, title: str, user, **fields) -> TrainingEvent:
    event = TrainingEvent.objects.filter(division=division, title=title).first()
    if event is None:
        event = TrainingEvent(division=division, title=title, **fields)
        event._history_user = user
        event.save()
    return event
