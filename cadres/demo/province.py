"""The "four ones" of a generated province (a part of ``generate_province``, after the ledger).

Every designated organization of the generated ledger gets what a county records for it: a county-level
contact leader (each contacts about three organizations of the county), a paired helping unit (each helps
about two) and a first secretary stationed for a two-year term from the round's start. Rows are inserted
in bulk, without audit history, as the ledger's are; ``delete`` removes them set-based.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict

from organizations.models import Division
from organizations.roles import Level

from ..models import ContactLeader, FirstSecretary, HelpingUnit, Pairing, UnitKind

BATCH = 2000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文"
POSTS = ["县委常委", "副县长", "县人大常委会副主任", "县政协副主席", "县委办主任", "县委组织部副部长"]
UNITS = ["县发展和改革局", "县财政局", "县自然资源局", "县农业农村局", "县住房和城乡建设局", "县卫生健康局",
         "县市场监督管理局", "县供电公司", "县农商银行", "县烟草专卖局", "县交通运输局", "县水利局"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate_four_ones(province: Division, *, seed: int = 20261123, log=print) -> dict[str, int]:
    from rectification.models import Designation, DesignationStatus

    started = time.perf_counter()
    rng = random.Random(seed)
    rows = list(Designation.objects.filter(county__province=province, plan__isnull=False)
                .exclude(status=DesignationStatus.WITHDRAWN)
                .values_list("organization_id", "county_id", "township_id", "round__year").order_by("pk"))
    by_county: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_county[row[1]].append(row)
    leaders = ContactLeader.objects.bulk_create([
        ContactLeader(division_id=county, name=_name(rng), post=rng.choice(POSTS))
        for county, designated in by_county.items() for _ in range(max(1, -(-len(designated) // 3)))
    ], batch_size=BATCH)
    units = HelpingUnit.objects.bulk_create([
        HelpingUnit(division_id=county, name=f"{UNITS[i % len(UNITS)]}（{i // len(UNITS) + 1}）" if i >= len(UNITS)
                    else UNITS[i], kind=UnitKind.DEPARTMENT, contact_name=_name(rng))
        for county, designated in by_county.items() for i in range(max(1, -(-len(designated) // 2)))
    ], batch_size=BATCH)
    leaders_of, units_of = defaultdict(list), defaultdict(list)
    for leader in leaders:
        leaders_of[leader.division_id].append(leader.pk)
    for unit in units:
        units_of[unit.division_id].append(unit.pk)
    pairings, secretaries = [], []
    for county, designated in by_county.items():
        for index, (organization, _county, township, year) in enumerate(designated):
            since = dt.date(year, 3, 1)
            scope = {"organization_id": organization, "county_id": county, "township_id": township}
            pairings.append(Pairing(contact_leader_id=leaders_of[county][index // 3], started_on=since, **scope))
            pairings.append(Pairing(helping_unit_id=units_of[county][index // 2], started_on=since, **scope))
            secretaries.append(FirstSecretary(
                name=_name(rng), dispatching_unit=rng.choice(UNITS), term_start=since,
                term_end=dt.date(year + 2, 2, 28), days_in_village=rng.randint(60, 200), **scope))
    Pairing.objects.bulk_create(pairings, batch_size=BATCH)
    FirstSecretary.objects.bulk_create(secretaries, batch_size=BATCH)
    counts = {"contact leaders": len(leaders), "helping units": len(units), "pairings": len(pairings),
              "first secretaries": len(secretaries)}
    log(f"  four ones: {', '.join(f'{n} {label}' for label, n in counts.items())} "
        f"in {time.perf_counter() - started:.2f} s")
    return counts


def delete_four_ones(province: Division) -> dict[str, int]:
    from organizations.models import Organization

    counties = Division.objects.filter(province=province, level=Level.COUNTY).values("pk")
    organizations = Organization.objects.filter(province_id=province.pk).values("pk")
    through = FirstSecretary.other_villages.through
    queryset = through.objects.filter(firstsecretary__county_id__in=counties)
    queryset._raw_delete(queryset.db)
    deleted = {}
    # (model, its rows, its audit rows): the audit rows of organization-scoped records carry no county.
    for model, rows, history in ((Pairing, {"county_id__in": counties}, {"organization_id__in": organizations}),
                                 (FirstSecretary, {"county_id__in": counties}, {"organization_id__in": organizations}),
                                 (ContactLeader, {"division_id__in": counties}, {"division_id__in": counties}),
                                 (HelpingUnit, {"division_id__in": counties}, {"division_id__in": counties})):
        queryset = model.history.model.objects.filter(**history)
        queryset._raw_delete(queryset.db)
        queryset = model._base_manager.filter(**rows)
        deleted[model.__name__] = queryset._raw_delete(queryset.db)
    return deleted
