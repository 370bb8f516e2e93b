import pytest

from organizations.models import Division, Organization

pytestmark = pytest.mark.django_db


def test_token_auth_round_trip(client, demo):
    response = client.post("/api/v1/auth/token/", {"username": "town_organizer", "password": "rectify-demo"})
    assert response.status_code == 200
    token = response.json()["token"]
    api = client.__class__()
    response = api.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    expected = Organization.objects.filter(division__code__startswith=demo.township_a.code[:9]).count()
    assert response.json()["count"] == expected
    assert api.get("/api/v1/organizations/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_bad_credentials_give_400_not_a_token(client, demo):
    response = client.post("/api/v1/auth/token/", {"username": "town_organizer", "password": "nope"})
    assert response.status_code == 400 and "token" not in response.json()


def test_schema_and_docs(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].endswith("json") else None
    if paths is None:
        import yaml  # pragma: no cover

        paths = yaml.safe_load(response.content)["paths"]
    assert "/api/v1/organizations/" in paths and "/api/v1/divisions/{id}/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    import re

    sources = re.findall(rb'(?:src|href)="([^"]+)"', docs.content)
    # No CDN: the files are ours, and the start-up script comes from this view (not inline: the CSP refuses that).
    assert sources and all(src.startswith((b"/static/", b"/api/docs/?script")) for src in sources), sources
    assert b"<script>" not in docs.content
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_filters_and_pagination(login, demo):
    client = login("county_admin")
    response = client.get("/api/v1/organizations/", {"township": demo.township_b.pk, "page_size": 5})
    body = response.json()
    assert body["count"] == Organization.objects.filter(township=demo.township_b).count()
    assert len(body["results"]) == 5 and body["next"]
    assert all(row["township"] == demo.township_b.pk for row in body["results"])
    response = client.get("/api/v1/organizations/", {"category": "community"})
    assert {row["category"] for row in response.json()["results"]} == {"community"}
    response = client.get("/api/v1/divisions/", {"level": "township"})
    assert response.json()["count"] == Division.objects.filter(county=demo.county1, level="township").count()


def test_create_and_patch_through_the_api(login, demo):
    client = login("county_admin")
    response = client.post("/api/v1/organizations/", {
        "name": "中共东山村青年突击队支部委员会", "org_type": "branch", "category": "village",
        "division": demo.village_a.pk, "member_count": 9}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["township"] == demo.township_a.pk
    response = client.patch(f"/api/v1/organizations/{pk}/", {"member_count": 12}, content_type="application/json")
    assert response.status_code == 200 and response.json()["member_count"] == 12
    assert Organization.history.filter(id=pk).latest().history_user == demo.users["county_admin"]


@pytest.mark.parametrize("username,status", [("county_leader", 403), ("village_secretary", 403),
                                             ("town_organizer", 200)])
def test_write_roles_on_the_api(login, demo, username, status):
    client = login(username)
    organization = Organization.objects.filter(division=demo.village_a).first()
    response = client.patch(f"/api/v1/organizations/{organization.pk}/", {"member_count": 77},
                            content_type="application/json")
    assert response.status_code == status
    organization.refresh_from_db()
    assert (organization.member_count == 77) is (status == 200)


def test_invalid_payload_is_400_not_500(login, demo):
    client = login("county_admin")
    response = client.post("/api/v1/organizations/", {"name": "", "org_type": "nope", "division": "x"},
                           content_type="application/json")
    assert response.status_code == 400
    organization = Organization.objects.filter(division=demo.village_a).first()
    response = client.patch(f"/api/v1/organizations/{organization.pk}/", {"parent": organization.pk},
                            content_type="application/json")
    assert response.status_code == 400
