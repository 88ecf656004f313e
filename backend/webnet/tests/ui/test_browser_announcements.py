"""Browser: an operator posts a notice for the status page ahead of the work; it is on the
customer's public status page and the console banner, and gone from both once it expires. A P1
incident opened in the console publishes its own notice, and acknowledging it adds a word."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from webnet.customers.models import Role
from webnet.maintenance.models import StatusPage
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser, follow_nav  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
FORM = "%Y-%m-%dT%H:%M"


def _operator_of_a_public_page(
    chromium: Any, live_server: Any, username: str
) -> tuple[Any, str, Any]:
    """A customer with a public status page, the server's address, and its operator logged in."""
    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username=username)
    StatusPage.objects.create(customer=membership.customer, is_public=True)
    return membership.customer, live_server.url, log_in(chromium, live_server.url, username)


def test_a_notice_appears_on_the_status_page_and_disappears_after_expiry(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    customer, base, page = _operator_of_a_public_page(browser, live_server, "notice-op")
    now = timezone.now()

    page.goto(f"{base}/announcements/new/")
    page.fill("#id_title", "Core router upgrade")
    page.fill("#id_body", "Expect **short** outages.")
    page.check("#id_on_status_page")
    page.fill("#id_publish_at", (now - timedelta(days=1)).strftime(FORM))
    page.fill("#id_expire_at", (now + timedelta(days=1)).strftime(FORM))
    page.click("button:has-text('Create')")
    page.wait_for_selector("#announcements [data-status=published]")
    assert "Core router upgrade" in page.inner_text("#announcement-banners")

    public = browser.new_page()  # type: ignore[attr-defined]  # nobody logged in
    public.goto(f"{base}/status/{customer.slug}/")
    assert "Core router upgrade" in public.inner_text("#status-notices")
    assert "short" in public.inner_text("#status-notices strong")

    with time_machine.travel(now + timedelta(days=2), tick=True):
        public.reload()
        assert "Core router upgrade" not in public.inner_text("#status-notices")
        assert "Core router upgrade" in public.inner_text("#status-history")
        page.goto(f"{base}/announcements/")
        assert page.locator("#announcement-banners").count() == 0
        assert page.locator("#announcements [data-status=expired]").count() == 1


def test_a_p1_incident_publishes_a_notice_and_its_acknowledgement_adds_a_word(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    customer, base, page = _operator_of_a_public_page(browser, live_server, "incident-op")
    public = browser.new_page()  # type: ignore[attr-defined]  # nobody logged in
    public.goto(f"{base}/status/{customer.slug}/")
    expect(public.locator("#status-notices [data-no-notices]")).to_be_visible()

    follow_nav(page, "Incidents")
    page.fill("#incident-title", "core1 unreachable, call Jane")
    page.select_option("#incident-priority", "p1")
    page.click("#open-incident-submit")
    page.wait_for_selector("h1 >> text=INC-1 core1 unreachable")
    page.reload()  # the banner is part of every console page
    expect(page.locator("#announcement-banners")).to_contain_text("Service disruption")

    public.reload()
    notice = public.locator("#status-notices [data-notice]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Service disruption")
    expect(notice).not_to_contain_text("We are investigating")

    page.click("#btn-acknowledge")
    page.wait_for_selector("#incident-status >> text=Acknowledged")
    public.reload()
    expect(public.locator("#status-notices [data-notice]")).to_contain_text("We are investigating")
    assert "core1" not in public.content() and "Jane" not in public.content()
