"""Reserve-pool shortfall against the policy: township-level override, nearest ancestor wins, student flag,
bounded queries, the shortfall page and API."""

from __future__ import annotations

import datetime as dt
import itertools

from django.urls import reverse

from cadres.identity import id_check_char
from cadres.models import ReserveCadre, ReserveType, Track
from cadres.selectors.reserve import shortfall_summary, village_rows
from cadres.services.reserve import reserve_add
from organizations.models import Organization
from organizations.services import policy_set

_SEQUENCE = itertools.count(101)


def new_id(born: dt.date = dt.date(1995, 3, 15)) -> str:
    first17 = f"350322{born:%Y%m%d}{next(_SEQUENCE) % 1000:03d}"
    return first17 + id_check_char(first17)


def fill_pool(user, organization, count: int, *, reserve_type=ReserveType.RICH_LEADER) -> list[ReserveCadre]:
    """Empty ``organization``'s pool and put exactly ``count`` people in it (through the service)."""
    ReserveCadre.objects.filter(organization=organization).delete()
    return [reserve_add(user=user, organization=organization, name=f"测试{i}", id_number=new_id(),
                        reserve_type=reserve_type, track=Track.COMMITTEE_MEMBER, joined_on=dt.date(2026, 1, 5))
            for i in range(count)]


def villages_of(township) -> list[Organization]:
    return list(Organization.objects.filter(township=township, category="village", is_active=True).order_by("pk"))


def row_of(user, organization):
    return next(r for r in village_rows(user) if r.organization_id == organization.pk)


def test_township_policy_override_changes_its_villages_shortfall(demo):
    admin = demo.users["county_admin"]
    in_a, in_b = villages_of(demo.township_a)[0], villages_of(demo.township_b)[0]
    fill_pool(admin, in_a, 3)
    fill_pool(admin, in_b, 3)
    before_a, before_b = row_of(admin, in_a), row_of(admin, in_b)
    assert (before_a.minimum, before_a.in_pool, before_a.is_short) == (2, 3, False)
    assert not before_b.is_short

    policy_set(user=admin, division=demo.township_a, key="reserve_cadres_min", value=4)
    policy_set(user=admin, division=demo.township_a, key="reserve_cadres_max", value=5)

    after_a, after_b = row_of(admin, in_a), row_of(admin, in_b)
    assert (after_a.minimum, after_a.maximum, after_a.is_short, after_a.missing) == (4, 5, True, 1)
    assert (after_b.minimum, after_b.is_short) == (2, False)  # another township keeps the county's rule
    # Every village of the township follows its township's setting.
    assert {r.minimum for r in village_rows(admin, township=demo.township_a)} == {4}
    # The township's summary row counts the village as short.
    summary = shortfall_summary(admin)
    township_row = next(t for t in summary["townships"] if t["id"] == demo.township_a.pk)
    rows_a = village_rows(admin, township=demo.township_a)
    assert township_row["short"] == sum(r.in_pool < 4 for r in rows_a)


def test_nearest_division_wins_over_the_township(demo):
    admin = demo.users["county_admin"]
    village = villages_of(demo.township_a)[1]
    fill_pool(admin, village, 1)
    policy_set(user=admin, division=demo.county1, key="reserve_cadres_min", value=3)
    policy_set(user=admin, division=demo.township_a, key="reserve_cadres_min", value=4)
    policy_set(user=admin, division=village.division, key="reserve_cadres_min", value=1)
    row = row_of(admin, village)
    assert (row.minimum, row.is_short) == (1, False)
    other = villages_of(demo.township_b)[0]
    assert row_of(admin, other).minimum == 3


def test_pool_without_student_official_is_flagged(demo):
    admin = demo.users["county_admin"]
    village = villages_of(demo.township_a)[2]
    fill_pool(admin, village, 2, reserve_type=ReserveType.VETERAN)
    row = row_of(admin, village)
    assert row.has_no_student and "no_student" in row.flags()
    reserve_add(user=admin, organization=village, name="大学生", id_number=new_id(dt.date(1999, 1, 2)),
                reserve_type=ReserveType.STUDENT_OFFICIAL, track=Track.SECRETARY)
    row = row_of(admin, village)
    assert (row.in_pool, row.students, row.has_no_student) == (3, 1, False)


