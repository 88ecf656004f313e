"""The pages that list device-bound rows follow the gate's location scope: one table of pages
and row makers; a region-scoped admin sees the row of the device inside (by its hostname) and
not the one outside, and a detail page of a row outside is 404."""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webnet.devices.models import Device
from webnet.tests import factories as f
from webnet.tests.api.scope_contract import build_tree, scope_user
from webnet.tests.conftest import World


def _link(device: Device) -> Any:
    return apps.get_model("networkops.TopologyLink").objects.create(
        customer=device.customer,
        local_device=device,
        local_interface="Gi0/1",
        protocol="lldp",
        last_seen_at=timezone.now(),
    )


def _session(device: Device) -> Any:
    return apps.get_model("terminal.TerminalSession").objects.create(
        customer=device.customer, device=device, device_hostname=device.hostname, username="u"
    )


LISTS: dict[str, Callable[[Device], Any]] = {
    "ui:alarm_console": lambda d: f.AlarmFactory(customer=d.customer, device=d),
    "ui:terminal_sessions": _session,
    "ui:topology": _link,
}
DETAILS: dict[str, Callable[[Device], Any]] = {
    "ui:job_detail": lambda d: f.JobFactory(customer=d.customer, device_ids=[d.pk]),
}


def test_lists_and_details_of_a_region_scoped_admin(world: World) -> None:
    tree = build_tree(world)
    client = Client()
    client.force_login(scope_user(world, "admin", tree.eu))
    for name, make in LISTS.items():
        make(tree.device), make(tree.nyc_device)
        html = client.get(reverse(name)).content.decode()
        assert "ams-edge" in html and "nyc-edge" not in html, name
    for name, make in DETAILS.items():
        inside, outside = make(tree.device), make(tree.nyc_device)
        assert client.get(reverse(name, args=[inside.pk])).status_code == 200, name
        assert client.get(reverse(name, args=[outside.pk])).status_code == 404, name
