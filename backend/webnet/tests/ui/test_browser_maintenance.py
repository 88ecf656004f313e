"""Browser: an operator creates a weekly maintenance window over a router in their own time zone
and sees it on the change calendar (week view) at that local time."""

import pytest

from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser, follow_nav  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_create_a_window_and_see_it_on_the_calendar(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username="mw-operator")
    factories.DeviceFactory(customer=membership.customer, hostname="mw-r1")
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "mw-operator", timezone_id="Asia/Tokyo")

    page.goto(f"{base}/maintenance/new/")
    page.fill("#id_name", "Fibre splice")
    page.fill("#id_starts_at", "2030-01-07T23:00")
    page.fill("#id_ends_at", "2030-01-08T03:00")
    page.fill("#id_time_zone", "Asia/Tokyo")
    page.fill("#id_rrule", "FREQ=WEEKLY;COUNT=2")
    page.select_option("#id_devices", label="mw-r1")
    page.click("button:has-text('Create')")
    page.wait_for_selector("#list-table >> text=Fibre splice")

    follow_nav(page, "Maintenance")
    page.goto(f"{base}/calendar/?view=week&date=2030-01-14")
    item = page.locator("#calendar .calendar-item[data-kind=maintenance]").first
    assert "Fibre splice" in item.inner_text()
    assert "2030-01-14 23:00:00 JST" in item.inner_text()
