"""Personal numbers are masked for every role on the list, the detail page, the history, the export and the
API; the full numbers are shown only by the audited unmask action of the roles that may."""

import pytest
from django.urls import reverse

from cadres.identity import mask_id_number, mask_mobile
from cadres.models import Cadre, Post
from organizations.models import SecurityEvent

from .helpers import make_id, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(demo):
    """The demo secretary of 东山村 (county 1, 林安镇)."""
    return Cadre.objects.get(organization__division=demo.village_a, post__in=[Post.SECRETARY_DIRECTOR, Post.SECRETARY],
                             post_ended_on__isnull=True)


def _assert_masked(text: str, cadre: Cadre):
    assert cadre.id_number not in text and cadre.phone not in text
    assert mask_id_number(cadre.id_number) in text and mask_mobile(cadre.phone) in text


SEEING = ["county_admin", "county_leader", "city_reviewer", "village_secretary", "town_organizer"]


@pytest.mark.parametrize("username", SEEING)
def test_list_and_detail_are_masked_for_every_role(login, cadre, username):
    client = login(username)
    page = client.get(reverse("cadres:roster"), {"q": cadre.name, "organization": cadre.organization_id})
    assert page.status_code == 200
    _assert_masked(page.content.decode(), cadre)
    detail = client.get(reverse("cadres:roster-cadre", args=[cadre.pk]))
    assert detail.status_code == 200
    _assert_masked(detail.content.decode(), cadre)
    roster = client.get(reverse("cadres:roster-organization", args=[cadre.organization_id]))
    _assert_masked(roster.content.decode(), cadre)


@pytest.mark.parametrize("username", SEEING)
def test_export_is_masked_by_default(login, cadre, username):
    response = login(username).get(reverse("cadres:roster-export"), {"organization": cadre.organization_id})
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[0][:4] == ["序号", "乡镇", "村（社区）", "村级区划代码"]
    row = next(r for r in rows[1:] if r[4] == cadre.name)
    assert row[8] == mask_id_number(cadre.id_number) and row[12] == mask_mobile(cadre.phone)
    assert not any(cadre.id_number in str(c) or cadre.phone in str(c) for r in rows for c in r)


@pytest.mark.parametrize("username", SEEING)
def test_api_is_masked(login, cadre, username):
    client = login(username)
    listing = client.get("/api/v1/cadres/cadres/", {"organization": cadre.organization_id})
    assert listing.status_code == 200
    row = next(r for r in listing.json()["results"] if r["id"] == cadre.pk)
    assert row["id_number"] == mask_id_number(cadre.id_number) and row["phone"] == mask_mobile(cadre.phone)
    detail = client.get(f"/api/v1/cadres/cadres/{cadre.pk}/")
    _assert_masked(detail.content.decode(), cadre)


@pytest.mark.parametrize("username", ["county_leader", "city_reviewer", "village_secretary"])
def test_read_only_roles_cannot_unmask(login, cadre, username):
    client = login(username)
    before = SecurityEvent.objects.count()
    assert client.post(reverse("cadres:roster-unmask", args=[cadre.pk])).status_code == 403
    assert client.post(f"/api/v1/cadres/cadres/{cadre.pk}/unmask/").status_code == 403
    assert client.get(f"/api/v1/cadres/cadres/{cadre.pk}/unmask/").json() == {"may_unmask": False}
    assert "Show full numbers" not in client.get(reverse("cadres:roster-cadre", args=[cadre.pk])).content.decode()
    response = client.get(reverse("cadres:roster-export"), {"organization": cadre.organization_id, "unmasked": "1"})
    assert response.status_code == 403
    assert SecurityEvent.objects.count() == before


def test_other_county_admin_gets_404(login, cadre):
    client = login("other_county_admin")
    assert client.get(reverse("cadres:roster-cadre", args=[cadre.pk])).status_code == 404
    assert client.post(reverse("cadres:roster-unmask", args=[cadre.pk])).status_code == 404
    assert client.post(f"/api/v1/cadres/cadres/{cadre.pk}/unmask/").status_code == 404


