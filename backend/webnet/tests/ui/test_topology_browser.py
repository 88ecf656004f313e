"""The topology island in headless Chromium: the same graph is drawn the same way on every load."""

import os

import pytest
from django.utils import timezone

from webnet.customers.models import Role
from webnet.networkops.models import TopologyLink
from webnet.tests import factories
from webnet.tests.factories import DEFAULT_PASSWORD
from webnet.tests.ui.test_browser import browser

__all__ = ["browser"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser

# Every canvas layer of the graph as a PNG data URL: what the user sees, pixel for pixel.
DRAWING = "() => [...document.querySelectorAll('[data-topology] canvas')].map(c => c.toDataURL())"


def _ring(customer: object, count: int) -> None:
    devices = [
        factories.DeviceFactory(customer=customer, hostname=f"core-router-{n:02d}")
        for n in range(count)
    ]
    now = timezone.now()
    for n, device in enumerate(devices):
        peer = devices[(n + 1) % count]
        TopologyLink.objects.create(
            customer=customer,
            local_device=device,
            local_interface="GigabitEthernet0/0/0/0",
            remote_device=peer,
            remote_name=peer.hostname,
            remote_interface="GigabitEthernet0/0/0/1",
            protocol="lldp",
            last_seen_at=now,
        )
    TopologyLink.objects.create(
        customer=customer,
        local_device=devices[0],
        local_interface="GigabitEthernet0/0/0/2",
        remote_name="unmanaged-switch",
        protocol="lldp",
        last_seen_at=now,
    )


def test_the_topology_layout_is_the_same_on_every_load(
    transactional_db: None, live_server: object, browser: object
) -> None:
    # given a ring of eight routers and an unmanaged neighbour
    membership = factories.MembershipFactory(role=Role.VIEWER, user__username="topo-viewer")
    _ring(membership.customer, 8)
    base = live_server.url  # type: ignore[attr-defined]
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "topo-viewer")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    drawings = []
    # when the topology page is opened three times
    for _ in range(3):
        page.goto(f"{base}/topology/")
        page.wait_for_selector("[data-topology='9 9'] canvas")
        page.wait_for_timeout(800)  # cytoscape paints on the next animation frames
        drawings.append(page.evaluate(DRAWING))
    # then every load draws exactly the same picture
    assert drawings[0] and drawings[0] == drawings[1] == drawings[2]
