"""A person's grants are kept in the shared cache (organizations/caching.py shared_grants) and renewed at once when
an assignment or an organization changes: through HTTP, the way a revoked or moved person meets it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import ObjectAssignment, Organization, RoleAssignment

pytestmark = pytest.mark.django_db

ASSIGNMENT_TABLES = ("organizations_roleassignment", "organizations_objectassignment")


def assignment_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(any(table in q["sql"] for table in ASSIGNMENT_TABLES) for q in captured.captured_queries)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_grants_are_read_once_then_kept(demo, settings):
    settings.GRANTS_CACHE_SECONDS = 300
    client = client_of(demo.users["town_organizer"])
    url = reverse("organizations:list")
    assert assignment_queries(client, url) == 2
    assert assignment_queries(client, url) == 0


def test_turned_off_they_are_read_on_every_request(demo, settings):
    settings.GRANTS_CACHE_SECONDS = 0
    client = client_of(demo.users["town_organizer"])
    url = reverse("organizations:list")
    assert assignment_queries(client, url) == 2
    assert assignment_queries(client, url) == 2


def test_a_revoked_role_takes_effect_on_the_next_request(demo, settings):
    settings.GRANTS_CACHE_SECONDS = 300
    organizer = demo.users["town_organizer"]
    village = Organization.objects.filter(township=demo.township_a, category="village").order_by("pk").first()
    client = client_of(organizer)
    url = reverse("organizations:detail", args=[village.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the kept grants
    RoleAssignment.objects.filter(user=organizer).delete()  # a bulk delete, as an administrator's cleanup
    assert client.get(url).status_code == 404


def test_a_new_object_assignment_takes_effect_on_the_next_request(demo, settings):
    settings.GRANTS_CACHE_SECONDS = 300
    leader = demo.users["contact_leader"]
    held = set(ObjectAssignment.objects.filter(user=leader).values_list("organization_id", flat=True))
    other = Organization.objects.filter(county=demo.county1, category="village").exclude(pk__in=held).first()
    client = client_of(leader)
    url = reverse("organizations:detail", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404  # kept
    ObjectAssignment.objects.create(user=leader, role="contact_leader", organization=other)
    assert client.get(url).status_code == 200


def test_a_saved_organization_renews_the_kept_grants(demo, settings):
    """An object grant carries its organization's division: saving an organization (it may have moved) renews
    every kept grant."""
    settings.GRANTS_CACHE_SECONDS = 300
    client = client_of(demo.users["contact_leader"])
    url = reverse("organizations:list")
    assignment_queries(client, url)
    assert assignment_queries(client, url) == 0
    Organization.objects.filter(township=demo.township_a).first().save()
    assert assignment_queries(client, url) == 2


# ---------------------------------------------------------------------------------------------- the account


def user_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum('FROM "organizations_user"' in q["sql"] for q in captured.captured_queries)


def test_the_account_is_read_once_then_kept(demo, settings):
    settings.GRANTS_CACHE_SECONDS = 300
    client = client_of(demo.users["town_organizer"])
    url = reverse("organizations:list")
    assert user_queries(client, url) == 1
    assert user_queries(client, url) == 0


def test_a_deactivated_account_is_logged_out_on_its_next_request(demo, settings):
    settings.GRANTS_CACHE_SECONDS = 300
    organizer = demo.users["town_organizer"]
    client = client_of(organizer)
    url = reverse("organizations:list")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # kept
    organizer.is_active = False
    organizer.save(update_fields=["is_active"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_changed_password_ends_the_other_sessions(demo, settings):
    settings.GRANTS_CACHE_SECONDS = 300
    organizer = demo.users["town_organizer"]
    other_device = client_of(organizer)
    url = reverse("organizations:list")
    assert other_device.get(url).status_code == 200
    assert other_device.get(url).status_code == 200  # kept
    organizer.set_password("a-new-long-password-2026")
    organizer.save()
    assert other_device.get(url).status_code == 302


@pytest.mark.parametrize("username", ["county_admin", "town_organizer", "village_secretary", "contact_leader",
                                      "county_leader", "city_reviewer", "other_county_admin"])
def test_every_persona_sees_the_same_scope_with_kept_grants(demo, settings, username):
    """The scope read through kept grants is the scope read afresh: the organizations and the ledger rows of the
    API lists, for every demo persona."""
    urls = ["/api/v1/organizations/?page_size=500", "/api/v1/ledger/designations/?page_size=500"]

    def ids(client):
        found = []
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            found.append(sorted(row["id"] for row in response.json()["results"]))
        return found

    user = demo.users[username]
    settings.GRANTS_CACHE_SECONDS = 0
    fresh = ids(client_of(user))
    settings.GRANTS_CACHE_SECONDS = 300
    client = client_of(user)
    assert ids(client) == fresh
    assert assignment_queries(client, reverse("organizations:list")) == 0  # kept
    assert ids(client) == fresh
    assert any(fresh)
