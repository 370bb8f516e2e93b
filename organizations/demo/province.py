"""A synthetic province for benchmarks: bulk inserts, level by level.

Every level is inserted with ``bulk_create`` in batches, then read back as code -> id
with one ``values_list`` query, and the ancestry columns of the next level are filled
from those ids (the same semantics as ``Division.copy_ancestry`` and
``Organization.copy_ancestry``). ``bulk_create`` bypasses django-simple-history: the
generated rows have no history, which is acceptable for benchmark data.

The generated province is marked by ``GENERATED_MARK`` in its name; ``delete_province``
refuses to delete a province without it, so a real province (the demo's 35) is safe.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import ProtectedError, Q, RestrictedError

from ..models import Division, ObjectAssignment, Organization, RoleAssignment, User
from ..models.divisions import DivisionKind
from ..models.orgs import OrganizationCategory, OrganizationType
from ..registry import province_parts
from ..roles import Level, Role

GENERATED_MARK = "（模拟）"
BENCH_PASSWORD = "rectify-demo"
BENCH_REVIEWER = "bench_province_reviewer"
BENCH_TOWN_ORGANIZER = "bench_town_organizer"
BENCH_COUNTY_ADMIN = "bench_county_admin"
BATCH_SIZE = 2000

_SYLLABLES = ("东西南北上下前后新大小高龙凤石溪山林枫柳梅桃竹松云霞金玉清安福兴平和永宁长乐"
              "丰泰宝华阳明双白青江河泉水湖洋坑坂田塘岭峰洲源溪")
_SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢"
_GIVEN = ("建国", "志强", "秀英", "国华", "明辉", "丽娟", "海燕", "文斌", "春生", "金水", "玉兰", "德明",
          "少华", "清泉", "永福", "美玲", "振宇", "晓东", "国平", "丽华", "炳坤", "亚平", "淑珍", "荣华")
_COMPANIES = ("兴业鞋业", "宏达机械", "永丰食品", "华美工艺", "鑫源电子", "海峡建材", "福泰茶业", "天成物流")


@dataclass
class ProvinceShape:
    """How many divisions per level. Counts spread as evenly as possible over their parents."""

    province_code: str = "99"
    cities: int = 15
    counties: int = 150
    townships: int = 2000
    villages: int = 50000
    enterprise_every: int = 6  # one non-public-enterprise branch every N townships
    seed: int = 20261123

    def validate(self) -> list[str]:
        errors = []
        code = self.province_code
        if len(code) != 2 or not code.isdigit() or code == "00":
            errors.append("The province code is two digits, not 00 (e.g. 99).")
        if not 1 <= self.cities <= 99:
            errors.append("There are 1 to 99 cities.")
        if self.counties < self.cities or self.counties > 99 * self.cities:
            errors.append("Every city needs at least one county and at most 99 (so --counties between "
                          f"{self.cities} and {99 * self.cities}).")
        if self.townships < self.counties or self.townships > 999 * self.counties:
            errors.append("Every county needs at least one township and at most 999.")
        if self.villages < 0 or self.villages > 999 * self.townships:
            errors.append("A township holds at most 999 villages.")
        if self.enterprise_every < 1:
            errors.append("--enterprise-every is at least 1.")
        return errors


@dataclass
class GenerateResult:
    province: Division
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` integers differing by at most one."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def unique(self, used: set[str], suffix: str, length: int = 2) -> str:
        for attempt in range(200):
            size = length + (attempt // 100)
            name = "".join(self.rng.choice(_SYLLABLES) for _ in range(size)) + suffix
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("ran out of names")  # pragma: no cover - 60^3 combinations

    def person(self) -> str:
        return self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)


def _ancestry(parent_row: dict, parent_level: str, parent_id: int) -> dict[str, int | None]:
    """Ancestor columns of a child division: the parent's own ancestry plus the parent (copy_ancestry)."""
    values = {f"{lvl}_id": parent_row.get(f"{lvl}_id") for lvl in ("province", "city", "county", "township",
                                                                    "village")}
    values[f"{parent_level}_id"] = parent_id
    return values


