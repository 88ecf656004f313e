"""API of topology links, IP ranges, the discovery queue and terminal sessions."""

from typing import Any

from django.utils import timezone

from webnet.core.models import AuditEvent
from webnet.devices.models import Device
from webnet.networkops.models import CustomerIPRange, DiscoveryCandidate, TopologyLink
from webnet.terminal.models import TerminalSession
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World


class TestIPRanges(ResourceContract):
    endpoint = "ip-ranges"
    least_role = {"view": "admin", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        third = CustomerIPRange.objects.count() + 1
        return CustomerIPRange.objects.create(customer=world.a, cidr=f"10.{third}.0.0/24")

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "cidr": "127.0.0.1/32", "ports": "10001-10020"}

    def update_payload(self, world: World) -> dict:
        return {"description": "lab"}


def _link(customer, a: Device, b: Device) -> TopologyLink:  # type: ignore[no-untyped-def]
    return TopologyLink.objects.create(
        customer=customer,
        local_device=a,
        local_interface="Gi0/0",
        remote_device=b,
        remote_name=b.hostname,
        remote_interface="Gi0/1",
        protocol="lldp",
        last_seen_at=timezone.now(),
    )


def test_ranges_too_large_are_a_field_error(world: World, api: Any) -> None:
    response = api("admin").post(
        "/api/v1/ip-ranges/", {"customer": world.a.pk, "cidr": "10.0.0.0/16"}, format="json"
    )
    assert response.status_code == 400 and "cidr" in response.json()


def test_clear_is_a_dry_run_until_confirmed(world: World, api: Any) -> None:
    a, b = f.DeviceFactory(customer=world.a), f.DeviceFactory(customer=world.a)
    _link(world.a, a, b)
    theirs = _link(world.b, f.DeviceFactory(customer=world.b), f.DeviceFactory(customer=world.b))
    dry = api("admin").post("/api/v1/topology-links/clear/", {"customer": world.a.pk})
    assert dry.status_code == 200 and dry.json()["count"] == 1 and dry.json()["dry_run"]
    assert TopologyLink.objects.count() == 2
    done = api("admin").post(
        "/api/v1/topology-links/clear/",
        {"customer": world.a.pk, "dry_run": False, "confirm": True},
        format="json",
    )
    assert done.json() == {"dry_run": False, "count": 1}
    assert list(TopologyLink.objects.all()) == [theirs]
    assert AuditEvent.objects.filter(action="topology_clear").count() == 1
    refused = api("operator").post(
        "/api/v1/topology-links/clear/",
        {"customer": world.a.pk, "dry_run": False, "confirm": True},
        format="json",
    )
    assert refused.status_code == 403


def test_graph_draws_the_customers_devices(world: World, api: Any) -> None:
    a, b = f.DeviceFactory(customer=world.a), f.DeviceFactory(customer=world.a)
    _link(world.a, a, b)
    graph = api("viewer").get(f"/api/v1/topology-links/graph/?customer={world.a.pk}").json()
    assert {n["label"] for n in graph["nodes"]} == {a.hostname, b.hostname}
    assert len(graph["edges"]) == 1
    assert (
        api("outsider").get(f"/api/v1/topology-links/graph/?customer={world.a.pk}").status_code
        == 400
    )


def test_approve_creates_the_device_with_the_working_credential(world: World, api: Any) -> None:
    credential = f.CredentialFactory(customer=world.a)
    candidate = DiscoveryCandidate.objects.create(
        customer=world.a,
        source="scan",
        address="127.0.0.1",
        port=10001,
        hostname="edge9",
        platform="arista_eos",
        credential=credential,
        facts={"os_version": "4.30.1F"},
    )
    assert (
        api("operator").post(f"/api/v1/discovery-candidates/{candidate.pk}/approve/").status_code
        == 403
    )
    assert (
        api("outsider").post(f"/api/v1/discovery-candidates/{candidate.pk}/approve/").status_code
        == 404
    )
    response = api("admin").post(f"/api/v1/discovery-candidates/{candidate.pk}/approve/")
    assert response.status_code == 201, response.content
    device = Device.objects.get(pk=response.json()["device"])
    assert (device.hostname, device.port, device.credential) == ("edge9", 10001, credential)
    assert device.os_version == "4.30.1F"
    again = api("admin").post(f"/api/v1/discovery-candidates/{candidate.pk}/approve/")
    assert again.status_code == 400


def test_terminal_sessions_are_for_admins(world: World, api: Any) -> None:
    device = f.DeviceFactory(customer=world.a)
    TerminalSession.objects.create(
        customer=world.a,
        device=device,
        device_hostname=device.hostname,
        username="op",
        transcript=[{"t": 0.5, "line": "show version", "masked": False}],
    )
    assert api("operator").get("/api/v1/terminal-sessions/").json()["results"] == []
    rows = api("admin").get("/api/v1/terminal-sessions/").json()["results"]
    assert rows[0]["transcript"][0]["line"] == "show version"
