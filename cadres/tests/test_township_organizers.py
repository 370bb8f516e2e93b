"""At least one township organization officer per township (seed 000; issue 11, item 10 c): the shortfall page."""

from __future__ import annotations

from django.urls import reverse

from organizations.services import policy_set

URL = reverse("cadres:township-organizers")


def _townships(response) -> set[int]:
    assert response.status_code == 200
    return {r.township.pk for r in response.context["rows"]}


def test_the_county_sees_the_townships_without_an_officer(login, demo):
    client = login("county_admin")
    short = _townships(client.get(URL))
    # 林安镇 has the demo organizer; the other township of the fixture has none.
    assert demo.township_a.pk not in short and demo.township_b.pk in short
    assert demo.township_b.name in client.get(URL).content.decode()
    # Only the county's own townships.
    assert all(r.township.county_id == demo.county1.pk for r in client.get(URL).context["rows"])
    assert demo.township_a.pk in _townships(client.get(URL, {"all": "1"}))


def test_the_minimum_is_a_setting(login, demo):
    policy_set(user=demo.users["county_admin"], division=demo.county1, key="township_organizers_min", value=2)
    page = login("county_admin").get(URL)
    row = next(r for r in page.context["rows"] if r.township.pk == demo.township_a.pk)
    assert (row.organizers, row.minimum, row.missing) == (1, 2, 1)
    assert "1 short" in page.content.decode()


def test_an_inactive_account_is_no_officer(login, demo):
    organizer = demo.users["town_organizer"]
    organizer.is_active = False
    organizer.save(update_fields=["is_active"])
    assert demo.township_a.pk in _townships(login("county_admin").get(URL))


def test_other_roles_do_not_see_it_and_the_dashboard_links_it(login, demo):
    assert login("town_organizer").get(URL).status_code == 404
    assert demo.township_a.pk not in _townships(login("other_county_admin").get(URL))
    assert URL in login("county_admin").get(reverse("cadres:dashboard")).content.decode()
    assert URL not in login("town_organizer").get(reverse("cadres:dashboard")).content.decode()
