"""Every role's pages on a 390 px phone and a 1366 px desktop, in headless Chromium: no page-level sideways
scrolling (a wide table may scroll only inside its own focusable region), and axe-core reports no serious or
critical accessibility violation (issue 12 items 2 and 8).

axe-core is the npm package pinned in tests/js/package.json (``npm ci`` in tests/js, done by .ci/run). Under
CI a missing axe.min.js fails the test; on a developer's machine only the accessibility half is skipped.

Every page of every role is walked at 390 px for the width, and the main pages also at 1366 px. axe-core (the
slow half) runs once per page route: under the first role of ``AXE_ORDER`` that lists the route, or, when that
role is not shown the page (a 403, a redirect), under the next role that is (the test client asks the owner's
answer); the main pages are checked with axe at both widths under every role. One browser context per role, one
live server for all.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.pages import page_urls_for
from tests.test_browser import (  # noqa: F401 - the Chromium set-up of the browser journeys (fixtures), their login
    browser_context_args,
    browser_type_launch_args,
    log_in,
    playwright,
    site,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

#: The order in which roles own a page route for the axe-core check (the broadest scope and rights first).
AXE_ORDER = ("county_admin", "town_organizer", "city_reviewer", "county_leader", "contact_leader",
             "village_secretary", "other_county_admin")
#: The main pages of a role (route names), in the order a user meets them.
MAIN = (
    "home", "rectification:ledger", "rectification:my-ledger", "rectification:designation", "rectification:plan",
    "rectification:plan-progress", "rectification:progress-add", "rectification:task", "rectification:reports",
    "rectification:visits", "rectification:dashboard", "evaluations:evaluation-list", "evaluations:evaluation",
    "evaluations:rating-list", "evaluations:member-list", "cadres:home", "cadres:roster", "organizations:list",
    "organizations:jobs", "organizations:notifications",
)
#: Files, not pages (a download aborts the navigation), and pages that reveal personal data (they log it).
NOT_PAGES = re.compile(r"export|template|workbook|unmask|\.xlsx$")

#: The page's horizontal overflow, and any region that scrolls sideways without being reachable by keyboard.
MEASURE = """() => {
  const unreachable = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1
        && el.tabIndex < 0 && !el.querySelector('a[href], button, input, select, textarea, [tabindex]')) {
      unreachable.push(el.className || el.tagName);
    }
  }
  return {width: document.documentElement.scrollWidth, unreachable};
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""


def axe_available() -> bool:
    if AXE.exists():
        return True
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{AXE} is missing: run `npm ci` in tests/js")
    return False


def pages_of(username: str, *, every: bool) -> list[tuple[str, str]]:
    pages = [(name, url) for name, url in page_urls_for(username) if not NOT_PAGES.search(name + " " + url)
             and name != "login"]
    return pages if every else [(name, url) for name, url in pages if name in MAIN]


def is_page(status: int, content_type: str) -> bool:
    return status == 200 and "text/html" in content_type


def check(page, base, url, viewport, axe) -> list[str]:
    """What is wrong with one page at one width (nothing when it is not an HTML page the user may open);
    ``axe`` is a bool or a callable asked once the page has loaded."""
    page.set_viewport_size(viewport)
    try:
        response = page.goto(base + url)
    except PlaywrightError:  # an empty error response (a POST-only route's 405): not a page
        return []
    if response is None or not is_page(response.status, response.headers.get("content-type", "")):
        return []
    if callable(axe):
        axe = axe()
    problems = []
    measured = page.evaluate(MEASURE)
    if measured["width"] > viewport["width"]:
        problems.append(f"{url} at {viewport['width']} px is {measured['width']} px wide")
    if measured["unreachable"]:
        problems.append(f"{url}: a region scrolls sideways but cannot be focused: {measured['unreachable']}")
    if axe:
        problems += [f"{url} at {viewport['width']} px: {v}" for v in page.evaluate(AXE_RUN)]
    return problems


def phone_context(browser, context_args, axe: bool):
    """One browser context at phone size; with axe-core loaded into every page it opens."""
    context = browser.new_context(**{**context_args, "viewport": PHONE})
    if axe:
        context.add_init_script(path=str(AXE))
    return context


def axe_owner_shown(username: str, lists: dict[str, dict[str, str]]):
    """For a route of ``username``'s pages: whether axe runs on it here. It does when ``username`` owns the route
    (the first role of AXE_ORDER that lists it), or when every role before it in that order is not shown the
    page (asked of the test client, only for routes this role is shown)."""
    from django.test import Client

    from organizations.models import User

    clients: dict[str, Client] = {}

    def shown(role: str, name: str) -> bool:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(User.objects.get(username=role))
        response = clients[role].get(lists[role][name])
        return is_page(response.status_code, response.get("Content-Type", ""))

    def decide(name: str) -> bool:
        earlier = [role for role in AXE_ORDER[:AXE_ORDER.index(username)] if name in lists[role]]
        return not any(shown(role, name) for role in earlier)

    return decide


@pytest.mark.parametrize("username", AXE_ORDER)
def test_pages_fit_a_phone_and_pass_axe(browser, browser_context_args, site, username):  # noqa: F811
    axe = axe_available()
    lists = {role: dict(pages_of(role, every=True)) for role in AXE_ORDER}
    runs_axe_here = axe_owner_shown(username, lists)
    context = phone_context(browser, browser_context_args, axe)
    page = context.new_page()
    try:
        log_in(page, site, username)
        pages = pages_of(username, every=True)
        assert len(pages) >= 10, pages
        problems = []
        for name, url in pages:
            here = axe and (name in MAIN or (lambda name=name: runs_axe_here(name)))
            problems += check(page, site, url, PHONE, here)
            if name in MAIN:
                problems += check(page, site, url, DESKTOP, axe)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    if not axe:
        pytest.skip(f"{AXE} is missing (npm ci in tests/js): only the widths were checked")


def test_ballot_page_fits_a_phone_with_thumb_sized_answers(browser, browser_context_args, site,  # noqa: F811
                                                            seeded_demo):
    """The public ballot, opened from a printed link on a phone: each answer's radio button is at least
    24 px (it was 13 px) and axe finds nothing serious."""
    from django.db.models import F

    from evaluations.models import EvaluationStatus, VoterGroup
    from evaluations.services.satisfaction import ballot_links_create

    group = VoterGroup.objects.filter(evaluation__status=EvaluationStatus.OPEN).order_by("pk").first()
    VoterGroup.objects.filter(pk=group.pk).update(size=F("size") + 1)  # a seat for one more link
    group.refresh_from_db()
    token = ballot_links_create(user=seeded_demo.users["county_admin"], group=group, count=1)[0]
    axe = axe_available()
    context = phone_context(browser, browser_context_args, axe)
    page = context.new_page()
    try:
        assert check(page, site, f"/evaluations/vote/{token}/", PHONE, axe) == []
        sizes = [page.locator("input[type=radio]").nth(i).bounding_box()
                 for i in range(page.locator("input[type=radio]").count())]
    finally:
        context.close()
    assert len(sizes) >= 2
    assert [box for box in sizes if box["width"] < 24 or box["height"] < 24] == []
