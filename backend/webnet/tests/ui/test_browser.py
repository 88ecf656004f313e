"""One real-browser run: log in, create a device, see it in the (HTMX-filtered) list.

Uses Debian's /usr/bin/chromium through Playwright's sync API against pytest-django's live
server. Without Chromium the test skips locally but fails under CI, where it must run.
"""

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.factories import DEFAULT_PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM guard would object.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; the browser test must run under CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def follow_nav(page: object, label: str) -> None:
    """Click a sidebar link as a user would: open its collapsed group first."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    link = page.locator("nav a.nav-link", has_text=exact)  # type: ignore[attr-defined]
    if not link.is_visible():  # a collapsed <details> group (not in the accessibility tree)
        page.locator("nav details", has=page.locator("a.nav-link", has_text=exact)).locator(  # type: ignore[attr-defined]
            "summary"
        ).click()
    link.click()


def test_login_create_device_and_see_it_in_the_list(
    transactional_db: None, live_server: object, browser: object
) -> None:
    membership = factories.MembershipFactory(role=Role.ADMIN, user__username="browser-admin")
    factories.CredentialFactory(customer=membership.customer, name="lab-cred")
    base = live_server.url  # type: ignore[attr-defined]
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)

    page.goto(f"{base}/login/")
    page.fill("#id_username", "browser-admin")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "Dashboard" in page.inner_text("h1")

    follow_nav(page, "Devices")
    page.click("text=New device")
    page.fill("#id_hostname", "browser-r1")
    page.fill("#id_management_host", "198.51.100.77")
    page.select_option("#id_platform", "arista_eos")
    page.select_option("#id_credential", label="lab-cred")
    page.click("button:has-text('Create')")
    page.wait_for_selector("text=browser-r1")
    assert "/devices/" in page.url

    page.goto(f"{base}/devices/")
    assert page.is_visible("#device-table >> text=browser-r1")
    page.fill("#f-q", "no-such-device")
    page.wait_for_selector("text=No devices match.")
    assert "q=no-such-device" in page.url
    page.fill("#f-q", "browser")
    page.wait_for_selector("#device-table >> text=browser-r1")


def test_job_log_island_streams_filters_and_refreshes_results_when_done(
    transactional_db: None, live_server: object, browser: object
) -> None:
    """The test server has no WebSocket endpoint, so this also proves the REST polling fallback."""
    from django.utils import timezone

    from webnet.jobs.models import Job, JobDeviceResult, JobLog, JobStatus

    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username="browser-op")
    customer = membership.customer
    r1 = factories.DeviceFactory(customer=customer, hostname="log-r1")
    r2 = factories.DeviceFactory(customer=customer, hostname="log-r2")
    job = Job.objects.create(
        customer=customer,
        kind="commands.run",
        status=JobStatus.RUNNING,
        targets={"devices": [r1.pk, r2.pk]},
        device_ids=[r1.pk, r2.pk],
        params={"commands": ["show version"], "parse": False},
        total=2,
    )

    def log(seq: int, device: object, message: str, level: str = "info") -> None:
        JobLog.objects.create(
            customer=customer,
            job=job,
            seq=seq,
            time=timezone.now(),
            level=level,
            device=device,
            hostname=getattr(device, "hostname", ""),
            message=message,
        )

    log(1, None, "job started")
    log(2, r1, "show version: 12 line(s)")
    base = live_server.url  # type: ignore[attr-defined]
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "browser-op")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/jobs/{job.pk}/")
    page.wait_for_selector("[data-job-log] [data-seq='2']")
    assert "job started" in page.inner_text("[data-job-log]")

    log(3, r2, "authentication failed", level="error")
    JobDeviceResult.objects.create(
        customer=customer, job=job, device=r1, hostname="log-r1", status="success"
    )
    JobDeviceResult.objects.create(
        customer=customer,
        job=job,
        device=r2,
        hostname="log-r2",
        status="failed",
        error_code="auth_failed",
    )
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.PARTIAL, succeeded=1, failed=1, finished_at=timezone.now()
    )
    page.wait_for_selector("[data-job-log] [data-seq='3']")
    page.wait_for_selector("[data-log-status='partial']")
    page.wait_for_selector("#result-table >> text=auth_failed")  # refreshed on job-finished
    page.wait_for_selector("#job-summary [data-status='partial']")  # its own request, maybe later

    page.select_option("[data-job-log] select >> nth=0", "log-r2")
    page.wait_for_selector("[data-job-log] [data-seq='2']", state="detached")
    assert page.is_visible("[data-job-log] [data-seq='3']")
    page.select_option("[data-job-log] select >> nth=0", "")
    page.select_option("[data-job-log] select >> nth=1", "error")
    page.wait_for_selector("[data-job-log] [data-seq='1']", state="detached")
    assert page.locator("[data-job-log] [data-seq]").count() == 1


def test_two_factor_enrolment_with_the_qr_code_then_login_with_a_recovery_code(
    transactional_db: None, live_server: object, browser: object
) -> None:
    factories.MembershipFactory(role=Role.VIEWER, user__username="browser-2fa")
    base = live_server.url  # type: ignore[attr-defined]
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)

    page.goto(f"{base}/login/")
    page.fill("#id_username", "browser-2fa")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/account/totp/")
    # The QR code is an SVG image the page's CSP lets the browser draw.
    assert page.eval_on_selector("[data-testid=totp-qr]", "img => img.naturalWidth") > 0
    secret = page.inner_text("[data-testid=totp-secret]").strip()
    page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() - 30))
    page.click("button:has-text('Confirm')")
    page.wait_for_url(f"{base}/account/totp/recovery-codes/")
    recovery = page.inner_text("[data-testid=recovery-codes] li >> nth=0").strip()
    page.goto(f"{base}/account/")
    assert "on" in page.inner_text("[data-testid=totp-status]")

    page.click("summary:has-text('browser-2fa')")
    page.click("button:has-text('Log out')")
    page.goto(f"{base}/login/")
    page.fill("#id_username", "browser-2fa")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/login/totp/")
    page.fill("input[name=code]", recovery)
    page.click("button:has-text('Verify')")
    page.wait_for_url(f"{base}/")
    assert "Dashboard" in page.inner_text("h1")
    assert not violations
