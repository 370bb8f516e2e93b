"""The escalation ladder in headless Chromium: the county admin takes a township's reminder up to 督办 (挂牌督办)
at 1366 px, and the township organizer sees it listed on a phone (390 px): home to-do → the escalations page →
the escalation, nothing wider than the screen."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.test_browser import (  # noqa: F401 - the browser fixtures of the journeys
    browser_context_args,
    browser_type_launch_args,
    log_in,
    playwright,
    site,
)

pytestmark = pytest.mark.browser


def _reminder_in_linan():
    """A reminder sent by the county today on an organization of 林安镇 with no open escalation."""
    from organizations.models import Organization, User
    from rectification.models import Escalation
    from rectification.services.escalations import escalation_open

    organization = Organization.objects.filter(township__name="林安镇").exclude(
        pk__in=Escalation.objects.filter(resolved_on__isnull=True).values("organization_id")).order_by("pk").first()
    return escalation_open(user=User.objects.get(username="county_admin"), organization=organization,
                           reason="组织生活会未按期召开", today=timezone.localdate())


def test_county_admin_escalates_and_the_township_sees_it_listed_on_a_phone(page, site):  # noqa: F811
    from rectification.models import Escalation, Rung

    escalation = _reminder_in_linan()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, site, "county_admin")
    page.locator("details.nav-more summary").click()
    page.locator("a[data-nav=escalations]").click()
    page.wait_for_url(f"{site}/ledger/escalations/")
    assert page.locator("h1").inner_text() == "督办问责"
    page.goto(f"{site}/ledger/escalations/?state=open&rung=reminder")
    page.get_by_role("link", name=escalation.organization.name).first.click()
    page.wait_for_url(f"{site}/ledger/escalations/{escalation.pk}/")
    page.get_by_role("link", name="升级督办").click()
    page.wait_for_url(f"{site}/ledger/escalations/{escalation.pk}/escalate/")
    page.select_option("select[name=rung]", Rung.SUPERVISION)
    page.fill("textarea[name=content]", "列入挂牌督办，限期一个月完成整改并书面报告。")
    page.fill("input[name=document_number]", "仙组督〔2026〕15号")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{site}/ledger/escalations/{escalation.pk}/")
    assert "督办事项已升级" in page.locator("body").inner_text()
    escalation.refresh_from_db()
    assert escalation.rung == Rung.SUPERVISION and escalation.is_listed

    # The township organizer, on a phone: the home to-do shows the listed escalations, one tap to the list.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, site, "town_organizer")
    listed = Escalation.objects.filter(township__name="林安镇", rung=Rung.SUPERVISION, resolved_on__isnull=True)
    todo = page.locator("li[data-todo=escalations_supervision] a")
    assert todo.locator(".badge").inner_text() == str(listed.count())
    todo.click()
    page.wait_for_url("**/ledger/escalations/?state=open&rung=supervision")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.get_by_role("link", name=escalation.organization.name).first.click()
    page.wait_for_url(f"{site}/ledger/escalations/{escalation.pk}/")
    body = page.locator("body").inner_text()
    assert "挂牌督办" in body and "仙组督〔2026〕15号" in body
    assert page.get_by_role("link", name="升级督办").count() == 0  # the township reads; the county escalates
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
