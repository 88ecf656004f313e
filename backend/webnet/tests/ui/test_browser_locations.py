"""Browser: an admin creates a region and a site in it, puts a device at the site, and sees the
device under the site in the location tree and on the site's page."""

import pytest

from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser, follow_nav  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_create_region_then_site_and_see_a_device_under_it(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.ADMIN, user__username="loc-admin")
    device = factories.DeviceFactory(customer=membership.customer, hostname="loc-r1")
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "loc-admin")

    follow_nav(page, "Locations")
    page.click("text=New region")
    page.fill("#id_name", "Europe")
    page.click("button:has-text('Create')")
    page.wait_for_selector("#location-tree >> text=Europe")

    page.click("text=New site")
    page.fill("#id_name", "AMS1")
    page.select_option("#id_region", label="Europe")
    page.fill("#id_time_zone", "Europe/Amsterdam")
    page.click("button:has-text('Create')")
    page.wait_for_selector("#location-tree >> text=AMS1")

    page.goto(f"{base}/devices/{device.pk}/edit/")
    page.select_option("#id_site", label="AMS1")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=loc-r1")

    follow_nav(page, "Locations")
    region = page.locator("#location-tree li[data-node^='region:']").first
    assert "1 device" in region.locator("> div").inner_text()
    page.click("#location-tree >> text=AMS1")
    page.wait_for_selector("#site-devices >> text=loc-r1")
    page.click("#site-devices >> text=in the device list")
    page.wait_for_selector("#f-within >> text=site AMS1")
    assert page.locator("#list-table >> text=loc-r1").count() == 1
