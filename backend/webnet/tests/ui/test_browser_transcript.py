"""Browser: an admin replays a terminal session and sees the device's output, not only the
lines that were typed."""

import pytest
from django.utils import timezone

from webnet.customers.models import Role
from webnet.terminal.models import TerminalSession
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_replay_shows_the_devices_output_in_time(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.ADMIN, user__username="replay-admin")
    device = factories.DeviceFactory(customer=membership.customer, hostname="replay-r1")
    session = TerminalSession.objects.create(
        customer=membership.customer,
        device=device,
        device_hostname=device.hostname,
        username="replay-admin",
        ended_at=timezone.now(),
        transcript=[
            {"t": 0.1, "out": "replay-r1#"},
            {"t": 0.5, "line": "show version", "masked": False},
            {"t": 0.5, "out": "show version\r\nCisco IOS Software, Version 15.9(3)M4\r\n"},
            {"t": 0.9, "out": "replay-r1#"},
        ],
    )
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "replay-admin")
    page.goto(f"{base}/terminal/sessions/{session.pk}/")
    screen = "[data-replay-screen] .xterm-rows"
    page.wait_for_selector(f"{screen} >> text=Cisco IOS Software")  # the final screen at once
    page.click("button:has-text('Replay')")
    page.wait_for_selector("[data-replay=playing]")
    page.wait_for_selector("[data-replay=done]")
    assert "Cisco IOS Software, Version 15.9(3)M4" in page.inner_text(screen)
    assert "show version" in page.inner_text("[data-replay] ol")
