"""Monitoring's state badge wherever a device appears: the topology page and job results."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webnet.jobs.models import JobDeviceResult
from webnet.networkops.models import TopologyLink
from webnet.tests import factories as f
from webnet.tests.conftest import World


def _badge_beside(html: str, hostname: str, marker: str) -> str:
    start = html.index(f'{marker}="{hostname}"')
    return html[start : html.index("</li>" if marker == "data-device" else "</td>", start)]


def test_topology_and_job_results_show_each_devices_monitoring_state(
    world: World, ui: Callable[[str], Client]
) -> None:
    core = f.DeviceFactory(customer=world.a, hostname="core1", status="reachable")
    edge = f.DeviceFactory(customer=world.a, hostname="edge1")
    f.DeviceStateFactory(device=core, state="down")
    TopologyLink.objects.create(
        customer=world.a,
        local_device=core,
        local_interface="Gi0/1",
        remote_device=edge,
        protocol="lldp",
        last_seen_at=timezone.now(),
    )
    job = f.JobFactory(customer=world.a, device_ids=[core.pk, edge.pk])
    for device in (core, edge):
        JobDeviceResult.objects.create(
            customer=world.a, job=job, device=device, hostname=device.hostname, status="success"
        )
    client = ui("viewer")
    topology = client.get(reverse("ui:topology")).content.decode()
    assert 'data-state="down"' in _badge_beside(topology, "core1", "data-device")
    assert 'data-state="unknown"' in _badge_beside(topology, "edge1", "data-device")
    results = client.get(reverse("ui:job_results", args=[job.pk])).content.decode()
    assert 'data-state="down"' in _badge_beside(results, "core1", "data-device-row")
    assert 'data-state="unknown"' in _badge_beside(results, "edge1", "data-device-row")
