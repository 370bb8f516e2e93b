import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations import services
from organizations.models import Division, Organization, SecurityEvent
from organizations.roles import Role

pytestmark = pytest.mark.django_db


def _village_org(demo):
    return Organization.objects.filter(division=demo.village_a).first()


def test_township_organizer_updates_its_village_and_the_trail_says_who_and_what(demo):
    user = demo.users["town_organizer"]
    organization = _village_org(demo)
    old_secretary = organization.secretary_name
    services.organization_update(user=user, organization=organization, secretary_name="郑新华", member_count=61)
    record = organization.history.latest()
    assert record.history_user == user and record.history_type == "~"
    delta = record.diff_against(record.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["secretary_name"] == (old_secretary, "郑新华")
    assert changed["member_count"][1] == 61


def test_moving_an_organization_out_of_ones_scope_is_refused(demo):
    organization = _village_org(demo)
    foreign_village = Division.objects.filter(parent=demo.township_b).first()
    with pytest.raises(ValidationError):
        services.organization_update(user=demo.users["town_organizer"], organization=organization,
                                     division=foreign_village)
    organization.refresh_from_db()
    assert organization.division == demo.village_a


def test_moving_an_organization_updates_its_ancestry(demo):
    organization = _village_org(demo)
    target = Division.objects.filter(parent=demo.township_b).first()
    services.organization_update(user=demo.users["county_admin"], organization=organization, division=target)
    organization.refresh_from_db()
    assert (organization.township_id, organization.county_id, organization.village_id) == (
        demo.township_b.pk, demo.county1.pk, target.pk)
    assert Organization.objects.visible_to(demo.users["town_organizer"]).filter(pk=organization.pk).count() == 0


@pytest.mark.parametrize("username", ["county_leader", "village_secretary", "contact_leader", "city_reviewer",
                                      "other_county_admin"])
def test_roles_that_may_not_change_an_organization(demo, username):
    organization = _village_org(demo)
    with pytest.raises(PermissionDenied):
        services.organization_update(user=demo.users[username], organization=organization, member_count=1)
    organization.refresh_from_db()
    assert organization.member_count != 1


def test_create_and_delete_are_audited(demo):
    admin = demo.users["county_admin"]
    organization = services.organization_create(
        user=admin, name="中共东山村老年协会支部委员会", org_type="branch", category="social_organization",
        division=demo.village_a, member_count=7)
    assert organization.township_id == demo.township_a.pk and organization.village_id == demo.village_a.pk
    pk = organization.pk
    services.organization_delete(user=admin, organization=organization)
    history = Organization.history.filter(id=pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert all(h.history_user == admin for h in history)


def test_duplicate_name_on_a_division_is_a_validation_error(demo):
    existing = _village_org(demo)
    with pytest.raises(ValidationError):
        services.organization_create(user=demo.users["county_admin"], name=existing.name, org_type="branch",
                                     category="village", division=demo.village_a)


def test_division_create_checks_code_and_scope(demo):
    admin = demo.users["county_admin"]
    code = demo.township_a.code[:9] + "299"
    village = services.division_create(user=admin, code=code, name="新建村", kind="village")
    assert (village.parent, village.township_id, village.county_id) == (demo.township_a, demo.township_a.pk,
                                                                        demo.county1.pk)
    with pytest.raises(ValidationError):
        services.division_create(user=admin, code="35032210A000", name="坏代码", kind="village")
    with pytest.raises(ValidationError):  # parent township does not exist
        services.division_create(user=admin, code=demo.county1.code[:6] + "777001", name="无上级", kind="village")
    with pytest.raises(ValidationError):  # another county
        services.division_create(user=admin, code=demo.county2.code[:6] + "100299", name="越权村", kind="village")


def test_role_assignment_level_is_checked(demo, make_persona):
    target = make_persona("new_organizer", role=Role.TOWNSHIP_ORGANIZER)
    with pytest.raises(ValidationError):
        services.role_assign(user=demo.users["county_admin"], target=target, role=Role.TOWNSHIP_ORGANIZER,
                             division=demo.village_a)
    services.role_assign(user=demo.users["county_admin"], target=target, role=Role.TOWNSHIP_ORGANIZER,
                         division=demo.township_b)
    assert Organization.objects.visible_to(target).filter(township=demo.township_b).exists()
    with pytest.raises(PermissionDenied):
        services.role_assign(user=demo.users["other_county_admin"], target=target,
                             role=Role.TOWNSHIP_ORGANIZER, division=demo.township_a)


def test_security_events_are_append_only(client, demo):
    client.post("/accounts/login/", {"username": "county_admin", "password": "wrong"})
    client.post("/accounts/login/", {"username": "county_admin", "password": "rectify-demo"})
    kinds = list(SecurityEvent.objects.filter(username="county_admin").order_by("created_at")
                 .values_list("kind", flat=True))
    assert kinds[-2:] == ["login_failed", "login"]
    event = SecurityEvent.objects.filter(username="county_admin").first()
    event.detail = {"tampered": True}
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()


def test_login_lockout_after_repeated_failures(client, demo):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "county_leader", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "county_leader", "password": "rectify-demo"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
