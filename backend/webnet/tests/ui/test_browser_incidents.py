"""Browser: an operator opens an incident by hand, acknowledges it, and sees its SLA panel."""

import pytest

from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser, follow_nav  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_open_an_incident_acknowledge_it_and_see_the_sla_panel(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username="inc-op")
    factories.SlaPolicyFactory(customer=membership.customer, is_default=True)
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "inc-op", timezone_id="Europe/Berlin")

    follow_nav(page, "Incidents")
    page.fill("#incident-title", "core1 unreachable")
    page.select_option("#incident-priority", "p1")
    page.click("#open-incident-submit")
    page.wait_for_selector("h1 >> text=INC-1 core1 unreachable")
    assert page.locator("#incident-status").inner_text() == "Triggered"
    running = page.locator("#sla-panel tr[data-clock='acknowledge']")
    assert running.get_attribute("data-state") == "within"

    page.fill("#incident-note", "on it")
    page.click("#btn-acknowledge")
    page.wait_for_selector("#incident-status >> text=Acknowledged")
    acknowledged = page.locator("#sla-panel tr[data-clock='acknowledge']")
    assert acknowledged.get_attribute("data-state") == "met"
    resolve = page.locator("#sla-panel tr[data-clock='resolve_first']")
    assert resolve.get_attribute("data-state") == "within"
    assert "CET" in resolve.inner_text()  # due time in the browser's zone
    assert page.locator("#incident-log >> text=on it").count() == 1