def _insert_level(rows: list[Division], code_prefix: str, level: str) -> dict[str, int]:
    Division.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return dict(Division.objects.filter(code__startswith=code_prefix, level=level).values_list("code", "id"))


@transaction.atomic
def generate_province(shape: ProvinceShape, *, log: Callable[[str], None] = lambda _m: None) -> GenerateResult:
    """Build the province described by ``shape`` (which must not exist yet) and the bench accounts."""
    rng = random.Random(shape.seed)
    names = _Names(rng)
    pp = shape.province_code
    started = time.perf_counter()
    timings: list[tuple[str, float]] = []

    def lap(label: str, since: float) -> float:
        now = time.perf_counter()
        timings.append((label, now - since))
        log(f"  {label}: {now - since:.2f} s")
        return now

    t = started
    province = Division(code=pp.ljust(12, "0"), name=f"第{pp}省{GENERATED_MARK}", level=Level.PROVINCE,
                        kind=DivisionKind.PROVINCE, population=rng.randint(30_000_000, 50_000_000))
    province.save()  # one row: the ordinary path (with its history record)
    anc_province = {"province_id": province.pk}

    # Cities.
    used: set[str] = set()
    city_rows = [Division(code=f"{pp}{i + 1:02d}".ljust(12, "0"), name=names.unique(used, "市"),
                          level=Level.CITY, kind=DivisionKind.CITY, parent_id=province.pk, **anc_province)
                 for i in range(shape.cities)]
    city_ids = _insert_level(city_rows, pp, Level.CITY)
    t = lap(f"{len(city_ids)} cities", t)

    # Counties.
    used = set()
    county_rows = []
    county_ancestry: dict[str, dict] = {}
    for city, n in zip(city_rows, spread(shape.counties, shape.cities), strict=True):
        city_id = city_ids[city.code]
        anc = _ancestry(anc_province, Level.CITY, city_id)
        for i in range(n):
            district = rng.random() < 0.3
            county_rows.append(Division(
                code=f"{city.code[:4]}{i + 1:02d}".ljust(12, "0"),
                name=names.unique(used, "区" if district else "县"), level=Level.COUNTY,
                kind=DivisionKind.DISTRICT if district else DivisionKind.COUNTY, parent_id=city_id,
                population=rng.randint(200_000, 1_200_000), **anc))
            county_ancestry[county_rows[-1].code] = anc
    county_ids = _insert_level(county_rows, pp, Level.COUNTY)
    t = lap(f"{len(county_ids)} counties", t)

    # Townships.
    township_rows = []
    township_ancestry: dict[str, dict] = {}
    for county, n in zip(county_rows, spread(shape.townships, shape.counties), strict=True):
        anc = _ancestry(county_ancestry[county.code], Level.COUNTY, county_ids[county.code])
        used = set()
        for i in range(n):
            draw = rng.random()
            kind, suffix = ((DivisionKind.SUBDISTRICT, "街道") if draw < 0.15 else
                            (DivisionKind.TOWNSHIP, "乡") if draw < 0.4 else (DivisionKind.TOWN, "镇"))
            township_rows.append(Division(
                code=f"{county.code[:6]}{i + 1:03d}000", name=names.unique(used, suffix), level=Level.TOWNSHIP,
                kind=kind, parent_id=county_ids[county.code], population=rng.randint(18_000, 62_000), **anc))
            township_ancestry[township_rows[-1].code] = anc
    township_ids = _insert_level(township_rows, pp, Level.TOWNSHIP)
    t = lap(f"{len(township_ids)} townships", t)

    # Villages and communities (a subdistrict has communities only).
    village_rows = []
    for township, n in zip(township_rows, spread(shape.villages, shape.townships), strict=True):
        anc = _ancestry(township_ancestry[township.code], Level.TOWNSHIP, township_ids[township.code])
        street = township.kind == DivisionKind.SUBDISTRICT
        used = set()
        for i in range(n):
            community = street or rng.random() < 0.08
            village_rows.append(Division(
                code=f"{township.code[:9]}{i + 1:03d}", name=names.unique(used, "社区" if community else "村"),
                level=Level.VILLAGE, kind=DivisionKind.COMMUNITY if community else DivisionKind.VILLAGE,
                parent_id=township_ids[township.code], population=rng.randint(900, 6200), **anc))
    village_ids = _insert_level(village_rows, pp, Level.VILLAGE)
    t = lap(f"{len(village_ids)} villages and communities", t)

    # Township Party committees first: the village branches point at them.
    committees = []
    for township in township_rows:
        committees.append(_org(names, f"中共{township.name}委员会", township, township_ids[township.code],
                               township_ancestry[township.code], OrganizationType.COMMITTEE,
                               OrganizationCategory.TOWNSHIP, members=rng.randint(600, 1800)))
    for county in county_rows:
        committees.append(_org(names, f"中共{county.name}委组织部机关支部委员会", county, county_ids[county.code],
                               county_ancestry[county.code], OrganizationType.BRANCH, OrganizationCategory.AGENCY,
                               members=rng.randint(15, 40)))
    Organization.objects.bulk_create(committees, batch_size=BATCH_SIZE)
    committee_ids = dict(Organization.objects.filter(province_id=province.pk, org_type=OrganizationType.COMMITTEE)
                         .values_list("division_id", "id"))
    t = lap(f"{len(committees)} township committees and county agency branches", t)

    township_names = {township_ids[tw.code]: tw.name for tw in township_rows}
    orgs = []
    for village in village_rows:
        members = rng.randint(20, 140)
        general = members > 100
        community = village.kind == DivisionKind.COMMUNITY
        name = f"中共{township_names[village.township_id]}{village.name}{'总支部委员会' if general else '支部委员会'}"
        orgs.append(_org(names, name, village, village_ids[village.code], _ancestry_of(village),
                         OrganizationType.GENERAL_BRANCH if general else OrganizationType.BRANCH,
                         OrganizationCategory.COMMUNITY if community else OrganizationCategory.VILLAGE,
                         members=members, parent_id=committee_ids[village.township_id]))
    for index, township in enumerate(township_rows):
        if index % shape.enterprise_every == 1 % shape.enterprise_every:
            township_id = township_ids[township.code]
            orgs.append(_org(names, f"中共{township.name}{rng.choice(_COMPANIES)}有限公司支部委员会", township,
                             township_id, township_ancestry[township.code], OrganizationType.BRANCH,
                             OrganizationCategory.NON_PUBLIC_ENTERPRISE, members=rng.randint(5, 30),
                             parent_id=committee_ids[township_id]))
    Organization.objects.bulk_create(orgs, batch_size=BATCH_SIZE)
    t = lap(f"{len(orgs)} village, community and enterprise branches", t)

    town = Division.objects.filter(province=province, level=Level.TOWNSHIP).order_by("code").first()
    _bench_account(BENCH_REVIEWER, "省级审核（模拟）", Role.REVIEWER, province)
    _bench_account(BENCH_TOWN_ORGANIZER, f"{town.name}组织委员（模拟）", Role.TOWNSHIP_ORGANIZER, town)
    lap("bench accounts", t)
    timings.append(("total", time.perf_counter() - started))
    counts = {
        "divisions": 1 + len(city_ids) + len(county_ids) + len(township_ids) + len(village_ids),
        "organizations": len(committees) + len(orgs),
    }
    return GenerateResult(province=province, counts=counts, timings=timings)


