"""Browser: an operator writes a template with a variable, previews it (missing), sets the value
for the customer and then for the device, and the preview renders the device's value and says
where each value came from."""

import pytest

from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_template_variable_values_reach_the_preview(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username="tpl-op")
    device = factories.DeviceFactory(customer=membership.customer, hostname="tpl-r1")
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "tpl-op")

    page.goto(f"{base}/config/templates/new/")
    page.fill("#id_name", "ntp")
    page.fill("#id_body", "hostname {{ device.hostname }}\nntp server {{ ntp_server }}\n")
    page.fill("#id_variables", '[{"name": "ntp_server", "type": "ip", "required": true}]')
    page.click("button:has-text('Create')")
    page.wait_for_selector("text=Pick a device.")
    page.select_option("select[name=device]", str(device.pk))
    page.click("button:has-text('Render')")
    page.wait_for_selector("[role=alert] >> text=missing variable 'ntp_server'")
    assert "missing" in page.inner_text("#variable-sources [data-variable=ntp_server]")

    page.click("#set-customer-variables")
    page.fill("#var-ntp_server", "192.0.2.1")
    page.click("button:has-text('Save variables')")
    page.wait_for_selector("text=ntp server 192.0.2.1")  # back on the preview
    assert "customer" in page.inner_text("#variable-sources [data-variable=ntp_server]")

    page.click("#set-device-variables")
    assert page.input_value("#var-ntp_server") == ""  # the device has no value of its own yet
    page.fill("#var-ntp_server", "192.0.2.99")
    page.click("button:has-text('Save variables')")
    page.wait_for_selector("text=ntp server 192.0.2.99")
    row = page.inner_text("#variable-sources [data-variable=ntp_server]")
    assert "192.0.2.99" in row and "device" in row
