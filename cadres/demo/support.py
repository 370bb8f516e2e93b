"""Demo support of county 1's weak organizations: first secretaries, contact leaders, helping units, pairings.

These records are the one truth of the "four ones" (the plans no longer name them): the ledger, its export,
the disclosure board and the plan page read them through the kernel's provider.

Seeded before the ledger's demo (``seed_demo`` runs it at order 5, the ledger at 10) for the organizations
the ledger designates (``organizations.demo.weak_organizations``): the plans it submits pass the gate on the
"four ones" (rectification.rules.plan_gates), the county pairing them on the day it confirms the list.

* A first secretary for each weak organization (dispatching unit: a county agency): terms 2025-2027 mostly,
  four ending within 60 days of today, two recalled and replaced, one recalled without a successor yet
  and one whose term ran out (the dashboard shows them); each in office when its organization was listed.
* Ten county-level contact leaders paired with the weak villages; the demo ``contact_leader`` account is
  linked to 吴振华 (县委常委、常务副县长), paired with the three organizations it holds object assignments on.
  One weak village has had no contact leader since its leader's pairing ended 20 days ago.
* Helping units: county agencies and three strong villages; each weak village is paired with an agency, two
  of those pairings have ended (the village is without a helping unit until the new one is chosen).

Dates are relative to today, like the ledger's demo. Idempotent (natural keys + get_or_create).
"""

from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from organizations.demo import weak_organizations
from organizations.models import ObjectAssignment, Organization
from organizations.models.orgs import OrganizationCategory
from organizations.roles import Role
from rectification.demo.ledger import REPEAT_VILLAGE
from rectification.demo.texts import DISPATCH_UNITS, HELPING_UNITS

from ..identity import id_check_char
from ..models import (
    ContactLeader,
    Education,
    FirstSecretary,
    HelpingUnit,
    Pairing,
    PoliticalStatus,
    Sex,
    UnitKind,
)
from ..selectors.support import working_days

#: The ledger's demo confirms its round this many months before today (rectification/demo/ledger.py): the
#: county pairs the contact leaders and helping units with the organizations on that day.
CONFIRMED_MONTHS_AGO = 8
_SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢"
_GIVEN = ["志刚", "建华", "丽萍", "海峰", "文杰", "晓燕", "国庆", "振东", "雪梅", "俊杰", "立新", "春燕", "伟明",
          "丽清", "建平", "秋菊", "志明", "德华"]
LEADERS = [
    ("吴振华", "县委常委、常务副县长"), ("陈国栋", "县委常委、组织部部长"), ("林文斌", "县委常委、宣传部部长"),
    ("黄志坚", "县委常委、政法委书记"), ("郑丽琴", "县委常委、统战部部长"), ("王海生", "县委常委、纪委书记"),
    ("李明德", "副县长"), ("张秀云", "副县长"), ("刘建新", "县人大常委会副主任"), ("蔡永辉", "县政协副主席"),
]


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _id_number(rng: random.Random, county_code: str, born: dt.date) -> str:
    first17 = f"{county_code[:6]}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def _weak(county) -> list[Organization]:
    """County 1's weak organizations (the ledger demo designates the same ones), by division code."""
    rectified, not_yet = weak_organizations(county)
    return sorted([*rectified, *not_yet], key=lambda org: org.division.code)


def _first_secretary(org, rng, *, name, unit, start, end, today, recalled_on=None) -> FirstSecretary:
    born = dt.date(rng.randint(1980, 1996), rng.randint(1, 12), rng.randint(1, 28))
    last = min(today, end, recalled_on or end)
    days = int(working_days(start, last) * rng.uniform(0.55, 0.92)) if last >= start else 0
    fs, _created = FirstSecretary.objects.get_or_create(
        organization=org, name=name, term_start=start,
        defaults={
            "county_id": org.county_id, "township_id": org.township_id, "term_end": end,
            "sex": Sex.FEMALE if rng.random() < 0.3 else Sex.MALE, "birth_date": born,
            "id_number": _id_number(rng, org.county.code, born), "phone": f"13{rng.randint(0, 999_999_999):09d}",
            "education": rng.choice([Education.BACHELOR, Education.BACHELOR, Education.POSTGRADUATE]),
            "political_status": PoliticalStatus.MEMBER,
            "joined_party_on": born + relativedelta(years=rng.randint(20, 26)),
            "dispatching_unit": unit, "post_in_unit": rng.choice(["科员", "副科长", "科长", "四级主任科员"]),
            "team_name": f"{org.division.name}驻村工作队", "team_members": f"{_name(rng)}、{_name(rng)}",
            "days_in_village": days, "recalled_on": recalled_on,
        })
    return fs


@transaction.atomic
def seed(county, *, accounts) -> None:
    """Runs before the ledger's demo (order 5 < 10): the plans it submits pass the gate on the "four ones"."""
    today = timezone.localdate()
    weak = _weak(county)
    if not weak:
        return
    rng = random.Random(f"support-{county.code}")
    confirmed_on = today - relativedelta(months=CONFIRMED_MONTHS_AGO)
    since = {org.pk: confirmed_on - relativedelta(years=1) if org.division.name == REPEAT_VILLAGE else confirmed_on
             for org in weak}
    _seed_first_secretaries(weak, today, since)
    _seed_leaders(county, accounts, weak, today, rng, since)
    _seed_units(county, weak, today, rng, since)


