"""Keyset (cursor) pages (issue 13 item 3): the API lists and the list pages page by cursor, every row exactly
once even when rows are added between pages; ``?page=N`` keeps the page-number form."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from organizations.keyset import keyset_order, keyset_page
from organizations.models import Division, Organization

from .test_query_counts import add_villages

pytestmark = pytest.mark.django_db


def walk_api(client, url, params, *, between=None, link="next"):
    """Follow ``link`` from ``url`` to the end: the ids of every page, in order; ``between(page_number)`` runs
    after each page (to change the data meanwhile)."""
    pages = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        if between:
            between(len(pages))
        if not body[link]:
            return pages, body
        assert "page=" not in body[link] and "cursor=" in body[link]
        response = client.get(body[link])


def test_api_pages_by_cursor_and_every_row_once_while_rows_are_added(login, demo):
    client = login("city_reviewer")
    user = demo.users["city_reviewer"]
    expected = list(Organization.objects.visible_to(user).order_by("division__code", "name", "pk")
                    .values_list("pk", flat=True))
    added = []

    def add_rows(page_number):
        if page_number in (2, 5):  # township A's new villages sort in the middle of the list
            added.extend(o.pk for o in add_villages(demo.township_a, 4, first_number=700 + 10 * page_number))

    pages, body = walk_api(client, "/api/v1/organizations/", {"page_size": 13}, between=add_rows)
    seen = [pk for page in pages for pk in page]
    assert len(seen) == len(set(seen))  # no row twice
    assert set(expected) <= set(seen)  # every row that was there from the start
    assert set(seen) - set(expected) <= set(added)
    assert added and body["count"] == len(expected) + len(added)
    # Whatever was seen is in the list's order (organizations by division code, name, id).
    final = list(Organization.objects.visible_to(user).order_by("division__code", "name", "pk")
                 .values_list("pk", flat=True))
    assert seen == [pk for pk in final if pk in set(seen)]


def test_api_previous_links_walk_back_the_same_pages(login, demo):
    client = login("county_admin")
    forward, last = walk_api(client, "/api/v1/organizations/", {"page_size": 20})
    assert len(forward) > 3
    assert last["previous"]
    backward, first = walk_api(client, last["previous"], {}, link="previous")
    assert backward == list(reversed(forward[:-1]))
    assert first["previous"] is None


def test_api_cursor_follows_the_ordering_parameter(login, demo):
    client = login("county_admin")
    user = demo.users["county_admin"]
    # Ties broken by the id, in the direction of the last column.
    expected = list(Organization.objects.visible_to(user).order_by("-member_count", "-pk").values_list("pk", flat=True))
    pages, _ = walk_api(client, "/api/v1/organizations/", {"page_size": 25, "ordering": "-member_count"})
    assert [pk for page in pages for pk in page] == expected


def test_api_page_number_form_is_kept(login, demo):
    client = login("county_admin")
    user = demo.users["county_admin"]
    ordered = list(Organization.objects.visible_to(user).order_by("division__code", "name", "pk")
                   .values_list("pk", flat=True))
    body = client.get("/api/v1/organizations/", {"page": 2, "page_size": 10}).json()
    assert [row["id"] for row in body["results"]] == ordered[10:20]
    assert body["count"] == len(ordered)
    assert parse_qs(urlsplit(body["next"]).query)["page"] == ["3"]
    assert parse_qs(urlsplit(body["previous"]).query).get("page", ["1"]) == ["1"]


@pytest.mark.parametrize("cursor", ["nonsense", "eyJ2IjpbMV19", "eyJ2IjpbIngiLCJ5IiwieiJdfQ", "e30"])
def test_api_bad_cursor_is_a_404(login, demo, cursor):
    client = login("county_admin")
    assert client.get("/api/v1/organizations/", {"cursor": cursor}).status_code == 404


def test_api_other_lists_page_by_cursor(login, demo):
    """Every list viewset pages by cursor by default: the ledger too (its own order, annotated columns)."""
    from rectification.models import Designation
    from rectification.selectors.ledger import with_ledger_columns

    client = login("city_reviewer")
    user = demo.users["city_reviewer"]
    expected = list(with_ledger_columns(Designation.objects.visible_to(user))
                    .order_by("-round__year", "organization__division__code", "pk").values_list("pk", flat=True))
    assert len(expected) > 3
    pages, _ = walk_api(client, "/api/v1/ledger/designations/", {"page_size": 3})
    assert [pk for page in pages for pk in page] == expected


def test_keyset_with_null_values_and_both_directions(demo):
    """NULLs sort as the largest value, ascending and descending; paging by cursor forwards and from the last
    page backwards gives the order of the database's own sort."""
    villages = list(Division.objects.filter(county=demo.county1, level="village").order_by("pk"))
    for i, village in enumerate(villages):
        village.population = None if i % 3 == 0 else 1000 + (i % 5)  # NULLs and ties
    Division.objects.bulk_update(villages, ["population"])
    base = Division.objects.filter(county=demo.county1, level="village")
    for field in ("population", "-population"):
        queryset = base.order_by(field, "-name")
        keys = keyset_order(queryset)
        assert [k.path for k in keys] == ["population", "name", "pk"]
        rows = list(queryset)
        nulls = [r for r in rows if r.population is None]
        rest = sorted((r for r in rows if r.population is not None),
                      key=lambda r: (r.population if field == "population" else -r.population, _desc(r.name), -r.pk))
        nulls.sort(key=lambda r: (_desc(r.name), -r.pk))  # ties: the id in the direction of the last column
        expected = [r.pk for r in (rest + nulls if field == "population" else nulls + rest)]
        seen, cursor = [], None
        while True:
            page = keyset_page(queryset, keys, cursor=cursor, size=4)
            seen += [r.pk for r in page.rows]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert seen == expected
        back, cursor = [], page.previous_cursor
        while cursor:
            page = keyset_page(queryset, keys, cursor=cursor, size=4)
            back = [r.pk for r in page.rows] + back
            cursor = page.previous_cursor
        assert back + seen[len(back):] == expected and back


def _desc(text):
    return [-ord(c) for c in text] + [0]


def test_list_page_walks_by_cursor_and_keeps_page_numbers(login, demo):
    client = login("county_admin")
    user = demo.users["county_admin"]
    ordered = list(Organization.objects.visible_to(user).order_by("division__code", "name", "pk")
                   .values_list("pk", flat=True))
    assert len(ordered) > 100
    url, seen = "/organizations/", []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page_obj"]
        assert page.start_index() == len(seen) + 1 and response.context["paginator"].count == len(ordered)
        seen += [o.pk for o in response.context["object_list"]]
        assert f"{page.start_index()}–{page.end_index()}".encode() in response.content
        url = f"/organizations/?{page.next_query}" if page.has_next() else None
        if url:
            assert f'href="?{page.next_query}"'.replace("&", "&amp;").encode() in response.content
    assert seen == ordered
    last = client.get("/organizations/", {"page": "last"})
    assert [o.pk for o in last.context["object_list"]] == ordered[-50:]
    assert last.context["page_obj"].number == last.context["paginator"].num_pages
    by_number = client.get("/organizations/", {"page": 2})
    assert [o.pk for o in by_number.context["object_list"]] == ordered[50:100]
    assert client.get("/organizations/", {"cursor": "nonsense"}).status_code == 404
