"""Demo rosters of county 1: the two committees of each of its ~297 villages and communities, and one
organizer in each township Party committee. Seeded (random.Random), idempotent (an organization that has
any cadre is left alone) and fast (one bulk insert with the audit-trail rows).

ID numbers carry a Putian (仙游县 350322) area code, a plausible birth date and a correct GB 11643 check
digit; sex follows the 17th digit (odd: male).
"""

from __future__ import annotations

import datetime as dt
import random

from simple_history.utils import bulk_create_with_history

from organizations.models import Organization, RoleAssignment
from organizations.models.orgs import OrganizationCategory

from ..identity import id_check_char
from ..models import Cadre, Education, PoliticalStatus, Post, Sex

AREA_CODE = "350322"
TODAY = dt.date(2026, 11, 1)
SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢傅游翁"
MALE_GIVEN = ["建国", "志强", "国华", "明辉", "文斌", "春生", "金水", "德明", "少华", "清泉", "永福", "振宇", "晓东",
              "国平", "炳坤", "亚平", "荣华", "建华", "福生", "国梁", "伟东", "志明", "锦辉", "文杰", "俊峰", "天佑"]
FEMALE_GIVEN = ["秀英", "丽娟", "海燕", "玉兰", "美玲", "丽华", "淑珍", "秀琴", "金凤", "雅婷", "晓燕", "春梅",
                "惠珍", "月娥", "丽萍", "婉清"]
MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "180", "181",
                   "187", "188", "189", "199"]
EDUCATION_BY_AGE = [(35, [Education.BACHELOR, Education.ASSOCIATE, Education.ASSOCIATE]),
                    (50, [Education.ASSOCIATE, Education.SENIOR, Education.SENIOR, Education.BACHELOR]),
                    (99, [Education.SENIOR, Education.JUNIOR, Education.SENIOR])]
#: Villages whose secretary has left and not yet been replaced (flagged "no Party secretary").
VACANT = {("状元镇", "柳湖村"), ("游洋镇", "鲁头村")}


class _People:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[str] = set(Cadre.objects.values_list("id_number", flat=True))
        self.phones: set[str] = set()

    def person(self, *, age: tuple[int, int], sex: str | None = None, name: str = "", member: float = 0.9,
               education=None) -> dict:
        rng = self.rng
        sex = sex or (Sex.MALE if rng.random() < 0.78 else Sex.FEMALE)
        name = name or rng.choice(SURNAMES) + rng.choice(MALE_GIVEN if sex == Sex.MALE else FEMALE_GIVEN)
        years = rng.randint(*age)
        born = dt.date(TODAY.year - years, rng.randint(1, 12), rng.randint(1, 28))
        while True:
            sequence = rng.randint(0, 99) * 10 + rng.randint(0, 9)
            sequence = sequence - sequence % 2 + (1 if sex == Sex.MALE else 0)
            first17 = f"{AREA_CODE}{born:%Y%m%d}{sequence:03d}"
            id_number = first17 + id_check_char(first17)
            if id_number not in self.ids:
                self.ids.add(id_number)
                break
        while True:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                break
        if education is None:
            education = rng.choice(next(levels for limit, levels in EDUCATION_BY_AGE if years <= limit))
        political = PoliticalStatus.MEMBER if rng.random() < member else rng.choice(
            [PoliticalStatus.MASSES, PoliticalStatus.PROBATIONARY])
        joined = None
        if political in (PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY):
            joined_age = rng.randint(19, min(years - 1, 40)) if political == PoliticalStatus.MEMBER else years - 1
            joined = min(dt.date(born.year + joined_age, rng.randint(1, 12), 1), TODAY - dt.timedelta(days=200))
        return {"name": name, "sex": sex, "ethnicity": "汉族" if rng.random() < 0.97 else "畲族", "birth_date": born,
                "id_number": id_number, "phone": phone, "education": education, "political_status": political,
                "joined_party_on": joined}


def _cadre(org: Organization, post: str, started: dt.date, person: dict, ended=None, note="") -> Cadre:
    cadre = Cadre(post=post, post_started_on=started, post_ended_on=ended, note=note, **person)
    cadre.organization = org
    cadre.county_id, cadre.township_id = org.county_id, org.township_id
    return cadre


