"""Role-fitting navigation and the home page's to-do list (issue 12, finding 6), through HTTP.

Each demo account's menu shows exactly the entries its work needs, in its words (a village secretary its own
ledger, no leader dashboard or API docs; a county leader the dashboard first; a contact leader its villages and
the visit log); rarely used entries sit under "More" (a <details>, no script). The home page lists what waits
for the person, each count a link to the page listing exactly those rows (one counting rule).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

# (entries in the bar, in order; entries under "More") for each demo account.
EXPECTED_MENUS = {
    "county_admin": (["home", "ledger", "reports", "evaluations", "stars", "cadres", "dashboard"],
                     ["my_ledger", "visits", "recognition", "guarantee", "escalations", "organizations", "imports", "jobs", "api_docs"]),
    "other_county_admin": (["home", "ledger", "reports", "evaluations", "stars", "cadres", "dashboard"],
                           ["my_ledger", "visits", "recognition", "guarantee", "escalations", "organizations", "imports", "jobs", "api_docs"]),
    "county_leader": (["dashboard", "home", "ledger", "reports", "evaluations", "stars", "cadres"],
                      ["visits", "recognition", "guarantee", "escalations", "organizations"]),
    "city_reviewer": (["dashboard", "home", "ledger", "reports", "evaluations", "stars", "cadres"],
                      ["visits", "recognition", "guarantee", "escalations", "organizations", "api_docs"]),
    "town_organizer": (["home", "ledger", "reports", "visits", "stars", "cadres", "organizations"],
                       ["my_ledger", "evaluations", "recognition", "guarantee", "escalations"]),
    "village_secretary": (["home", "my_ledger", "reports", "stars", "recognition", "reserve"], []),
    "contact_leader": (["home", "my_ledger", "reports", "visits"], []),
}

# Words a role reads in its menu (Chinese, the default language).
EXPECTED_WORDS = {
    "village_secretary": ["首页", "本村台账", "双月报告", "星级管理", "后备干部"],
    "contact_leader": ["首页", "我的联系村", "双月报告", "走访记录"],
    "county_admin": ["首页", "整顿台账", "双月报告", "满意度测评", "星级管理", "领导驾驶舱", "更多", "后台作业"],
    "county_leader": ["领导驾驶舱", "整顿台账"],
}

NAV_ITEM = re.compile(r'<a href="[^"]*" data-nav="([a-z_]+)"')


def menu_of(html: str) -> tuple[list[str], list[str]]:
    """(bar, "More") entries of the page's main menu, in order."""
    nav = html[html.index('<nav class="nav"'):html.index("</nav>", html.index('<nav class="nav"'))]
    if 'class="nav-more"' in nav:
        bar, more = nav.split('class="nav-more"', 1)
    else:
        bar, more = nav, ""
    return NAV_ITEM.findall(bar), NAV_ITEM.findall(more)


def expected_menu(username: str) -> tuple[list[str], list[str]]:
    """The expected menu; the annual reports join the county's and the city's "More" once their page exists."""
    bar, more = EXPECTED_MENUS[username]
    try:
        reverse("rectification:annual-reports")
    except NoReverseMatch:
        return bar, more
    if username in ("county_admin", "other_county_admin", "county_leader", "city_reviewer"):
        at = more.index("organizations") + 1
        more = [*more[:at], "annual_reports", *more[at:]]
    # The planning ledger (issue 14 item 4) follows the annual reports, under "More" for the county, its
    # leaders, the city and the townships.
    if username in ("county_admin", "other_county_admin", "county_leader", "city_reviewer"):
        at = more.index("annual_reports") + 1
        more = [*more[:at], "planning", "committee", *more[at:]]
    if username == "town_organizer":
        more = [*more, "planning", "committee"]
    return bar, more


