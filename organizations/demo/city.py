"""Demo data shaped like seed 001: one city, two counties, Chinese names, demo accounts.

County 1 has 1 subdistrict and 17 towns with 297 villages and communities; 37 of their
organizations are weak and lax (34 village, 3 community), 32 of them rectified and the
five named in the seed not yet. Everything is created with get_or_create, so running
the command again changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from ..models import Division, ObjectAssignment, Organization, RoleAssignment, User
from ..models.divisions import DivisionKind
from ..models.orgs import OrganizationCategory, OrganizationType
from ..registry import demo_seeders
from ..roles import Role

DEMO_PASSWORD = "rectify-demo"

PROVINCE = ("350000000000", "福建省")
CITY = ("350300000000", "莆田市")
COUNTY_1 = ("350322000000", "仙游县")
COUNTY_2 = ("350303000000", "涵江区")

# County 1: (name, kind, villages+communities). 12 + the towns' 285 = 297.
COUNTY_1_TOWNSHIPS = [
    ("鲤城街道", DivisionKind.SUBDISTRICT, 12),
    ("林安镇", DivisionKind.TOWN, 18), ("状元镇", DivisionKind.TOWN, 17), ("榜头镇", DivisionKind.TOWN, 22),
    ("钟山镇", DivisionKind.TOWN, 16), ("游洋镇", DivisionKind.TOWN, 18), ("大济镇", DivisionKind.TOWN, 19),
    ("西苑乡", DivisionKind.TOWNSHIP, 14), ("郊尾镇", DivisionKind.TOWN, 17), ("枫亭镇", DivisionKind.TOWN, 21),
    ("盖尾镇", DivisionKind.TOWN, 16), ("度尾镇", DivisionKind.TOWN, 15), ("龙华镇", DivisionKind.TOWN, 16),
    ("赖店镇", DivisionKind.TOWN, 15), ("书峰乡", DivisionKind.TOWNSHIP, 13), ("石苍乡", DivisionKind.TOWNSHIP, 15),
    ("社硎乡", DivisionKind.TOWNSHIP, 14), ("园庄镇", DivisionKind.TOWN, 19),
]
COUNTY_2_TOWNSHIPS = [
    ("涵东街道", DivisionKind.SUBDISTRICT, 6), ("江口镇", DivisionKind.TOWN, 8), ("白塘镇", DivisionKind.TOWN, 7),
]

#: The five organizations seed 001 names as not yet rectified: (township, village, is community).
#: Fenshan is 汾山村 of 钟山镇 (a real village of 仙游县); "Reuters Village" of 游洋镇 is a machine rendering of
#: Lutou, 鲁头村 (also a real village of 游洋镇): 路透 is what "Reuters" is in Chinese, not the village.
NOT_YET_RECTIFIED = [
    ("林安镇", "东山村", False),
    ("状元镇", "柳湖村", False),
    ("榜头镇", "濂前社区", True),
    ("钟山镇", "汾山村", False),
    ("游洋镇", "鲁头村", False),
]

_FIRST = "东西南北上下前后新大小高龙凤石溪山林枫柳梅桃竹松云霞金玉清安福兴"
#: Second characters of generated village names: none is the suffix itself ("北村" + "村" made 北村村).
_SECOND = ["山", "湖", "坑", "头", "洋", "埔", "厝", "岭", "溪", "田", "坂", "洲", "塘", "林", "口", "亭", "庄",
           "园", "峰", "坪", "里", "兴"]
_SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢"
_GIVEN = ["建国", "志强", "秀英", "国华", "明辉", "丽娟", "海燕", "文斌", "春生", "金水", "玉兰", "德明",
          "少华", "清泉", "永福", "美玲", "振宇", "晓东", "国平", "丽华", "炳坤", "亚平", "淑珍", "荣华"]


@dataclass
class DemoAccount:
    username: str
    full_name: str
    description: str


DEMO_ACCOUNTS = [
    DemoAccount("county_admin", "陈志远", "仙游县委组织部（县级管理员）"),
    DemoAccount("county_leader", "林国强", "仙游县领导（只读）"),
    DemoAccount("town_organizer", "黄丽华", "林安镇组织委员"),
    DemoAccount("village_secretary", "郑建国", "林安镇东山村党支部书记"),
    DemoAccount("contact_leader", "吴振华", "联系县级领导（东山村、柳湖村、汾山村）"),
    DemoAccount("other_county_admin", "王海燕", "涵江区委组织部（另一县区管理员）"),
    DemoAccount("city_reviewer", "李明辉", "莆田市委组织部（全市只读）"),
]


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _village_names(rng: random.Random, count: int, fixed: list[str]) -> list[str]:
    names = list(fixed)
    while len(names) < count:
        name = rng.choice(_FIRST) + rng.choice(_SECOND)
        name = name + "村"
        if name not in names:
            names.append(name)
    return names


def community_name(village_name: str) -> str:
    """A subdistrict's community from a generated village name: the suffix changes, nothing else (玉村 → 玉社区)."""
    return village_name.removesuffix("村") + "社区"


