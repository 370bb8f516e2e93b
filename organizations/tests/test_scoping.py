"""The one scoping mechanism, through ``visible_to`` and the write table."""

import pytest
from django.contrib.auth.models import AnonymousUser

from organizations.models import Division, Organization, PolicySetting, RoleAssignment
from organizations.permissions import WRITE_RULES, can
from organizations.roles import Role

pytestmark = pytest.mark.django_db


def _codes(queryset):
    return set(queryset.values_list("division__code", flat=True))


def test_county_admin_sees_exactly_its_county(demo):
    visible = Organization.objects.visible_to(demo.users["county_admin"])
    assert visible.exists()
    assert all(code.startswith(demo.county1.code[:6]) for code in _codes(visible))
    outside = Organization.objects.exclude(division__code__startswith=demo.county1.code[:6])
    assert outside.exists() and not visible.filter(pk__in=outside).exists()
    assert visible.count() == Organization.objects.filter(division__code__startswith=demo.county1.code[:6]).count()


def test_township_organizer_sees_its_township_only(demo):
    user = demo.users["town_organizer"]
    visible = Organization.objects.visible_to(user)
    prefix = demo.township_a.code[:9]
    assert visible.count() == Organization.objects.filter(division__code__startswith=prefix).count() > 0
    divisions = Division.objects.visible_to(user)
    assert demo.township_a in divisions  # its own township, itself included
    assert demo.county1 not in divisions and demo.township_b not in divisions


def test_village_secretary_sees_its_village(demo):
    visible = Organization.objects.visible_to(demo.users["village_secretary"])
    assert set(visible.values_list("division_id", flat=True)) == {demo.village_a.pk}


def test_contact_leader_sees_assigned_organizations_across_townships(demo):
    user = demo.users["contact_leader"]
    assigned = set(user.object_assignments.values_list("organization_id", flat=True))
    visible = Organization.objects.visible_to(user)
    assert set(visible.values_list("pk", flat=True)) == assigned
    assert visible.values("township_id").distinct().count() > 1
    # and the villages those organizations sit on
    assert set(Division.objects.visible_to(user).values_list("pk", flat=True)) == set(
        visible.values_list("division_id", flat=True))


def test_city_reviewer_sees_both_counties_but_not_another_city(demo):
    visible = Organization.objects.visible_to(demo.users["city_reviewer"])
    assert visible.filter(county=demo.county1).exists() and visible.filter(county=demo.county2).exists()
    assert not visible.exclude(division__code__startswith=demo.city.code[:4]).exists()
    assert Organization.objects.exclude(division__code__startswith=demo.city.code[:4]).exists()


def test_anonymous_and_inactive_see_nothing(demo):
    assert not Organization.objects.visible_to(AnonymousUser()).exists()
    user = demo.users["county_admin"]
    user.is_active = False
    assert not Organization.objects.visible_to(user).exists()


def test_user_without_grants_sees_nothing(make_persona):
    nobody = make_persona("nobody", role=Role.COUNTY_ADMIN)
    assert not Organization.objects.visible_to(nobody).exists()
    assert not Division.objects.visible_to(nobody).exists()


def test_roles_argument_restricts_to_those_grants(demo, make_persona):
    village = Organization.objects.filter(township=demo.township_b).first()
    user = make_persona("mixed", role=Role.COUNTY_LEADER, division=demo.county1)
    RoleAssignment.objects.create(user=user, role=Role.TOWNSHIP_ORGANIZER, division=demo.township_a)
    assert Organization.objects.visible_to(user).filter(pk=village.pk).exists()
    writable = Organization.objects.visible_to(user, roles=[Role.TOWNSHIP_ORGANIZER])
    assert not writable.filter(pk=village.pk).exists()
    assert writable.exists() and not writable.exclude(township=demo.township_a).exists()
    # so a read-only county leader who also organizes township A may change only township A
    assert not can(user, "organization", "change", village)
    assert can(user, "organization", "change", writable.first())


def test_related_scopes_follow_their_division(demo):
    PolicySetting.objects.create(division=demo.county2, key="report_interval_months", value=1)
    assert not PolicySetting.objects.visible_to(demo.users["county_admin"]).filter(division=demo.county2).exists()
    assert PolicySetting.objects.visible_to(demo.users["other_county_admin"]).filter(division=demo.county2).exists()


@pytest.mark.parametrize("username,resource,action,allowed", [
    ("county_admin", "organization", "change", True),
    ("county_admin", "policy", "change", True),
    ("county_leader", "organization", "change", False),
    ("county_leader", "policy", "change", False),
    ("town_organizer", "organization", "change", True),
    ("town_organizer", "policy", "change", False),
    ("village_secretary", "organization", "change", False),
    ("contact_leader", "organization", "change", False),
    ("city_reviewer", "organization", "change", False),
    ("other_county_admin", "organization", "change", False),
])
def test_write_table_on_a_village_of_township_a(demo, username, resource, action, allowed):
    target = Organization.objects.filter(division=demo.village_a).first() if resource == "organization" \
        else demo.county1
    assert can(demo.users[username], resource, action, target) is allowed


def test_unknown_resource_or_action_is_refused(demo):
    admin = demo.users["county_admin"]
    assert "nonsense" not in WRITE_RULES
    assert not can(admin, "nonsense", "change")
    assert not can(admin, "organization", "launch")


def test_grants_are_loaded_in_two_queries(demo, django_assert_num_queries):
    from organizations.models import User

    user = User.objects.get(username="town_organizer")
    with django_assert_num_queries(3):  # two for the grants, one for the list
        list(Organization.objects.visible_to(user))
    with django_assert_num_queries(1):  # grants are cached on the user object
        list(Division.objects.visible_to(user))
