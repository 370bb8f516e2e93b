"""The "four ones" provider (issue 11, item 2): the cadres records are the one truth of the first secretary,
the county contact leader and the helping unit of an organization; read in bulk (two queries for any number
of organizations) by the ledger, its export, the board and the plan gate through the kernel's registry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadres.models import ContactLeader, FirstSecretary, HelpingUnit, Pairing, UnitKind
from cadres.selectors.four_ones import four_ones_of
from organizations import registry
from organizations.models import Organization

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 1)


def _orgs(demo, n):
    return list(Organization.objects.filter(township=demo.township_b, village__isnull=False)
                .exclude(pk__in=Pairing.objects.values("organization_id"))
                .exclude(pk__in=FirstSecretary.objects.values("organization_id"))
                .order_by("division__code")[:n])


def _scope(org):
    return {"organization": org, "county_id": org.county_id, "township_id": org.township_id}


def _equip(org, index):
    leader = ContactLeader.objects.create(division_id=org.county_id, name=f"领导{index}", post="副县长")
    unit = HelpingUnit.objects.create(division_id=org.county_id, name=f"县单位{index}", kind=UnitKind.DEPARTMENT)
    Pairing.objects.create(contact_leader=leader, started_on=DAY - dt.timedelta(days=30), **_scope(org))
    Pairing.objects.create(helping_unit=unit, started_on=DAY - dt.timedelta(days=30), **_scope(org))
    FirstSecretary.objects.create(name=f"书记{index}", dispatching_unit="县财政局", term_start=DAY - dt.timedelta(days=60),
                                  term_end=DAY + dt.timedelta(days=600), **_scope(org))


def test_two_queries_whatever_the_number_of_organizations(demo):
    orgs = _orgs(demo, 12)
    for index, org in enumerate(orgs):
        _equip(org, index)

    def queries(ids):
        with CaptureQueriesContext(connection) as captured:
            found = four_ones_of(ids, DAY)
        return len(captured.captured_queries), found

    few, found_few = queries([o.pk for o in orgs[:2]])
    many, found = queries([o.pk for o in orgs])
    assert few == many == 2
    assert len(found) == 12 and set(found_few) == {orgs[0].pk, orgs[1].pk}
    first = found[orgs[0].pk]
    assert first.text("contact_leader") == "领导0（副县长）"
    assert first.text("first_secretary") == "书记0（县财政局）"
    assert first.text("helping_unit") == "县单位0"
    assert first.missing() == []
    assert first.contact_leaders[0].url.endswith(f"/{first.contact_leaders[0].key}/")


def test_the_rules_on_a_date(demo):
    """Recalled, ended and not yet started records do not count on the day; a recall or an end later than the
    day does (a plan's gate under a past clock); a first secretary serving from a neighbouring village counts,
    after the one stationed there."""
    org, neighbour_home = _orgs(demo, 2)
    later = DAY + dt.timedelta(days=10)
    leader = ContactLeader.objects.create(division_id=org.county_id, name="甲", post="副县长")
    unit = HelpingUnit.objects.create(division_id=org.county_id, name="县某局", kind=UnitKind.DEPARTMENT)
    Pairing.objects.create(contact_leader=leader, started_on=DAY - dt.timedelta(days=5), ended_on=later, **_scope(org))
    Pairing.objects.create(helping_unit=unit, started_on=DAY + dt.timedelta(days=1), **_scope(org))  # not yet
    recalled = FirstSecretary.objects.create(name="乙", dispatching_unit="县审计局", term_start=DAY - dt.timedelta(days=90),
                                             term_end=DAY + dt.timedelta(days=600), recalled_on=later, **_scope(org))
    other = FirstSecretary.objects.create(name="丙", dispatching_unit="县林业局", term_start=DAY - dt.timedelta(days=90),
                                          term_end=DAY + dt.timedelta(days=600), **_scope(neighbour_home))
    other.other_villages.add(org)

    on_day = four_ones_of([org.pk], DAY)[org.pk]
    assert [p.name for p in on_day.contact_leaders] == ["甲"]
    assert [p.name for p in on_day.first_secretaries] == ["乙", "丙"]  # stationed first
    assert on_day.missing() == ["helping_unit"]
    after = four_ones_of([org.pk], later)[org.pk]
    assert [p.name for p in after.first_secretaries] == ["丙"] and after.contact_leaders == ()
    assert after.missing() == ["contact_leader"] and [p.name for p in after.helping_units] == ["县某局"]
    assert recalled.pk not in {p.key for p in after.first_secretaries}


def test_the_kernel_answers_every_id_and_nothing_without_a_provider(demo, monkeypatch):
    org = _orgs(demo, 1)[0]
    _equip(org, 0)
    found = registry.four_ones([org.pk, org.pk, 10 ** 9], DAY)
    assert set(found) == {org.pk, 10 ** 9}
    assert found[10 ** 9] == registry.NO_FOUR_ONES and found[org.pk].text("helping_unit") == "县单位0"
    assert registry.registry.four_ones_provider is four_ones_of  # registered by CadresConfig.ready()
    monkeypatch.setattr(registry.registry, "four_ones_provider", None)
    with CaptureQueriesContext(connection) as captured:
        assert registry.four_ones([org.pk], DAY) == {org.pk: registry.NO_FOUR_ONES}
    assert not captured.captured_queries