def _ancestry_of(village: Division) -> dict[str, int | None]:
    return {f"{lvl}_id": getattr(village, f"{lvl}_id") for lvl in ("province", "city", "county", "township")}


def _org(names: _Names, name: str, division: Division, division_id: int, division_ancestry: dict,
         org_type: str, category: str, *, members: int, parent_id: int | None = None) -> Organization:
    """An organization with its division's ancestry plus the division at its own level (copy_ancestry)."""
    ancestry = {f"{lvl}_id": division_ancestry.get(f"{lvl}_id") for lvl in ("province", "city", "county",
                                                                             "township", "village")}
    ancestry[f"{division.level}_id"] = division_id
    return Organization(name=name, org_type=org_type, category=category, division_id=division_id,
                        parent_id=parent_id, secretary_name=names.person(), member_count=members,
                        population=division.population, **ancestry)


def _bench_account(username: str, full_name: str, role: str, division: Division) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created or not user.check_password(BENCH_PASSWORD):
        user.set_password(BENCH_PASSWORD)
    user.full_name = full_name
    user.post = full_name
    user.save()
    RoleAssignment.objects.filter(user=user).delete()
    RoleAssignment.objects.create(user=user, role=role, division=division)
    return user


def bench_county_admin(province: Division) -> User:
    """The county admin of the province's first county (the ledger benchmarks' overdue list)."""
    county = Division.objects.filter(province=province, level=Level.COUNTY).order_by("code").first()
    return _bench_account(BENCH_COUNTY_ADMIN, f"{county.name}委组织部（模拟）", Role.COUNTY_ADMIN, county)


