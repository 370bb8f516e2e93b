"""The roster services, pages and flags; writes only by the roles of the table, inside their scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadres.models import Cadre, Post
from cadres.services.roster import cadre_add, cadre_end_post, cadre_update
from organizations.models import Organization

from .helpers import bad_checksum, make_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_org(demo):
    return Organization.objects.get(division=demo.village_a)


def _person(**extra):
    return {"name": "李明", "sex": "male", "id_number": make_id("19880405"), "phone": "13800138000", **extra}


def test_add_fills_scope_birth_date_and_history(demo, village_org):
    admin = demo.users["county_admin"]
    cadre = cadre_add(user=admin, organization=village_org, post=Post.COMMITTEE_MEMBER,
                      post_started_on=dt.date(2021, 4, 1), **_person())
    assert cadre.county == demo.county1 and cadre.township == demo.township_a
    assert cadre.birth_date == dt.date(1988, 4, 5)
    assert cadre.history.get().history_user == admin


def test_add_refuses_bad_numbers_with_field_messages(demo, village_org):
    with pytest.raises(ValidationError) as exc:
        cadre_add(user=demo.users["county_admin"], organization=village_org, post=Post.COMMITTEE_MEMBER,
                  **_person(id_number=bad_checksum(make_id()), phone="12345"))
    assert {"id_number", "phone"} <= set(exc.value.message_dict)


def test_duplicate_person_in_the_same_post_is_a_clear_error(demo, village_org):
    admin = demo.users["county_admin"]
    person = _person()
    cadre_add(user=admin, organization=village_org, post=Post.COMMITTEE_MEMBER, **person)
    with pytest.raises(ValidationError) as exc:
        cadre_add(user=admin, organization=village_org, post=Post.COMMITTEE_MEMBER, **person)
    assert "already holds the post" in str(exc.value.message_dict["post"])


def test_second_secretary_is_refused_until_the_post_ends(demo, village_org):
    admin = demo.users["county_admin"]
    current = Cadre.objects.get(organization=village_org, post__in=[Post.SECRETARY, Post.SECRETARY_DIRECTOR],
                                post_ended_on__isnull=True)
    with pytest.raises(ValidationError):
        cadre_add(user=admin, organization=village_org, post=Post.SECRETARY, **_person())
    cadre_end_post(user=admin, cadre=current, ended_on=dt.date(2026, 6, 30), note="调任")
    new = cadre_add(user=admin, organization=village_org, post=Post.SECRETARY, **_person())
    assert new.is_current and not Cadre.objects.get(pk=current.pk).is_current
    with pytest.raises(ValidationError):
        cadre_end_post(user=admin, cadre=Cadre.objects.get(pk=current.pk), ended_on=dt.date(2026, 7, 1))


def test_writes_follow_the_role_table_and_scope(demo, village_org):
    other = Organization.objects.filter(county=demo.county1, township=demo.township_b, village__isnull=False).first()
    for username in ("county_leader", "village_secretary", "city_reviewer", "other_county_admin"):
        with pytest.raises(PermissionDenied):
            cadre_add(user=demo.users[username], organization=village_org, post=Post.COMMITTEE_MEMBER, **_person())
    with pytest.raises(PermissionDenied):
        cadre_add(user=demo.users["town_organizer"], organization=other, post=Post.COMMITTEE_MEMBER, **_person())
    cadre = cadre_add(user=demo.users["town_organizer"], organization=village_org, post=Post.COMMITTEE_MEMBER,
                      **_person())
    with pytest.raises(PermissionDenied):
        cadre_update(user=demo.users["town_organizer"], cadre=cadre, organization=other)


def test_township_organizer_post_needs_a_township_committee(demo, village_org):
    with pytest.raises(ValidationError):
        cadre_add(user=demo.users["county_admin"], organization=village_org, post=Post.TOWNSHIP_ORGANIZER,
                  **_person())


def test_organization_roster_flags(login, demo):
    client = login("county_admin")
    vacant = Organization.objects.get(division__name="柳湖村", township__name="状元镇")
    html = client.get(reverse("cadres:roster-organization", args=[vacant.pk])).content.decode()
    assert 'id="flag-no-secretary"' in html
    listing = client.get(reverse("cadres:roster")).content.decode()
    assert reverse("cadres:roster-organization", args=[vacant.pk]) in listing.split('id="no-secretary"')[1]
    combined = Cadre.objects.filter(county=demo.county1, post=Post.SECRETARY_DIRECTOR).first()
    html = client.get(reverse("cadres:roster-organization", args=[combined.organization_id])).content.decode()
    assert 'id="flag-combined"' in html and 'id="flag-no-secretary"' not in html


def test_list_filters(login, demo):
    client = login("county_admin")
    page = client.get(reverse("cadres:roster"), {"township": demo.township_b.pk, "post": Post.SECRETARY_DIRECTOR})
    rows = list(page.context["page_obj"].paginator.object_list)
    assert rows and all(c.township_id == demo.township_b.pk and c.post == Post.SECRETARY_DIRECTOR for c in rows)
    assert all(c.is_current for c in rows)
    former = client.get(reverse("cadres:roster"), {"status": "former"}).context["page_obj"].paginator.object_list
    assert former and all(not c.is_current for c in former)
    assert page.context["counts"]["no_secretary"] >= 2


def test_town_organizer_sees_only_its_township(login, demo):
    page = login("town_organizer").get(reverse("cadres:roster"), {"status": "all"})
    townships = {c.township_id for c in page.context["page_obj"].paginator.object_list}
    assert townships == {demo.township_a.pk}


def test_add_form_offers_only_writable_organizations(login, demo, village_org):
    client = login("town_organizer")
    response = client.get(reverse("cadres:roster-add"))
    choices = response.context["form"].fields["organization"].queryset
    assert set(choices.values_list("township_id", flat=True)) == {demo.township_a.pk}
    other = Organization.objects.filter(township=demo.township_b, village__isnull=False).first()
    data = {"organization": other.pk, "post": Post.COMMITTEE_MEMBER, "name": "王五", "id_number": make_id(),
            "ethnicity": "汉族"}
    response = client.post(reverse("cadres:roster-add"), data)
    assert response.status_code == 400 and response.context["form"].errors.get("organization")
    data["organization"] = village_org.pk
    response = client.post(reverse("cadres:roster-add"), data)
    assert response.status_code == 302
    assert Cadre.objects.filter(organization=village_org, name="王五").exists()
    assert login("county_leader").get(reverse("cadres:roster-add")).status_code == 404


def test_edit_keeps_numbers_when_left_empty_and_end_post_page(login, demo, village_org):
    client = login("county_admin")
    cadre = cadre_add(user=demo.users["county_admin"], organization=village_org, post=Post.COMMITTEE_MEMBER,
                      **_person())
    data = {"organization": village_org.pk, "post": Post.DEPUTY_SECRETARY, "name": "李明明", "ethnicity": "汉族",
            "sex": "male", "id_number": "", "phone": ""}
    response = client.post(reverse("cadres:roster-edit", args=[cadre.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cadre.refresh_from_db()
    assert cadre.name == "李明明" and cadre.id_number == _person()["id_number"][:0] + cadre.id_number
    assert cadre.phone == "13800138000" and cadre.birth_date == dt.date(1988, 4, 5)
    response = client.post(reverse("cadres:roster-end", args=[cadre.pk]), {"ended_on": "2026-10-01", "note": "辞职"})
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.post_ended_on == dt.date(2026, 10, 1) and cadre.note == "辞职"
    assert login("county_leader").get(reverse("cadres:roster-edit", args=[cadre.pk])).status_code == 403


def test_api_create_update_and_foreign_organization(login, demo, village_org):
    client = login("town_organizer")
    other = Organization.objects.filter(township=demo.township_b, village__isnull=False).first()
    payload = {"organization": other.pk, "post": Post.COMMITTEE_MEMBER, "name": "赵六", "id_number": make_id(),
               "phone": "13912345678"}
    assert client.post("/api/v1/cadres/cadres/", payload, content_type="application/json").status_code == 400
    payload["organization"] = village_org.pk
    response = client.post("/api/v1/cadres/cadres/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"].startswith("350322********") and body["phone"] == "139****5678"
    response = client.patch(f"/api/v1/cadres/cadres/{body['id']}/", {"id_number": bad_checksum(payload["id_number"])},
                            content_type="application/json")
    assert response.status_code == 400 and "id_number" in response.json()
    response = client.patch(f"/api/v1/cadres/cadres/{body['id']}/", {"post": Post.DEPUTY_SECRETARY},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["post"] == Post.DEPUTY_SECRETARY
    assert login("county_leader").patch(f"/api/v1/cadres/cadres/{body['id']}/", {"name": "x"},
                                        content_type="application/json").status_code == 403


def test_demo_roster_is_complete_valid_and_idempotent(demo):
    from cadres.demo.roster import seed
    from organizations.models import User

    villages = Organization.objects.filter(county=demo.county1, category__in=["village", "community"])
    counts = {o: 0 for o in villages.values_list("pk", flat=True)}
    for org_id in Cadre.objects.filter(county=demo.county1, post_ended_on__isnull=True,
                                       organization__in=villages).values_list("organization_id", flat=True):
        counts[org_id] += 1
    assert len(counts) >= 290 and all(5 <= n <= 7 for n in counts.values())
    townships = Organization.objects.filter(county=demo.county1, category="township", division__level="township")
    organizers = Cadre.objects.filter(post=Post.TOWNSHIP_ORGANIZER, organization__in=townships)
    assert organizers.count() == townships.count()
    assert organizers.get(township=demo.township_a).name == demo.users["town_organizer"].display_name
    for cadre in Cadre.objects.filter(county=demo.county1)[::37]:
        cadre.full_clean(exclude=["county", "township"])
    before = Cadre.objects.count()
    seed(demo.county1, accounts={u.username: u for u in User.objects.all()})
    assert Cadre.objects.count() == before


def test_list_query_count_does_not_grow(login, demo, django_assert_max_num_queries):
    from tests.test_query_counts import add_villages

    client = login("county_admin")
    url = reverse("cadres:roster")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"status": "all"}).status_code == 200
    orgs = add_villages(demo.township_a, 20)
    admin = demo.users["county_admin"]
    for org in orgs:
        cadre_add(user=admin, organization=org, post=Post.SECRETARY, **_person(name="新书记"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, {"status": "all"}).status_code == 200