@pytest.mark.parametrize("username", list(EXPECTED_MENUS))
def test_each_role_sees_exactly_its_menu(login, username):
    response = login(username).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert menu_of(html) == expected_menu(username)
    nav = html[html.index('<nav class="nav"'):html.index("</nav>", html.index('<nav class="nav"'))]
    for word in EXPECTED_WORDS.get(username, []):
        assert word in nav, (username, word)
    # "任务" means a plan's task: the background jobs are "后台作业"; the leader dashboard and the API docs are
    # not a village's, a township's or a contact leader's.
    assert ">任务<" not in nav
    if username in ("village_secretary", "contact_leader", "town_organizer"):
        assert "领导驾驶舱" not in nav and "接口文档" not in nav


@pytest.mark.parametrize("username,url_name,current", [
    ("town_organizer", "rectification:reports", "reports"),
    ("town_organizer", "rectification:visits", "visits"),
    ("town_organizer", "rectification:ledger", "ledger"),
    ("contact_leader", "rectification:my-ledger", "my_ledger"),
    ("county_leader", "rectification:dashboard", "dashboard"),
    ("county_admin", "organizations:jobs", "jobs"),
    ("village_secretary", "cadres:reserve-list", "reserve"),
])
def test_the_current_page_is_marked_once(login, username, url_name, current):
    html = login(username).get(reverse(url_name)).content.decode()
    marked = re.findall(r'data-nav="([a-z_]+)" class="active" aria-current="page"', html)
    assert marked == [current]
    if current in expected_menu(username)[1]:  # under "More": the summary shows where the page is
        assert '<details class="nav-more" data-active>' in html


# ------------------------------------------------------------------------------------------- to-do list


def page_rows(client, url: str) -> int:
    """The number of rows the page at ``url`` lists (whatever its kind of list)."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "rectification/progress/visit_list.html" in [t.name for t in response.templates]:
        return len(context["tally"])
    if context.get("rows") is not None and context.get("view"):  # the bimonthly reports page
        return context["page_obj"].paginator.count
    return context["paginator"].count


@pytest.mark.parametrize("username", list(EXPECTED_MENUS))
def test_home_to_do_counts_equal_the_rows_of_the_pages_they_link(login, username):
    client = login(username)
    response = client.get(reverse("home"))
    todo = response.context["todo"]
    html = response.content.decode()
    for item in todo:
        assert item.count > 0
        assert f'href="{item.url}"' in html.replace("&amp;", "&")
        assert page_rows(client, item.url) == item.count, (username, item.key, item.url)
    keys = {item.key for item in todo}
    # What waits for each role in the demo city on this day (the demo's own late, missing and short data).
    if username == "county_admin":
        assert {"overdue", "reports_missing", "visits_short"} <= keys
    if username in ("county_leader", "city_reviewer"):
        assert keys == set()  # read-only: nothing waits for them


def test_contact_leader_reaches_visits_and_reports_in_one_tap_from_home(login):
    html = login("contact_leader").get(reverse("home")).content.decode()
    assert f'href="{reverse("rectification:visits")}" data-quick="visits"' in html
    assert f'href="{reverse("rectification:reports")}" data-quick="reports"' in html


def test_home_cards_are_links(login, demo):
    html = login("town_organizer").get(reverse("home")).content.decode()
    township = demo.township_a.pk
    assert f'<a class="stat" href="/organizations/?township={township}">' in html
    assert f'<a class="stat" href="/ledger/?counted=current&amp;township={township}">' in html
    assert not re.search(r'<div class="stat[ "]', html)


@pytest.mark.parametrize("username", list(EXPECTED_MENUS))
def test_home_query_count_does_not_grow_with_the_ledger(demo, login, username, settings):
    from rectification.tests.progress_support import make_rectifying_plan, village_in

    settings.PERSON_FIGURES_SECONDS = 0  # the to-do list counted on every visit (not kept a minute)
    client = login(username)
    url = reverse("home")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for township in (demo.township_a, demo.township_b):
        make_rectifying_plan(demo, organization=village_in(township))
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before), (username, len(before), len(after))
    assert len(before) <= 60
