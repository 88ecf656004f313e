"""Browser: a NOC viewer opens an incident, sees the subscribers behind its BNG and downloads
the notice list; the maintenance list leads to a window's affected subscribers. An operator
renames a live service's login on its edit page and sees the reprovision plan."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from webnet.aaa import coa
from webnet.customers.models import Role
from webnet.drivers.radius import Answer
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_incident_and_window_show_and_export_the_customers_affected(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
    tmp_path: Path,
) -> None:
    viewer = factories.MembershipFactory(role=Role.VIEWER, user__username="noc-viewer")
    customer = viewer.customer
    bng = factories.DeviceFactory(customer=customer, hostname="bng-7")
    factories.ServiceInstanceFactory(
        subscriber__customer=customer, subscriber__account_number="ACC-77", device=bng
    )
    incident = factories.IncidentFactory(customer=customer, title="bng-7 down")
    incident.devices.add(bng)
    window = factories.MaintenanceWindowFactory(customer=customer, name="bng-7 swap", devices=[bng])
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "noc-viewer")

    page.goto(f"{base}/incidents/{incident.pk}/")
    section = page.locator("#affected")
    expect(section.locator("[data-affected]")).to_have_attribute("data-affected", "1")
    expect(section.locator("[data-account='ACC-77']")).to_be_visible()
    with page.expect_download() as download:
        section.locator("[data-export='csv']").click()
    saved = tmp_path / "notice.csv"
    download.value.save_as(saved)
    assert "ACC-77" in saved.read_text() and saved.read_text().startswith("service,account_number")

    page.goto(f"{base}/maintenance/")
    page.click(f"a[href='/maintenance/{window.pk}/affected/']")
    expect(page.locator("h1")).to_have_text("Customers affected")
    expect(page.locator("[data-account='ACC-77']")).to_be_visible()


def test_renaming_a_live_login_shows_the_reprovision_plan(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The NAS's answer is stubbed here; tests/aaa/test_login_rename.py sends it to the lab BNG.
    monkeypatch.setattr(coa.radius, "send_change", lambda *a, **k: Answer("ack", None, 1))
    operator = factories.MembershipFactory(role=Role.OPERATOR, user__username="svc-op")
    customer = operator.customer
    factories.NasFactory(customer=customer, nasname="127.0.0.1")
    service = factories.ServiceInstanceFactory(
        subscriber__customer=customer, subscriber__account_number="ACC-8", login="old-name"
    )
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "svc-op")
    page.goto(f"{base}/services/{service.pk}/")
    page.click("[data-transition='activate']")
    expect(page.locator("#service-status")).to_have_attribute("data-status", "active")
    factories.RadAcctFactory(customer=customer, username="old-name", nasipaddress="127.0.0.1")

    page.goto(f"{base}/services/{service.pk}/edit/")
    page.fill("#id_login", "new-name")
    page.click("button:has-text('Save')")
    plan = page.locator("[data-plan]").first
    expect(plan).to_contain_text("Reprovision")
    expect(plan.locator("[data-coa='ack']")).to_have_count(1)
    expect(page.locator("#service-status")).to_have_attribute("data-status", "active")
