"""generate_province: a small synthetic province, checked level by level against the parent chain."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from organizations.demo.province import BENCH_REVIEWER, BENCH_TOWN_ORGANIZER
from organizations.models import Division, Organization, RoleAssignment, User
from organizations.models.divisions import level_of_code, parent_code_of
from organizations.models.orgs import OrganizationCategory, OrganizationType
from organizations.roles import LEVEL_ORDER, Level, Role

CODE = "98"
DIGITS = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9}
SMALL = ["--province-code", CODE, "--counties", "2", "--townships-per-county", "3", "--villages-per-township", "4"]


def generate(*extra):
    call_command("generate_province", *SMALL, *extra, stdout=io.StringIO())
    connection.check_constraints()  # foreign keys are deferred: check them now, inside the test transaction


def province_divisions():
    return Division.objects.filter(code__startswith=CODE)


def province_organizations():
    return Organization.objects.filter(division__code__startswith=CODE)


def chain(division, by_id):
    """Ancestors from the province down, found by walking ``parent`` (not the copied columns)."""
    ancestors = []
    parent_id = division.parent_id
    while parent_id is not None:
        parent = by_id[parent_id]
        ancestors.insert(0, parent)
        parent_id = parent.parent_id
    return ancestors


@pytest.mark.django_db
def test_small_province_has_the_requested_shape():
    before = Division.objects.count(), Organization.objects.count()
    generate()
    divisions = province_divisions()
    levels = {level: divisions.filter(level=level).count() for level in LEVEL_ORDER}
    assert levels == {Level.PROVINCE: 1, Level.CITY: 1, Level.COUNTY: 2, Level.TOWNSHIP: 2 * 3,
                      Level.VILLAGE: 2 * 3 * 4}
    for village in divisions.filter(level=Level.VILLAGE):
        assert village.organizations.count() == 1
    for township in divisions.filter(level=Level.TOWNSHIP):
        assert township.organizations.filter(org_type=OrganizationType.COMMITTEE).count() == 1
    village_orgs = province_organizations().filter(division__level=Level.VILLAGE)
    assert not village_orgs.filter(parent__isnull=True).exists()
    assert all(o.parent.division_id == o.division.parent_id for o in village_orgs.select_related("parent", "division"))
    assert province_organizations().filter(category=OrganizationCategory.NON_PUBLIC_ENTERPRISE).exists()
    added_divisions = Division.objects.count() - before[0]
    added_orgs = Organization.objects.count() - before[1]
    assert added_divisions == divisions.count() == sum(levels.values())
    assert added_orgs == province_organizations().count()


@pytest.mark.django_db
def test_codes_follow_their_parents_and_ancestry_columns_match_the_parent_chain():
    generate()
    by_id = {d.pk: d for d in province_divisions()}
    assert len({d.code for d in by_id.values()}) == len(by_id)
    for division in by_id.values():
        assert len(division.code) == 12 and division.code.isdigit()
        assert level_of_code(division.code) == division.level
        if division.level == Level.PROVINCE:
            assert division.parent_id is None
            continue
        parent = by_id[division.parent_id]
        assert parent_code_of(division.code) == parent.code
        assert division.code.startswith(parent.code[:DIGITS[parent.level]])
        assert division.code[DIGITS[parent.level]:] != "0" * (12 - DIGITS[parent.level])
        expected = {f"{level}_id": None for level in LEVEL_ORDER}
        expected.update({f"{a.level}_id": a.pk for a in chain(division, by_id)})
        assert {f"{level}_id": getattr(division, f"{level}_id") for level in LEVEL_ORDER} == expected
    village = next(d for d in by_id.values() if d.level == Level.VILLAGE)
    assert village.county_id == by_id[by_id[village.parent_id].parent_id].pk
    for organization in province_organizations():
        division = by_id[organization.division_id]
        expected = {f"{level}_id": None for level in LEVEL_ORDER}
        expected.update({f"{a.level}_id": a.pk for a in [*chain(division, by_id), division]})
        assert {f"{level}_id": getattr(organization, f"{level}_id") for level in LEVEL_ORDER} == expected


@pytest.mark.django_db
def test_bench_accounts_see_exactly_their_subtree():
    generate()
    reviewer = User.objects.get(username=BENCH_REVIEWER)
    organizer = User.objects.get(username=BENCH_TOWN_ORGANIZER)
    assert reviewer.check_password("rectify-demo") and organizer.check_password("rectify-demo")
    grant = RoleAssignment.objects.get(user=reviewer)
    assert (grant.role, grant.division.level, grant.division.code) == (Role.REVIEWER, Level.PROVINCE, CODE + "0" * 10)
    assert set(Division.objects.visible_to(reviewer)) == set(province_divisions())
    assert set(Organization.objects.visible_to(reviewer)) == set(province_organizations())

    grant = RoleAssignment.objects.get(user=organizer)
    township = grant.division
    assert (grant.role, township.level) == (Role.TOWNSHIP_ORGANIZER, Level.TOWNSHIP)
    assert township.code.startswith(CODE)
    subtree_codes = township.code[:9]
    expected_divisions = set(Division.objects.filter(code__startswith=subtree_codes))
    assert len(expected_divisions) == 1 + 4
    assert set(Division.objects.visible_to(organizer)) == expected_divisions
    expected_orgs = set(Organization.objects.filter(division__in=expected_divisions))
    assert len(expected_orgs) >= 1 + 4
    assert set(Organization.objects.visible_to(organizer)) == expected_orgs


@pytest.mark.django_db
def test_reset_replaces_the_province_and_leaves_the_demo_alone():
    generate()
    demo = (Division.objects.exclude(code__startswith=CODE).count(),
            Organization.objects.exclude(division__code__startswith=CODE).count())
    counts = province_divisions().count(), province_organizations().count()
    with pytest.raises(CommandError, match="already exists"):
        generate()
    generate("--reset")
    assert (province_divisions().count(), province_organizations().count()) == counts
    assert RoleAssignment.objects.filter(user__username__in=[BENCH_REVIEWER, BENCH_TOWN_ORGANIZER]).count() == 2
    assert (Division.objects.exclude(code__startswith=CODE).count(),
            Organization.objects.exclude(division__code__startswith=CODE).count()) == demo
    # A province the generator did not make is never deleted (the demo's Fujian is 35).
    with pytest.raises(CommandError, match="not made by generate_province"):
        call_command("generate_province", "--province-code", "35", "--reset", "--counties", "1",
                     "--townships", "1", "--villages", "1")
    assert Division.objects.filter(code="350000000000").exists()


@pytest.mark.django_db
def test_reset_deletes_rows_attached_to_the_generated_province():
    from organizations.models import ObjectAssignment, PolicySetting
    from rectification.models import Category, Designation, Round

    generate()
    county = province_divisions().filter(level=Level.COUNTY).first()
    organization = province_organizations().filter(county=county, village__isnull=False).first()
    leader = User.objects.create(username="bench_contact_leader")
    ObjectAssignment.objects.create(user=leader, role=Role.CONTACT_LEADER, organization=organization)
    PolicySetting.objects.create(division=county, key="report_every_months", value=2)
    category = Category.objects.create(code="X1", name="县自定类型", county=county)
    round_ = Round.objects.create(county=county, year=2026, name="2026年整顿")
    designation = Designation.objects.create(round=round_, organization=organization, problems="班子不团结",
                                             county=county, township_id=organization.township_id)
    designation.categories.add(category)

    generate("--reset")
    assert not Round.objects.filter(pk=round_.pk).exists()
    assert not Designation.objects.filter(pk=designation.pk).exists()
    assert not Category.objects.filter(pk=category.pk).exists()
    assert not ObjectAssignment.objects.filter(user=leader).exists()
    assert not PolicySetting.objects.filter(division__code__startswith=CODE).exists()
    assert province_divisions().filter(level=Level.VILLAGE).count() == 2 * 3 * 4


@pytest.mark.django_db
@pytest.mark.parametrize("args", [
    ["--province-code", "9"],
    ["--province-code", "00"],
    ["--counties", "0"],
    ["--counties", "2", "--townships-per-county", "1", "--villages-per-township", "1000"],
])
def test_bad_options_are_refused_and_nothing_is_written(args):
    before = Division.objects.count()
    with pytest.raises(CommandError):
        call_command("generate_province", *args)
    assert Division.objects.count() == before