def _seed_first_secretaries(weak, today, since) -> None:
    for index, org in enumerate(weak):
        rng = random.Random(f"support-fs-{org.division.code}")
        name = _name(rng)
        unit = org.county.name + rng.choice(DISPATCH_UNITS)
        if index % 9 == 4:  # four terms ending within 60 days
            end = today + dt.timedelta(days=8 + 12 * (index // 9))
            start = end - relativedelta(months=24)
        else:
            start = (today - relativedelta(months=rng.randint(11, 22))).replace(day=1)
            # In office when the organization was designated (the repeat listing: the year before).
            start = min(start, (since[org.pk] - relativedelta(months=1)).replace(day=1))
            end = start + relativedelta(months=24)
        if index in (7, 19):  # recalled and replaced
            recalled = start + relativedelta(months=rng.randint(3, 6))
            _first_secretary(org, rng, name=name, unit=unit, start=start, end=end, today=today, recalled_on=recalled)
            successor = _name(rng)
            _first_secretary(org, rng, name=successor, unit=unit, start=recalled + dt.timedelta(days=1),
                             end=recalled + dt.timedelta(days=1) + relativedelta(months=24), today=today)
        elif index == 27:  # recalled, no successor yet
            _first_secretary(org, rng, name=name, unit=unit, start=start, end=end, today=today,
                             recalled_on=today - dt.timedelta(days=20))
        elif index == 31:  # the term ran out and nobody has followed yet
            start = today - relativedelta(months=24) - dt.timedelta(days=15)
            _first_secretary(org, rng, name=name, unit=unit, start=start, end=start + relativedelta(months=24),
                             today=today)
        else:
            fs = _first_secretary(org, rng, name=name, unit=unit, start=start, end=end, today=today)
            if index % 11 == 2:  # a few also serve a neighbouring village
                neighbour = Organization.objects.filter(
                    township_id=org.township_id, category=OrganizationCategory.VILLAGE).exclude(pk=org.pk).order_by(
                    "division__code").first()
                if neighbour is not None:
                    fs.other_villages.add(neighbour)


def _seed_leaders(county, accounts, weak, today, rng, since) -> list[ContactLeader]:
    account = accounts.get("contact_leader")
    leaders = []
    for index, (name, post) in enumerate(LEADERS):
        leader, _created = ContactLeader.objects.get_or_create(
            division=county, name=name,
            defaults={"post": post, "phone": f"139{rng.randint(0, 99_999_999):08d}",
                      "user": account if index == 0 else None})
        leaders.append(leader)
    own = set()
    if account is not None:
        own = set(ObjectAssignment.objects.filter(user=account, role=Role.CONTACT_LEADER).values_list(
            "organization_id", flat=True))
    others = leaders[1:]
    position = 0
    for index, org in enumerate(weak):
        if org.pk in own:
            leader = leaders[0]
        else:
            leader = others[position % len(others)]
            position += 1
        ended = today - dt.timedelta(days=20) if index == 13 else None  # one village without one since
        Pairing.objects.get_or_create(
            organization=org, contact_leader=leader, helping_unit=None,
            defaults={"county_id": org.county_id, "township_id": org.township_id, "started_on": since[org.pk],
                      "ended_on": ended, "note": "联系领导工作调整，新的联系领导待定" if ended else ""})
    return leaders


def _seed_units(county, weak, today, rng, since) -> None:
    units: dict[str, HelpingUnit] = {}

    def unit_named(name: str, kind: str) -> HelpingUnit:
        if name not in units:
            units[name], _created = HelpingUnit.objects.get_or_create(
                division=county, name=name,
                defaults={"kind": kind, "contact_name": _name(rng),
                          "contact_phone": f"138{rng.randint(0, 99_999_999):08d}"})
        return units[name]

    weak_ids = {org.pk for org in weak}
    strong = list(Organization.objects.filter(county=county, category=OrganizationCategory.VILLAGE).exclude(
        pk__in=weak_ids).order_by("-member_count", "division__code")[:3])
    for index, org in enumerate(weak):
        name = county.name + random.Random(f"support-unit-{org.division.code}").choice(HELPING_UNITS)
        kind = UnitKind.AGENCY if "委" in name.replace(county.name, "") else UnitKind.DEPARTMENT
        if any(word in name for word in ("公司", "银行")):
            kind = UnitKind.ENTERPRISE
        unit = unit_named(name, kind)
        ended = today - dt.timedelta(days=30) if index in (5, 22) else None
        Pairing.objects.get_or_create(
            organization=org, helping_unit=unit, contact_leader=None,
            defaults={"county_id": org.county_id, "township_id": org.township_id, "started_on": since[org.pk],
                      "ended_on": ended, "note": "结对单位调整，新单位待定" if ended else ""})
    for index, village in enumerate(strong):
        unit = unit_named(village.name, UnitKind.STRONG_VILLAGE)
        org = weak[(index * 11 + 3) % len(weak)]
        Pairing.objects.get_or_create(
            organization=org, helping_unit=unit, contact_leader=None,
            defaults={"county_id": org.county_id, "township_id": org.township_id,
                      "started_on": since[org.pk], "note": "强村带弱村"})