def test_county_admin_sees_masked_until_the_audited_unmask(login, cadre, demo):
    client = login("county_admin")
    detail = client.get(reverse("cadres:roster-cadre", args=[cadre.pk])).content.decode()
    _assert_masked(detail, cadre)
    assert reverse("cadres:roster-unmask", args=[cadre.pk]) in detail
    assert not SecurityEvent.objects.filter(kind="personal_data_view").exists()
    response = client.post(reverse("cadres:roster-unmask", args=[cadre.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert cadre.id_number in html and cadre.phone in html
    event = SecurityEvent.objects.get(kind="personal_data_view")
    assert event.user == demo.users["county_admin"]
    assert event.detail["model"] == "cadres.cadre" and event.detail["object_id"] == cadre.pk
    assert event.detail["person"] == cadre.name and event.detail["fields"] == ["id_number", "phone"]
    # Shown once: the record page is masked again afterwards.
    _assert_masked(client.get(reverse("cadres:roster-cadre", args=[cadre.pk])).content.decode(), cadre)


def test_township_organizer_unmasks_in_own_township_through_the_api(login, cadre, demo):
    client = login("town_organizer")
    assert client.get(f"/api/v1/cadres/cadres/{cadre.pk}/unmask/").json() == {"may_unmask": True}
    response = client.post(f"/api/v1/cadres/cadres/{cadre.pk}/unmask/", {"numbers": ["phone"]},
                           content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"id": cadre.pk, "name": cadre.name, "phone": cadre.phone}
    event = SecurityEvent.objects.get(kind="personal_data_view")
    assert event.username == "town_organizer" and event.detail["fields"] == ["phone"]
    assert event.detail["object_id"] == cadre.pk


def test_unmasked_export_is_logged_and_only_for_unmasking_roles(login, cadre, demo):
    client = login("county_admin")
    response = client.get(reverse("cadres:roster-export"), {"organization": cadre.organization_id, "unmasked": "1"})
    rows = xlsx_rows(response)
    row = next(r for r in rows[1:] if r[4] == cadre.name)
    assert row[8] == cadre.id_number and row[12] == cadre.phone
    event = SecurityEvent.objects.get(kind="personal_data_view")
    expected = set(Cadre.objects.filter(organization=cadre.organization_id).values_list("pk", flat=True))
    assert set(event.detail["object_ids"]) == expected and event.detail["via"] == "roster export"
    assert SecurityEvent.objects.filter(kind="export", detail__what="cadre roster").exists()


def test_history_is_masked(login, cadre, demo):
    from cadres.services.roster import cadre_update

    old_phone = cadre.phone
    new_id = make_id(f"{cadre.birth_date:%Y%m%d}")
    cadre_update(user=demo.users["county_admin"], cadre=cadre, phone="13900001111", id_number=new_id)
    html = login("county_admin").get(reverse("cadres:roster-cadre", args=[cadre.pk])).content.decode()
    for number in (old_phone, "13900001111", new_id):
        assert number not in html
    assert mask_mobile("13900001111") in html and mask_mobile(old_phone) in html
    assert mask_id_number(new_id) in html


def test_edit_form_does_not_show_full_numbers(login, cadre):
    html = login("county_admin").get(reverse("cadres:roster-edit", args=[cadre.pk])).content.decode()
    assert cadre.id_number not in html and cadre.phone not in html


def test_list_offers_the_unmasked_export_only_to_unmasking_roles(login):
    html = login("county_admin").get(reverse("cadres:roster")).content.decode()
    assert f'href="{reverse("cadres:roster-export")}?status=current&amp;unmasked=1"' in html or \
        f'href="{reverse("cadres:roster-export")}?&amp;unmasked=1"' in html
    assert "data-export-unmasked" not in login("county_leader").get(reverse("cadres:roster")).content.decode()
