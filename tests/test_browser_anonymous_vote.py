"""Anonymous voting through a one-time link in headless Chromium, on a phone and on a desktop (issue 12).

The county administrator makes a link on the links page of a live server; the link is opened in a fresh
browser context (no session, as the voter's phone), the ballot filled and sent. Django's test client sends
no ``Origin`` header, so only a real browser shows that the voting page's referrer policy lets the form
post with a real origin (``no-referrer`` made Chromium send ``Origin: null``, which the CSRF check refused:
every ballot through a link was lost). The live server, the log-in and the browser set-up are those of
tests/test_browser.py.
"""
# The fixtures imported from tests/test_browser.py are requested by name as arguments (F811 there).
# ruff: noqa: F811

import pytest

from evaluations.models import Ballot, BallotSource, BallotToken, VoterGroupKind
from evaluations.services import satisfaction as services
from evaluations.tests.test_satisfaction_support import acceptance_requested
from tests.test_browser import (  # noqa: F401 - fixtures of the browser journeys, reused
    browser_context_args,
    browser_type_launch_args,
    log_in,
    playwright,
    site,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def public_group(site, seeded_demo):
    """An evaluation open in the demo county (committed, for the live server) with 3 public representatives."""
    evaluation = services.evaluation_create(user=seeded_demo.users["county_admin"],
                                            designation=acceptance_requested(seeded_demo, year=2094),
                                            party_members=0, public=3)
    return evaluation.groups.get(kind=VoterGroupKind.PUBLIC)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390", "desktop"])
def test_a_voter_casts_a_ballot_through_a_one_time_link(page, browser, browser_context_args,
                                                        site, public_group, viewport, tmp_path):
    # The county administrator makes one link on the links page (the print page shows it once).
    log_in(page, site, "county_admin")
    page.goto(f"{site}/evaluations/satisfaction/groups/{public_group.pk}/links/")
    page.fill("input[name=count]", "1")
    page.locator("form:has(input[name=count]) [type=submit]").click()
    page.wait_for_load_state("load")
    urls = page.locator(".slip .url").all_inner_texts()
    assert len(urls) == 1 and "/evaluations/vote/" in urls[0], page.locator("body").inner_text()[:500]
    link = urls[0].strip()
    assert link.startswith(site)

    # The voter opens it in a browser of their own: no session, a phone's or a desktop's width.
    voter = browser.new_context(**{**browser_context_args, "viewport": viewport})
    try:
        phone = voter.new_page()
        posts, refused = [], []
        phone.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
        phone.on("response", lambda response: refused.append(response) if response.status == 403 else None)
        phone.goto(link)
        assert public_group.organization.name in phone.locator("body").inner_text()
        phone.get_by_label("满意", exact=True).check()
        phone.get_by_role("button", name="提交投票").click()
        phone.wait_for_load_state("load")
        phone.screenshot(path=str(tmp_path / f"vote-{viewport['width']}.png"), full_page=True)
        body = phone.locator("body").inner_text()

        assert not refused, f"the ballot was refused (403): {body[:300]}"
        assert len(posts) == 1 and posts[0].header_value("origin") not in (None, "null"), \
            "the voting page must let the browser post its real Origin"
        assert "感谢您的参与" in body and "投票已计入" in body
        assert list(Ballot.objects.filter(group=public_group).values_list("choice", "source")) == [
            ("satisfied", BallotSource.ANONYMOUS)]
        assert BallotToken.objects.get(group=public_group).used_at is not None

        # The link casts once: opened again, it says so.
        phone.goto(link)
        assert "已使用" in phone.locator("body").inner_text()
    finally:
        voter.close()

    # The evaluation page counts it: 1 of 1 link used.
    page.goto(f"{site}/evaluations/satisfaction/{public_group.evaluation_id}/")
    assert "1 / 1" in page.locator("body").inner_text()
