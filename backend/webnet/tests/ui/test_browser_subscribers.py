"""Browser: an operator creates a subscriber and a service, activates and suspends it, and sees
the provisioning plan (throttled rate) and the NAS's ACK to the CoA."""

import pytest

from webnet.aaa import coa
from webnet.customers.models import Role
from webnet.drivers.radius import Answer
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser, follow_nav  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_create_subscriber_and_service_then_suspend_it(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[dict] = []
    monkeypatch.setattr(
        coa.radius,
        "send_change",
        lambda *args, **kwargs: sent.append(args[3]) or Answer("ack", None, 1),
    )
    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username="sub-op")
    customer = membership.customer
    factories.ServicePlanFactory(customer=customer, name="Fiber 100")
    factories.DeviceFactory(customer=customer, hostname="bng-1")
    factories.NasFactory(customer=customer, nasname="127.0.0.1")
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "sub-op")

    follow_nav(page, "Subscribers")
    page.click("text=New subscriber")
    page.fill("#id_account_number", "ACC-100")
    page.fill("#id_name", "Grace Hopper")
    page.click("button:has-text('Create')")
    page.wait_for_selector("h1:has-text('ACC-100')")

    page.click("text=New service")
    page.select_option("#id_plan", label="Fiber 100")
    page.select_option("#id_device", label="bng-1")
    page.fill("#id_login", "grace")
    page.fill("#id_password", "cobol-1959")
    page.click("button:has-text('Create')")
    page.wait_for_selector("#service-status[data-status='pending']")

    page.click("[data-transition='activate']")
    page.wait_for_selector("#service-status[data-status='active']")
    factories.RadAcctFactory(customer=customer, username="grace", nasipaddress="127.0.0.1")
    page.click("[data-transition='suspend']")
    page.wait_for_selector("#service-status[data-status='suspended']")
    plan = page.locator("[data-plan]").first
    assert "Mikrotik-Rate-Limit=256k/256k" in plan.inner_text()
    assert plan.locator("[data-coa='ack']").count() == 1
    assert "cobol-1959" not in page.content()
    assert sent == [
        {
            "User-Name": "grace",
            "Acct-Session-Id": sent[0]["Acct-Session-Id"],
            "NAS-IP-Address": "127.0.0.1",
            "Mikrotik-Rate-Limit": "256k/256k",
        }
    ]
