"""Filter forms above county level do not list every township or organization (issue 13 item 2): the choices are
those of the chosen county or township (and the chosen value); a county user keeps the whole list."""

from __future__ import annotations

import re

import pytest

from organizations.models import Division, Organization

pytestmark = pytest.mark.django_db

# List pages whose filter form offers a township and a Party organization.
PAGES = ["/evaluations/stars/members/", "/cadres/roster/"]


def options(response, name: str) -> set[str]:
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} select"
    return {value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value}


def ids(queryset) -> set[str]:
    return {str(pk) for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize("url", PAGES)
def test_city_reviewer_chooses_county_then_township_then_organization(login, demo, url):
    client = login("city_reviewer")
    user = demo.users["city_reviewer"]
    visible = Organization.objects.visible_to(user)
    assert visible.count() > 300
    first = client.get(url)
    assert first.status_code == 200
    assert options(first, "organization") == set() and options(first, "township") == set()

    by_county = client.get(url, {"county": demo.county1.pk})
    assert options(by_county, "township") == ids(Division.objects.filter(county=demo.county1, level="township"))
    assert options(by_county, "organization") == ids(visible.filter(county=demo.county1))

    by_township = client.get(url, {"county": demo.county1.pk, "township": demo.township_a.pk})
    in_township = visible.filter(township=demo.township_a)
    assert options(by_township, "organization") == ids(in_township)

    # A chosen organization stays a choice (and filters) whatever else is chosen.
    other = visible.filter(county=demo.county2).first()
    chosen = client.get(url, {"township": demo.township_a.pk, "organization": other.pk})
    assert options(chosen, "organization") == ids(in_township) | {str(other.pk)}
    assert f'<option value="{other.pk}" selected>'.encode() in chosen.content


def test_county_admin_keeps_every_choice(login, demo):
    client = login("county_admin")
    user = demo.users["county_admin"]
    response = client.get(PAGES[0])
    assert options(response, "organization") == ids(Organization.objects.visible_to(user))
    assert options(response, "township") == ids(Division.objects.visible_to(user).filter(level="township"))
