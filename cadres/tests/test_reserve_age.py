"""The reserve pool's age rule (issue 11, item 10 d): a policy, waived for members rated at 9 stars or more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import ReserveCadre, ReserveType, Track
from cadres.services.reserve import reserve_add, reserve_update
from cadres.tests.test_reserve import form_data, own_village, rated_members  # noqa: F401 - the fixture
from cadres.tests.test_shortfall import new_id
from organizations.services import policy_set

JOINED = dt.date(2026, 3, 1)
#: 50 on the day of joining: older than the default 45.
OLD = dt.date(1975, 6, 1)


def _add(user, organization, **extra):
    fields = {"name": "年长者", "id_number": new_id(OLD), "reserve_type": ReserveType.RICH_LEADER,
              "track": Track.COMMITTEE_MEMBER, "joined_on": JOINED}
    fields.update(extra)
    return reserve_add(user=user, organization=organization, **fields)


def test_older_than_the_policy_is_refused(demo):
    user = demo.users["town_organizer"]
    with pytest.raises(ValidationError) as refused:
        _add(user, own_village(demo))
    assert "45" in str(refused.value) and "50" in str(refused.value)
    # 45 on the day of joining is allowed.
    assert _add(user, own_village(demo), name="刚好", id_number=new_id(dt.date(1980, 6, 1))).pk


def test_the_age_limit_is_a_setting(demo):
    policy_set(user=demo.users["county_admin"], division=demo.county1, key="reserve_max_age", value=50)
    assert _add(demo.users["town_organizer"], own_village(demo)).pk


def test_a_nine_star_member_enters_whatever_the_age(demo, rated_members):  # noqa: F811
    user = demo.users["town_organizer"]
    nine, eight = rated_members["星九"], rated_members["星八"]
    assert _add(user, nine.organization, name=nine.name, source_member=nine).source_member_id == nine.pk
    with pytest.raises(ValidationError):
        _add(user, eight.organization, name=eight.name, source_member=eight)


def test_an_edit_of_the_birth_date_is_checked(demo):
    user = demo.users["town_organizer"]
    reserve = _add(user, own_village(demo), id_number=new_id(dt.date(1995, 1, 1)))
    with pytest.raises(ValidationError):
        reserve_update(user=user, reserve=reserve, id_number=new_id(OLD), birth_date=None)
    # An edit that does not touch the age is not refused.
    assert reserve_update(user=user, reserve=reserve, note="跟班学习").note == "跟班学习"


def test_the_add_page_shows_the_refusal(login, demo):
    client = login("village_secretary")
    village = own_village(demo)
    response = client.post(reverse("cadres:reserve-add"), form_data(village, id_number=new_id(OLD)))
    assert response.status_code == 400
    assert "45" in response.content.decode()
    assert not ReserveCadre.objects.filter(organization=village, name="郑思琪").exists()


def test_the_import_applies_the_age_rule(demo):
    from cadres.imports.reserve import reserve_import
    from cadres.tests.test_reserve_import import row, workbook
    from cadres.tests.test_shortfall import villages_of

    user = demo.users["town_organizer"]
    village = villages_of(demo.township_a)[0]
    refused = reserve_import(user=user, upload=workbook([row(village, "年长者", new_id(dt.date(1970, 1, 1)))]))
    assert not refused.ok and "45" in refused.errors[0]["message"]
    assert reserve_import(user=user, upload=workbook([row(village, "青年", new_id(dt.date(1990, 1, 1)))])).ok
