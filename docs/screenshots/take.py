"""Screenshots of the main pages for the README, on a 390 px phone and a 1366 px desktop, in headless Chromium.

Run against the demo portal (`make run`, then in another shell):

    .venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]

Each page is opened as the role that uses it and its first screen is saved as docs/screenshots/<name>-<width>.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PASSWORD = "rectify-demo"
WIDTHS = {390: 844, 1366: 900}
#: (file name, role, path or a callable giving it from the page, what it shows)
PAGES = [
    ("home-organizer", "town_organizer", "/", "the township organizer's home page: the to-do list"),
    ("ledger", "town_organizer", "/ledger/", "the ledger of the township"),
    ("plan", "town_organizer", "plan", "a one-village-one-policy plan"),
    ("progress-entry", "town_organizer", "progress", "entering progress with photos"),
    ("reports", "town_organizer", "/ledger/reports/", "the bimonthly reports"),
    ("dashboard", "county_leader", "/ledger/dashboard/", "the county leader's dashboard"),
    ("home-county", "county_admin", "/", "the county organization department's home page"),
]


def _plan_paths(page, site: str) -> dict[str, str]:
    """The plan of 东山村 (in rectification in the demo), found through the ledger search like a user would."""
    page.goto(f"{site}/ledger/?q=东山村")
    href = page.locator("a[href*='/ledger/plans/']").first.get_attribute("href")
    plan_id = href.rstrip("/").split("/")[-1]
    return {"plan": f"/ledger/plans/{plan_id}/", "progress": f"/ledger/progress/plans/{plan_id}/add/"}


def main(site: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        for width, height in WIDTHS.items():
            logged_in: dict[str, object] = {}
            for name, role, path, _what in PAGES:
                if role not in logged_in:
                    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                                  timezone_id="Asia/Shanghai", device_scale_factor=1)
                    page = context.new_page()
                    page.goto(f"{site}/accounts/login/")
                    page.fill("input[name=username]", role)
                    page.fill("input[name=password]", PASSWORD)
                    page.locator("form:has(input[name=password]) [type=submit]").click()
                    page.wait_for_url(f"{site}/")
                    logged_in[role] = page
                page = logged_in[role]
                if not path.startswith("/"):
                    path = _plan_paths(page, site)[path]
                page.goto(site + path)
                page.wait_for_load_state("networkidle")
                target = HERE / f"{name}-{width}.png"
                page.screenshot(path=str(target))
                print(target.relative_to(HERE.parent.parent))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
