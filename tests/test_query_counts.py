"""Query counts do not grow with the data: measured on the demo city, then again after adding many
villages and organizations in the persona's scope (bulk-created with the models' copy_ancestry)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Division, Organization
from organizations.models.divisions import DivisionKind
from organizations.models.orgs import OrganizationCategory, OrganizationType
from organizations.roles import Level

ADDED_VILLAGES = 60


def add_villages(township: Division, count: int, *, first_number: int = 700) -> list[Organization]:
    """Bulk-create ``count`` villages under ``township``, each with its Party branch, ancestry filled
    by ``Division.copy_ancestry`` / ``Organization.copy_ancestry`` as the services do."""
    divisions = []
    for i in range(count):
        division = Division(code=f"{township.code[:9]}{first_number + i:03d}", name=f"测{i}村", level=Level.VILLAGE,
                            kind=DivisionKind.VILLAGE, parent=township, population=1000 + i)
        division.copy_ancestry()
        divisions.append(division)
    Division.objects.bulk_create(divisions)
    ids = dict(Division.objects.filter(code__in=[d.code for d in divisions]).values_list("code", "id"))
    committee = Organization.objects.filter(division=township, org_type=OrganizationType.COMMITTEE).first()
    organizations = []
    for division in divisions:
        division.pk = ids[division.code]
        organization = Organization(name=f"中共{township.name}{division.name}支部委员会", org_type=OrganizationType.BRANCH,
                                    category=OrganizationCategory.VILLAGE, division=division, parent=committee,
                                    secretary_name="张明", member_count=30)
        organization.copy_ancestry()
        organizations.append(organization)
    Organization.objects.bulk_create(organizations)
    return list(Organization.objects.filter(division__in=ids.values()).order_by("pk"))


def add_township(county: Division, villages: int) -> Division:
    township = Division(code=f"{county.code[:6]}900000", name="测试镇", level=Level.TOWNSHIP, kind=DivisionKind.TOWN,
                        parent=county, population=30000)
    township.copy_ancestry()
    township.save()
    committee = Organization(name="中共测试镇委员会", org_type=OrganizationType.COMMITTEE,
                             category=OrganizationCategory.TOWNSHIP, division=township, member_count=600)
    committee.copy_ancestry()
    committee.save()
    add_villages(township, villages, first_number=200)
    return township


def grow(demo) -> int:
    """Add 60 villages to township A (town_organizer's) and a new township of 10 villages to county 1."""
    added = add_villages(demo.township_a, ADDED_VILLAGES)
    add_township(demo.county1, 10)
    return len(added)


def count_queries(client, url) -> tuple[int, object]:
    client.get(url)  # warm-up: first-request caches (content types, translations) are not the subject
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), response


def visible_count(user) -> int:
    return Organization.objects.visible_to(user).count()


def result_count(name, response) -> int | None:
    if name.startswith("api_list"):
        return response.json()["count"]
    if name.startswith("list"):
        return response.context["paginator"].count
    return None


URLS = {
    "list": lambda demo, org: reverse("organizations:list"),
    "list_last_page": lambda demo, org: reverse("organizations:list") + "?page=last",
    "list_search": lambda demo, org: reverse("organizations:list") + "?q=村",
    "list_township": lambda demo, org: reverse("organizations:list") + f"?township={demo.township_a.pk}",
    "api_list": lambda demo, org: "/api/v1/organizations/",
    "api_list_filtered": lambda demo, org: f"/api/v1/organizations/?township={demo.township_a.pk}&category=village",
    "api_detail": lambda demo, org: f"/api/v1/organizations/{org.pk}/",
    "org_detail": lambda demo, org: reverse("organizations:detail", args=[org.pk]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["town_organizer", "city_reviewer"])
@pytest.mark.parametrize("name", list(URLS))
def test_organization_pages_query_count_does_not_grow(demo, login, persona, name):
    client = login(persona)
    user = demo.users[persona]
    # Detail pages: township A's Party committee, whose children grow by 60 branches below.
    committee = Organization.objects.get(division=demo.township_a, org_type=OrganizationType.COMMITTEE)
    url = URLS[name](demo, committee)
    before, response = count_queries(client, url)
    results_before = result_count(name, response)
    scope_before = visible_count(user)

    added = grow(demo)
    assert visible_count(user) >= scope_before + added  # the new rows are really in this persona's scope
    assert committee.children.count() >= added
    after, response = count_queries(client, url)
    if results_before is not None:
        assert result_count(name, response) > results_before  # the page did see the new organizations
    assert after == before, f"{name} as {persona}: {before} queries on the demo data, {after} with more data"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["county_admin", "town_organizer", "city_reviewer"])
def test_home_page_query_count_does_not_grow(demo, login, persona, settings):
    settings.PERSON_FIGURES_SECONDS = 0  # the to-do list counted on every visit (not kept a minute)
    client = login(persona)
    before, response = count_queries(client, reverse("home"))
    organizations_before = sum(block.organization_count for block in response.context["blocks"])
    grow(demo)
    after, response = count_queries(client, reverse("home"))
    assert sum(block.organization_count for block in response.context["blocks"]) > organizations_before
    assert after == before, f"home as {persona}: {before} queries on the demo data, {after} with more data"