def test_only_people_in_the_pool_count(demo):
    from cadres.services.reserve import reserve_set_status

    admin = demo.users["county_admin"]
    village = villages_of(demo.township_a)[3]
    people = fill_pool(admin, village, 2)
    reserve_set_status(user=admin, reserve=people[0], status="left", on=dt.date(2026, 2, 1))
    row = row_of(admin, village)
    assert (row.in_pool, row.is_short, row.missing) == (1, True, 1)


def test_summary_is_bounded_in_queries(demo, django_assert_max_num_queries):
    admin = demo.users["county_admin"]
    shortfall_summary(admin)  # warm the user's grants
    with django_assert_max_num_queries(4):
        summary = shortfall_summary(admin)
    assert summary["totals"]["villages"] == Organization.objects.filter(
        county=demo.county1, category__in=["village", "community"], is_active=True).count()
    assert summary["totals"]["pool_size"] == ReserveCadre.objects.filter(county=demo.county1, status="in_pool").count()
    assert summary["totals"]["short"] == sum(t["short"] for t in summary["townships"])
    assert summary["totals"]["without_student"] == summary["totals"]["no_student"]


def test_summary_is_scoped(demo):
    township_summary = shortfall_summary(demo.users["town_organizer"])
    assert [t["id"] for t in township_summary["townships"]] == [demo.township_a.pk]
    assert shortfall_summary(demo.users["other_county_admin"])["totals"]["pool_size"] == 0
    county = shortfall_summary(demo.users["county_admin"], county=demo.county1)
    assert county["totals"]["villages"] > township_summary["totals"]["villages"]


def test_demo_pool_has_short_and_full_villages(demo):
    totals = shortfall_summary(demo.users["county_admin"])["totals"]
    assert totals["pool_size"] >= 500
    assert 0 < totals["short"] < totals["villages"] // 2
    assert totals["above_max"] > 0
    assert 0 < totals["no_student"] < totals["villages"]


def test_shortfall_page_lists_short_villages_per_township(login, demo):
    admin = demo.users["county_admin"]
    village = villages_of(demo.township_a)[0]
    fill_pool(admin, village, 0)
    client = login("town_organizer")
    response = client.get(reverse("cadres:reserve-shortfall"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert village.pk in [r.organization_id for r in rows]
    assert all(r.is_short for r in rows)
    assert [t.id for t in response.context["townships"]] == [demo.township_a.pk]
    response = client.get(reverse("cadres:reserve-shortfall"), {"flag": "no_student"})
    assert all(r.has_no_student for r in response.context["rows"])
    # A township outside the scope is refused by the filter form: nothing is listed.
    response = client.get(reverse("cadres:reserve-shortfall"), {"township": demo.township_b.pk})
    assert response.status_code == 200 and not response.context["rows"]


def test_shortfall_api(login, demo):
    admin = demo.users["county_admin"]
    village = villages_of(demo.township_a)[0]
    fill_pool(admin, village, 1)
    policy_set(user=admin, division=demo.township_a, key="reserve_cadres_min", value=3)
    client = login("county_admin")
    response = client.get("/api/v1/cadres/reserve-shortfall/", {"township": demo.township_a.pk, "page_size": 500})
    assert response.status_code == 200
    data = response.json()
    row = next(r for r in data["results"] if r["id"] == village.pk)
    assert (row["in_pool"], row["minimum"], row["missing"], row["short"]) == (1, 3, 2, True)
    assert data["totals"]["short"] == data["count"]
    assert data["townships"][0]["township_id"] == demo.township_a.pk
    response = login("town_organizer").get("/api/v1/cadres/reserve-shortfall/", {"township": demo.township_b.pk})
    assert response.status_code == 400


def test_pages_are_bounded_in_queries(login, demo, django_assert_max_num_queries):
    client = login("county_admin")
    pages = [(reverse("cadres:reserve-shortfall"), {"flag": "all"}), (reverse("cadres:reserve-list"), {}),
             (reverse("cadres:training-untrained"), {"year": 2026}), (reverse("cadres:training-list"), {}),
             ("/api/v1/cadres/reserve-shortfall/", {"flag": "all", "page_size": 500}),
             ("/api/v1/cadres/reserve-cadres/", {"page_size": 500}),
             ("/api/v1/cadres/untrained-secretaries/", {"all": 1, "page_size": 500})]
    for url, params in pages:
        client.get(url, params)
        with django_assert_max_num_queries(16):
            assert client.get(url, params).status_code == 200, url
