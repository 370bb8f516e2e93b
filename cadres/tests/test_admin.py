"""The cadres admin: platform operators only, read-only, never a full ID or mobile number."""

from __future__ import annotations

from cadres.models import Cadre
from organizations.models import User


def test_admin_is_read_only_and_never_shows_personal_numbers(demo, client):
    cadre = Cadre.objects.exclude(id_number="").exclude(phone="").order_by("pk").first()
    operator = User.objects.create_superuser("operator", password="x")
    client.force_login(operator)
    listing = client.get("/admin/cadres/cadre/")
    assert listing.status_code == 200
    page = client.get(f"/admin/cadres/cadre/{cadre.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert cadre.name in html and cadre.id_number not in html and cadre.phone not in html
    assert client.post(f"/admin/cadres/cadre/{cadre.pk}/change/", {"name": "改名"}).status_code == 403
    assert client.get(f"/admin/cadres/cadre/{cadre.pk}/history/").status_code == 403
    assert client.get("/admin/cadres/cadre/add/").status_code == 403


def test_admin_is_closed_to_portal_roles(demo, client):
    client.force_login(demo.users["county_admin"])
    response = client.get("/admin/cadres/cadre/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
