"""Every role's pages on a 390 px phone and a 1366 px desktop, in headless Chromium: no page-level sideways
scrolling (a wide table may scroll only inside its own focusable region), and axe-core reports no serious or
critical accessibility violation (issue 12 items 2 and 8).

axe-core is the npm package pinned in tests/js/package.json (``npm ci`` in tests/js, done by .ci/run). Under
CI a missing axe.min.js fails the test; on a developer's machine only the accessibility half is skipped.

Every page of every role is walked at 390 px for the width; axe-core (the slow half: every page of every role
took longer than the 90 s budget on 2 CPUs) runs on every page of the three roles with the most pages and on
the main pages of the others; the main pages are also checked at 1366 px. One browser context per role, one live
server for all.
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

#: The roles whose every page is also checked with axe-core (the most pages); the others on their main pages.
EVERY_PAGE = ("county_admin", "town_organizer", "city_reviewer")
OTHERS = ("village_secretary", "contact_leader", "county_leader", "other_county_admin")
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


def check(page, base, url, viewport, axe: bool) -> list[str]:
    """What is wrong with one page at one width (nothing when it is not an HTML page the user may open)."""
    page.set_viewport_size(viewport)
    try:
        response = page.goto(base + url)
    except PlaywrightError:  # an empty error response (a POST-only route's 405): not a page
        return []
    if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
        return []
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


@pytest.mark.parametrize("username", EVERY_PAGE + OTHERS)
def test_pages_fit_a_phone_and_pass_axe(browser, browser_context_args, site, username):  # noqa: F811
    axe = axe_available()
    context = phone_context(browser, browser_context_args, axe)
    page = context.new_page()
    try:
        log_in(page, site, username)
        pages = pages_of(username, every=True)
        assert len(pages) >= 10, pages
        problems = []
        for name, url in pages:
            problems += check(page, site, url, PHONE, axe and (username in EVERY_PAGE or name in MAIN))
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
