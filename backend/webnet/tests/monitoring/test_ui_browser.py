"""The device page graphs in headless Chromium, drawn from samples stored by record_polls."""

import os
import time

import pytest

from webnet.customers.models import Role
from webnet.monitoring.persist import record_polls
from webnet.monitoring.poller.types import DevicePoll, IcmpResult, InterfaceReading
from webnet.tests import factories
from webnet.tests.factories import DEFAULT_PASSWORD
from webnet.tests.ui.test_browser import browser

__all__ = ["browser"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser

CYCLES = 10


def _polls(device_id: int) -> list[DevicePoll]:
    """Ten minutes of one-minute polls ending now: 8 Mbit/s in, 4 Mbit/s out on Gi0/1."""
    now = time.time()
    polls = []
    for n in range(CYCLES):
        started = now - 60 * (CYCLES - n)
        polls.append(
            DevicePoll(
                device_id=device_id,
                cycle=int(started) // 60,
                started_at=started,
                finished_at=started + 0.2,
                outcome="ok",
                icmp=IcmpResult(3, 3, 1.0 + n / 10, 2.0, 0.1),
                sys_uptime_ticks=100_000 + 6000 * n,
                interfaces=(
                    InterfaceReading(
                        if_index=1,
                        name="Gi0/1",
                        admin_status=1,
                        oper_status=1,
                        speed_bps=10**9,
                        in_octets=60_000_000 * n,
                        out_octets=30_000_000 * n,
                        in_errors=n,
                        out_errors=0,
                    ),
                ),
                cpu_pct=10.0 + n,
                mem_used_pct=50.0,
            )
        )
    return polls


def test_the_device_page_draws_stored_samples(
    transactional_db: None, live_server: object, browser: object
) -> None:
    # given a device with ten stored poll cycles
    membership = factories.MembershipFactory(role=Role.VIEWER, user__username="graph-viewer")
    device = factories.DeviceFactory(customer=membership.customer, hostname="graphed-router")
    for poll in _polls(device.pk):
        record_polls([poll])
    base = live_server.url  # type: ignore[attr-defined]
    page = browser.new_page(viewport={"width": 1280, "height": 1400})  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "graph-viewer")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    # when its page is opened
    page.goto(f"{base}/devices/{device.pk}/")
    # then every graph is drawn on a canvas from the stored points (rates: one fewer than polls)
    for key, points in [("traffic", CYCLES - 1), ("errors", CYCLES - 1), ("cpu", CYCLES)]:
        page.wait_for_selector(f"[data-graph='{key}'][data-points='{points}'] canvas")
    for key in ("memory", "latency", "loss"):
        page.wait_for_selector(f"[data-graph='{key}'][data-points='{CYCLES}'] canvas")
    # and the 24 h range reads the same samples again
    page.get_by_role("button", name="24 h").click()
    page.wait_for_selector(f"[data-graph='cpu'][data-points='{CYCLES}'] canvas")
    assert page.locator("[data-island-error]").count() == 0
