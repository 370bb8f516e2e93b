"""End-to-end journeys in headless Chromium (Debian's /usr/bin/chromium; nothing is downloaded at test time).

Every demo account logs in through the real login form of a live server and lands on its home
page, which shows the person and their scope, and nothing of another county's.
"""

import os
from pathlib import Path

import pytest

from organizations.demo import COUNTY_1_TOWNSHIPS, COUNTY_2_TOWNSHIPS, DEMO_ACCOUNTS, DEMO_PASSWORD

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a
# thread unless told that it is safe (the ORM calls here are the fixtures', never concurrent).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FULL_NAMES = {account.username: account.full_name for account in DEMO_ACCOUNTS}
COUNTY_1_NAMES = [name for name, _kind, _n in COUNTY_1_TOWNSHIPS]
COUNTY_2_NAMES = [name for name, _kind, _n in COUNTY_2_TOWNSHIPS]

# What each account's home page shows of its scope, and what it must not show.
SCOPES = {
    "county_admin": (["林安镇", "状元镇"], COUNTY_2_NAMES),
    "county_leader": (["林安镇", "状元镇"], COUNTY_2_NAMES),
    "town_organizer": (["东山村"], ["状元镇", "柳湖村", *COUNTY_2_NAMES]),
    "village_secretary": (["东山村"], ["柳湖村", "状元镇", *COUNTY_2_NAMES]),
    "contact_leader": (["东山村", "柳湖村", "汾山村"], ["鲁头村", *COUNTY_2_NAMES]),
    "other_county_admin": (COUNTY_2_NAMES, ["林安镇", "状元镇", "仙游县"]),
    "city_reviewer": (["仙游县", "涵江区"], []),
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium); the browser journeys need it"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def playwright(django_db_setup, playwright):
    """Playwright, started only after the database is set up and snapshotted, in plain synchronous code
    (once Playwright runs its event loop in this thread, Django hands out other connection objects)."""
    return playwright


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set up like the users': Chinese first, China's time zone."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def site(live_server, seeded_demo):
    """The live server's address, with the demo city committed for its thread."""
    return live_server.url


def log_in(page, site: str, username: str) -> list:
    """Log in through the form; returns the responses of static files seen on the way."""
    static = []
    page.on("response", lambda response: static.append(response) if "/static/" in response.url else None)
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{site}/")
    page.wait_for_load_state("load")
    return static


@pytest.mark.parametrize("username", list(SCOPES))
def test_every_demo_account_logs_in_and_sees_its_scope(page, site, username, tmp_path):
    static = log_in(page, site, username)

    body = page.locator("body").inner_text()
    assert FULL_NAMES[username] in body
    shown, hidden = SCOPES[username]
    assert [name for name in shown if name not in body] == [], f"{username} misses part of its scope"
    assert [name for name in hidden if name in body] == [], f"{username} sees outside its scope"

    stylesheets = [r for r in static if r.request.resource_type == "stylesheet"]
    assert stylesheets, "the page loaded no stylesheet"
    assert {r.url: r.status for r in static if r.status != 200} == {}
    screenshot = tmp_path / f"home-{username}.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0


def test_wrong_password_stays_on_the_login_page(page, site):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "county_admin")
    page.fill("input[name=password]", "not-the-password")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state("load")

    assert page.url.startswith(f"{site}/accounts/login/")
    assert FULL_NAMES["county_admin"] not in page.locator("body").inner_text()


def test_phone_width_navigation_opens_with_the_toggle(page, site, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, site, "town_organizer")
    nav_link = page.locator("nav a[href='/organizations/']").first
    toggle = page.locator("label[for=nav-toggle], [aria-controls][aria-expanded]").first

    assert toggle.is_visible(), "no navigation toggle at phone width"
    assert not nav_link.is_visible(), "the navigation should be folded away at phone width"
    toggle.click()
    nav_link.wait_for(state="visible", timeout=5000)
    page.screenshot(path=str(tmp_path / "phone-nav-open.png"))
    nav_link.click()
    page.wait_for_url(f"{site}/organizations/")
    assert "东山村" in page.locator("body").inner_text()


@pytest.mark.parametrize("width", [390, 1366])
def test_api_docs_render_under_the_content_security_policy(page, site, width):
    """接口文档 was a blank page for every role: Swagger UI's inline start-up script was refused by the CSP
    (script-src 'self'). The split view serves it as a script of our own origin."""
    page.set_viewport_size({"width": width, "height": 900})
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    log_in(page, site, "county_admin")
    page.goto(f"{site}/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() >= 10  # the operations (rendered as they scroll in)
    assert refused == []
