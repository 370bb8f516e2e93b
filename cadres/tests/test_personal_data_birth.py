"""Issue 10, item 1: beside a masked ID number (first 6 and last 4 characters shown) a full date of birth
gives back the 8 hidden digits. One rule (cadres.masking.birth_year): the YEAR only, for every role, on the
API, the list and detail pages, the exports and the history; the full date only with the full ID number
(the audited unmask, or an unmasked export of a role that may unmask)."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.masking import birth_year, mask_birth_date
from cadres.models import Cadre, FirstSecretary, Post, ReserveCadre

from .helpers import make_id, xlsx_rows

pytestmark = pytest.mark.django_db

BORN = dt.date(1975, 3, 8)
FULL_FORMS = ("1975-03-08", "19750308", "1975年3月", "1975.03", "1975-03", "Mar. 8, 1975", "March 8, 1975",
              "March 1975", "03/08/1975", "1975/03")
SEEING = ["county_admin", "county_leader", "city_reviewer", "village_secretary", "town_organizer"]


def _born_1975(obj):
    obj.id_number, obj.birth_date = make_id("19750308"), BORN
    obj.save()  # a history record with the birth date changed
    return obj


@pytest.fixture
def people(demo):
    cadre = Cadre.objects.get(organization__division=demo.village_a,
                              post__in=[Post.SECRETARY_DIRECTOR, Post.SECRETARY], post_ended_on__isnull=True)
    reserve = ReserveCadre.objects.filter(organization=cadre.organization).first()
    first_secretary = FirstSecretary.objects.filter(county=cadre.county).first()
    return {"cadre": _born_1975(cadre), "reserve": reserve and _born_1975(reserve),
            "first_secretary": first_secretary and _born_1975(first_secretary)}


def _no_full_date(text: str, where: str):
    for form in FULL_FORMS:
        assert form not in text, (where, form)


def test_the_rule():
    assert birth_year(BORN) == "1975" and birth_year(None) == ""
    assert mask_birth_date(BORN) == "1975" and mask_birth_date("1975-03-08") == "1975" and mask_birth_date("") == ""


@pytest.mark.parametrize("username", SEEING)
def test_api_shows_the_year_only(login, people, username):
    client = login(username)
    for kind, base in (("cadre", "cadres"), ("reserve", "reserve-cadres"), ("first_secretary", "first-secretaries")):
        obj = people[kind]
        if obj is None:
            continue
        response = client.get(f"/api/v1/cadres/{base}/{obj.pk}/")
        if response.status_code == 404:  # outside this role's scope
            continue
        assert response.status_code == 200, (kind, response.status_code)
        assert response.json()["birth_date"] == "1975", kind
        _no_full_date(response.content.decode(), kind)


@pytest.mark.parametrize("username", SEEING)
def test_pages_and_history_show_the_year_only(login, people, username):
    client = login(username)
    pages = [("cadre", reverse("cadres:roster-cadre", args=[people["cadre"].pk])),
             ("roster", reverse("cadres:roster") + f"?organization={people['cadre'].organization_id}"),
             ("roster-org", reverse("cadres:roster-organization", args=[people["cadre"].organization_id]))]
    if people["reserve"] is not None:
        pages += [("reserve", reverse("cadres:reserve-detail", args=[people["reserve"].pk])),
                  ("reserve-list", reverse("cadres:reserve-list") + f"?q={people['reserve'].name}")]
    if people["first_secretary"] is not None:
        pages.append(("first-secretary", reverse("cadres:first-secretary", args=[people["first_secretary"].pk])))
    shown = 0
    for where, url in pages:
        response = client.get(url)
        if response.status_code == 404:
            continue
        assert response.status_code == 200, (where, response.status_code)
        _no_full_date(response.content.decode(), where)
        shown += 1
    assert shown


@pytest.mark.parametrize("username", SEEING)
def test_masked_exports_show_the_year_only(login, people, username):
    client = login(username)
    for route, obj in (("cadres:roster-export", people["cadre"]), ("cadres:reserve-export", people["reserve"])):
        if obj is None:
            continue
        response = client.get(reverse(route), {"organization": obj.organization_id})
        assert response.status_code == 200
        rows = xlsx_rows(response)
        row = next(r for r in rows[1:] if obj.name in [str(c) for c in r])
        assert "1975" in [str(c) for c in row], (route, row)
        _no_full_date(repr(rows), route)


def test_unmasked_export_of_a_role_that_may_unmask_keeps_the_month(login, people):
    cadre = people["cadre"]
    response = login("county_admin").get(reverse("cadres:roster-export"),
                                         {"organization": cadre.organization_id, "unmasked": "1"})
    assert response.status_code == 200
    row = next(r for r in xlsx_rows(response)[1:] if cadre.name in [str(c) for c in r])
    assert "1975.03" in row and cadre.id_number in row