def _election_date(rng: random.Random) -> dt.date:
    """The 2021 village elections (换届), or an earlier or later appointment."""
    roll = rng.random()
    if roll < 0.75:
        return dt.date(2021, rng.randint(1, 5), rng.randint(1, 28))
    if roll < 0.9:
        return dt.date(rng.randint(2015, 2020), rng.randint(1, 12), rng.randint(1, 28))
    return dt.date(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28))


def _village_roster(rng, people: _People, org: Organization, secretary_name: str, vacant: bool) -> list[Cadre]:
    rows: list[Cadre] = []
    size = rng.randint(5, 7)
    combined = rng.random() < 0.68  # 一肩挑 is the policy goal: most villages have it
    started = _election_date(rng)
    secretary = people.person(age=(36, 58), name=secretary_name, member=1.0,
                              sex=Sex.FEMALE if secretary_name[-2:] in FEMALE_GIVEN else Sex.MALE)
    if vacant:
        ended = dt.date(2026, rng.randint(3, 8), rng.randint(1, 28))
        rows.append(_cadre(org, Post.SECRETARY, started, secretary, ended=ended, note="调离"))
        combined = False
    else:
        rows.append(_cadre(org, Post.SECRETARY_DIRECTOR if combined else Post.SECRETARY, started, secretary))
    if not combined:
        rows.append(_cadre(org, Post.DIRECTOR, started, people.person(age=(35, 58), member=0.75)))
    if rng.random() < 0.7:
        rows.append(_cadre(org, Post.DEPUTY_SECRETARY, started, people.person(age=(32, 55), member=1.0)))
    if rng.random() < 0.18:
        person = people.person(age=(23, 29), member=0.85, education=rng.choice([Education.BACHELOR,
                                                                                 Education.BACHELOR,
                                                                                 Education.POSTGRADUATE]))
        rows.append(_cadre(org, Post.STUDENT_OFFICIAL, dt.date(rng.randint(2022, 2025), 8, 1), person))
    current = sum(1 for c in rows if c.post_ended_on is None)
    while current < size:
        female = rng.random() < 0.4  # women members of the two committees (妇女委员)
        rows.append(_cadre(org, Post.COMMITTEE_MEMBER, started,
                           people.person(age=(26, 56), member=0.7, sex=Sex.FEMALE if female else None)))
        current += 1
    return rows


def seed(county, *, accounts) -> None:
    rng = random.Random(f"cadre-roster-{county.code}")
    people = _People(rng)
    done = set(Cadre.objects.filter(county=county).values_list("organization_id", flat=True).distinct())
    persona_divisions = {}
    for username in ("village_secretary", "town_organizer"):
        user = accounts.get(username)
        if user is not None:
            for division_id in RoleAssignment.objects.filter(user=user).values_list("division_id", flat=True):
                persona_divisions[division_id] = user.display_name
    orgs = list(Organization.objects.filter(county=county, is_active=True).select_related("division", "township")
                .order_by("division__code", "name"))
    rows: list[Cadre] = []
    for org in orgs:
        if org.category in (OrganizationCategory.VILLAGE, OrganizationCategory.COMMUNITY) and org.village_id:
            secretary = persona_divisions.get(org.division_id) or org.secretary_name or ""
            vacant = (org.township.name if org.township else "", org.division.name) in VACANT
            # Draw first, so a second run follows the same sequence whatever is skipped.
            village_rows = _village_roster(rng, people, org, secretary, vacant)
            if org.pk not in done:
                rows.extend(village_rows)
        elif org.category == OrganizationCategory.TOWNSHIP and org.division.level == "township":
            name = persona_divisions.get(org.division_id, "")
            person = people.person(age=(30, 48), name=name, member=1.0,
                                   sex=Sex.FEMALE if name[-2:] in FEMALE_GIVEN else None,
                                   education=rng.choice([Education.BACHELOR, Education.BACHELOR, Education.POSTGRADUATE]))
            cadre = _cadre(org, Post.TOWNSHIP_ORGANIZER, dt.date(rng.randint(2019, 2024), rng.randint(1, 12), 1),
                           person)
            if org.pk not in done:
                rows.append(cadre)
    if rows:
        bulk_create_with_history(rows, Cadre, batch_size=1000, default_user=accounts.get("county_admin"),
                                 default_change_reason="演示数据")