def _division(code: str, name: str, kind: str, parent: Division | None, population=None) -> Division:
    from ..models.divisions import level_of_code

    division = Division.objects.filter(code=code).first()
    if division is not None:
        return division
    division = Division(code=code, name=name, kind=kind, level=level_of_code(code), parent=parent,
                        population=population)
    division.copy_ancestry()
    division.save()
    return division


def _organization(name, division, org_type, category, rng, parent=None, members=None) -> Organization:
    # Draw the random values first, so that a second run follows the same sequence.
    secretary = _person(rng)
    members = members if members is not None else rng.randint(18, 96)
    organization = Organization.objects.filter(division=division, name=name).first()
    if organization is not None:
        return organization
    organization = Organization(
        name=name, division=division, org_type=org_type, category=category, parent=parent,
        secretary_name=secretary, member_count=members, population=division.population,
    )
    organization.copy_ancestry()
    organization.save()
    return organization


def _build_county(rng, county, townships, fixed_by_township, communities_by_township):
    orgs: dict[str, list[Organization]] = {}
    for t_index, (t_name, t_kind, n_villages) in enumerate(townships):
        t_code = county.code[:6] + f"{(1 if t_kind == DivisionKind.SUBDISTRICT else 100 + t_index):03d}" + "000"
        township = _division(t_code, t_name, t_kind, county, population=rng.randint(18000, 62000))
        committee = _organization(f"中共{t_name}委员会", township, OrganizationType.COMMITTEE,
                                  OrganizationCategory.TOWNSHIP, rng, members=rng.randint(600, 1800))
        is_street = t_kind == DivisionKind.SUBDISTRICT
        fixed = fixed_by_township.get(t_name, [])
        names = _village_names(rng, n_villages, fixed)
        if is_street:
            names = [community_name(n) for n in names]
        community_names = set(communities_by_township.get(t_name, []))
        orgs[t_name] = []
        for v_index, v_name in enumerate(names):
            is_community = is_street or v_name in community_names or v_name.endswith("社区")
            v_code = t_code[:9] + f"{(1 if is_community else 200) + v_index:03d}"
            village = _division(v_code, v_name, DivisionKind.COMMUNITY if is_community else DivisionKind.VILLAGE,
                                township, population=rng.randint(900, 6200))
            members = rng.randint(20, 140)
            org_type = OrganizationType.GENERAL_BRANCH if members > 100 else OrganizationType.BRANCH
            suffix = "总支部委员会" if org_type == OrganizationType.GENERAL_BRANCH else "支部委员会"
            org = _organization(f"中共{t_name}{v_name}{suffix}", village, org_type,
                                OrganizationCategory.COMMUNITY if is_community else OrganizationCategory.VILLAGE,
                                rng, parent=committee, members=members)
            orgs[t_name].append(org)
        if t_index % 6 == 1:
            _organization(f"中共{t_name}兴业鞋业有限公司支部委员会", township, OrganizationType.BRANCH,
                          OrganizationCategory.NON_PUBLIC_ENTERPRISE, rng, parent=committee, members=rng.randint(5, 30))
    return orgs


