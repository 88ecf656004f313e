"""Browser: staff following a link to another customer's device get a 404 page with the sidebar
that offers to open it in that customer, and one click gets them there."""

import pytest

from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_staff_open_another_customers_device_from_the_404_page(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    factories.CustomerFactory(name="Alpha Networks")  # the first, so the active customer
    bravo = factories.CustomerFactory(name="Bravo Telecom")
    device = factories.DeviceFactory(customer=bravo, hostname="bravo-edge-1")
    factories.UserFactory(username="noc-staff", is_superuser=True, is_staff=True)
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "noc-staff")
    assert page.input_value("#customer-select") != str(bravo.pk)

    response = page.goto(f"{base}/devices/{device.pk}/")
    assert response.status == 404
    assert page.is_visible("nav >> text=Dashboard")  # the normal page, with the sidebar
    page.click("#open-elsewhere >> text=Open in Bravo Telecom")
    page.wait_for_url(f"{base}/devices/{device.pk}/")
    assert "bravo-edge-1" in page.inner_text("h1")
    assert page.input_value("#customer-select") == str(bravo.pk)