def analyze_tables() -> float:
    """Refresh the planner's statistics after a bulk load (run it after the commit).

    Without it PostgreSQL still believes the tables are small (autovacuum analyses later)
    and sorts the whole province for the first list page: 290 ms instead of 19 ms.
    """
    started = time.perf_counter()
    tables = [Division._meta.db_table, Organization._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def province_division(code: str) -> Division | None:
    return Division.objects.filter(code=code.ljust(12, "0")).first()


class NotGenerated(Exception):
    pass


@transaction.atomic
def delete_province(province: Division) -> dict[str, int]:
    """Delete a generated province and everything attached to it, with a few set-based DELETEs.

    Rows of other models pointing into the province (plans, imports, policy settings...) go
    first through the ordinary ``delete()`` (their own cascades and history apply); then
    assignments; then organizations and divisions with raw DELETEs (no per-row signals,
    foreign keys are checked at commit). Refuses a province not made by the generator.
    """
    if GENERATED_MARK not in province.name or province.level != Level.PROVINCE:
        raise NotGenerated(province.code)
    divisions = Division.objects.filter(Q(pk=province.pk) | Q(province_id=province.pk))
    organizations = Organization.objects.filter(province_id=province.pk)
    deleted: dict[str, int] = {}
    for part in province_parts():  # the apps' bulk rows first (set-based: a million progress entries)
        if part.delete is not None:
            deleted.update(part.delete(province))
    own = {Division, Organization, RoleAssignment, ObjectAssignment}
    pending = []
    for target, subset in ((Organization, organizations), (Division, divisions)):
        for relation in target._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete and relation.is_relation):
                continue
            model = relation.related_model
            if model in own or not getattr(relation.field, "db_constraint", True):
                continue
            pending.append(model._base_manager.filter(**{f"{relation.field.name}__in": subset.values("pk")}))
    # Attached rows may protect one another (a round protects its designations' categories...):
    # delete what can be deleted, then retry the rest, until nothing is left or nothing moves.
    while pending:
        left, error = [], None
        for queryset in pending:
            try:
                with transaction.atomic():
                    count, _ = queryset.delete()
            except (ProtectedError, RestrictedError) as exc:
                left.append(queryset)
                error = exc
                continue
            if count:
                deleted[queryset.model._meta.label] = deleted.get(queryset.model._meta.label, 0) + count
        if len(left) == len(pending):
            raise error
        pending = left
    deleted["ObjectAssignment"] = ObjectAssignment.objects.filter(organization__province_id=province.pk).delete()[0]
    deleted["RoleAssignment"] = RoleAssignment.objects.filter(division__in=divisions.values("pk")).delete()[0]
    history_org = Organization.history.model
    history_div = Division.history.model
    history_org.objects.filter(division_id__in=divisions.values("pk"))._raw_delete(history_org.objects.db)
    history_div.objects.filter(Q(id=province.pk) | Q(code__startswith=province.code[:2]))._raw_delete(
        history_div.objects.db)
    deleted["Organization"] = _raw_delete(organizations)
    deleted["Division"] = _raw_delete(divisions)
    return deleted


def _raw_delete(queryset: models.QuerySet) -> int:
    return queryset._raw_delete(queryset.db)