def weak_organizations(county: Division) -> tuple[list[Organization], list[Organization]]:
    """County 1's 37 weak and lax organizations: (32 rectified, 5 not yet), deterministic."""
    named = []
    for t_name, v_name, _community in NOT_YET_RECTIFIED:
        named.append(Organization.objects.get(county=county, division__name=v_name, division__parent__name=t_name))
    pool = list(
        Organization.objects.filter(county=county, village__isnull=False).exclude(pk__in=[o.pk for o in named])
        .order_by("division__code")
    )
    rng = random.Random(1743)
    communities = [o for o in pool if o.category == OrganizationCategory.COMMUNITY]
    villages = [o for o in pool if o.category == OrganizationCategory.VILLAGE]
    rectified = rng.sample(communities, 2) + rng.sample(villages, 30)
    rectified.sort(key=lambda o: o.division.code)
    return rectified, named


def _mark_poverty_villages(county: Division) -> None:
    """About one village in eight of county 1 is a 脱贫村 (a formerly registered poor village), among them
    Fenshan and Liuhu of the seed's five; deterministic, like the rest of the demo."""
    villages = list(Organization.objects.filter(county=county, village__isnull=False,
                                                category=OrganizationCategory.VILLAGE)
                    .select_related("division").order_by("division__code"))
    chosen = {o.pk for o in random.Random(2020).sample(villages, len(villages) // 8)}
    chosen |= {o.pk for o in villages if o.division.name in ("汾山村", "柳湖村")}
    Organization.objects.filter(pk__in=chosen, is_poverty_village=False).update(is_poverty_village=True)


@transaction.atomic
def seed_demo() -> dict[str, int]:
    rng = random.Random(20261123)
    province = _division(*PROVINCE, DivisionKind.PROVINCE, None)
    city = _division(*CITY, DivisionKind.CITY, province)
    county1 = _division(*COUNTY_1, DivisionKind.COUNTY, city, population=1_100_000)
    county2 = _division(*COUNTY_2, DivisionKind.DISTRICT, city, population=480_000)
    fixed = {t: [] for t, _k, _n in COUNTY_1_TOWNSHIPS}
    communities = {}
    for t_name, v_name, is_community in NOT_YET_RECTIFIED:
        fixed[t_name].append(v_name)
        if is_community:
            communities.setdefault(t_name, []).append(v_name)
    orgs1 = _build_county(rng, county1, COUNTY_1_TOWNSHIPS, fixed, communities)
    _build_county(rng, county2, COUNTY_2_TOWNSHIPS, {}, {})
    _organization("中共仙游县委组织部机关支部委员会", county1, OrganizationType.BRANCH, OrganizationCategory.AGENCY,
                  rng, members=24)

    linan = Division.objects.get(code__startswith=county1.code[:6], name="林安镇", level="township")
    dongshan = Division.objects.get(parent=linan, name="东山村")
    accounts = _accounts()
    _grant(accounts["county_admin"], Role.COUNTY_ADMIN, county1)
    _grant(accounts["county_leader"], Role.COUNTY_LEADER, county1)
    _grant(accounts["town_organizer"], Role.TOWNSHIP_ORGANIZER, linan)
    _grant(accounts["village_secretary"], Role.VILLAGE_SECRETARY, dongshan)
    _grant(accounts["other_county_admin"], Role.COUNTY_ADMIN, county2)
    _grant(accounts["city_reviewer"], Role.REVIEWER, city)
    for t_name, v_name, _c in [NOT_YET_RECTIFIED[0], NOT_YET_RECTIFIED[1], NOT_YET_RECTIFIED[3]]:
        org = next(o for o in orgs1[t_name] if o.division.name == v_name)
        ObjectAssignment.objects.get_or_create(user=accounts["contact_leader"], role=Role.CONTACT_LEADER,
                                               organization=org)
    _mark_poverty_villages(county1)
    for seeder in demo_seeders():  # the apps' demo data (the ledger, evaluations, cadres), in their order
        seeder.seed(county1, accounts=accounts)
    return {
        "divisions": Division.objects.filter(city=city).count() + 1,
        "organizations": Organization.objects.filter(city=city).count(),
        "accounts": len(accounts),
    }


def _accounts() -> dict[str, User]:
    accounts = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username,
                                                   defaults={"full_name": account.full_name,
                                                             "post": account.description})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        accounts[account.username] = user
    return accounts


def _grant(user: User, role: str, division: Division) -> None:
    RoleAssignment.objects.get_or_create(user=user, role=role, division=division)
