"""Terminal, topology and onboarding pages: roles, the gate, dry-run clear, bulk decisions."""

from typing import Any

from django.utils import timezone

from webnet.devices.models import Device
from webnet.networkops.models import CustomerIPRange, DiscoveryCandidate, TopologyLink
from webnet.terminal.models import TerminalSession
from webnet.tests import factories as f
from webnet.tests.conftest import World


def test_terminal_page_is_for_operators_of_the_devices_customer(world: World, ui: Any) -> None:
    device = f.DeviceFactory(customer=world.a)
    theirs = f.DeviceFactory(customer=world.b)
    page = ui("operator").get(f"/devices/{device.pk}/terminal/")
    assert page.status_code == 200
    assert f"/ws/devices/{device.pk}/ssh/" in page.content.decode()
    assert ui("viewer").get(f"/devices/{device.pk}/terminal/").status_code == 403
    assert ui("operator").get(f"/devices/{theirs.pk}/terminal/").status_code == 404
    assert ui("anonymous").get(f"/devices/{device.pk}/terminal/").status_code == 302
    detail = ui("operator").get(f"/devices/{device.pk}/").content.decode()
    assert f"/devices/{device.pk}/terminal/" in detail


def test_admins_read_and_replay_transcripts(world: World, ui: Any) -> None:
    device = f.DeviceFactory(customer=world.a)
    session = TerminalSession.objects.create(
        customer=world.a,
        device=device,
        device_hostname=device.hostname,
        username="op",
        transcript=[
            {"t": 0.4, "line": "show version", "masked": False},
            {"t": 2.0, "line": "********", "masked": True},
        ],
    )
    assert ui("operator").get("/terminal/sessions/").status_code == 403
    listing = ui("admin").get("/terminal/sessions/").content.decode()
    assert device.hostname in listing
    page = ui("admin").get(f"/terminal/sessions/{session.pk}/").content.decode()
    assert 'data-island="TranscriptReplay"' in page and "show version" in page
    assert ui("outsider").get(f"/terminal/sessions/{session.pk}/").status_code in (403, 404)


def _links(world: World) -> tuple[Device, Device]:
    a, b = f.DeviceFactory(customer=world.a), f.DeviceFactory(customer=world.a)
    TopologyLink.objects.create(
        customer=world.a,
        local_device=a,
        local_interface="Gi0/0",
        remote_device=b,
        remote_name=b.hostname,
        remote_interface="Gi0/1",
        protocol="lldp",
        last_seen_at=timezone.now(),
    )
    return a, b


def test_topology_graph_and_clear_with_dry_run(world: World, ui: Any) -> None:
    a, _ = _links(world)
    page = ui("viewer").get("/topology/").content.decode()
    assert 'data-island="Topology"' in page and a.hostname in page
    assert "Clear links" not in page
    assert ui("operator").get("/topology/clear/").status_code == 403
    dry = ui("admin").get("/topology/clear/")
    assert dry.status_code == 200 and "Gi0/0" in dry.content.decode()
    assert TopologyLink.objects.count() == 1
    ui("admin").post("/topology/clear/", {"confirm": "yes"})
    assert TopologyLink.objects.count() == 0


def test_onboarding_ranges_and_bulk_decisions(world: World, ui: Any) -> None:
    assert ui("operator").get("/onboarding/").status_code == 403
    admin = ui("admin")
    admin.post("/onboarding/ranges/", {"cidr": "10.20.0.0/16", "ports": "22"})
    assert not CustomerIPRange.objects.exists()  # too large: refused with a message
    admin.post("/onboarding/ranges/", {"cidr": "127.0.0.1/32", "ports": "10001-10020"})
    assert CustomerIPRange.objects.get().ports == "10001-10020"
    credential = f.CredentialFactory(customer=world.a)
    good = DiscoveryCandidate.objects.create(
        customer=world.a,
        source="scan",
        address="127.0.0.1",
        port=10001,
        hostname="new-r1",
        platform="cisco_ios",
        credential=credential,
    )
    bare = DiscoveryCandidate.objects.create(customer=world.a, source="lldp", hostname="x")
    page = admin.get("/onboarding/").content.decode()
    assert "new-r1" in page and "10001-10020" in page
    admin.post("/onboarding/candidates/", {"action": "approve", "ids": [good.pk, bare.pk]})
    assert Device.objects.get(hostname="new-r1").credential == credential
    bare.refresh_from_db()
    assert bare.status == "new"
    admin.post("/onboarding/candidates/", {"action": "ignore", "ids": [bare.pk]})
    bare.refresh_from_db()
    assert bare.status == "ignored"


def test_onboarding_bulk_ignores_ids_that_are_not_numbers(world: World, ui: Any) -> None:
    candidate = DiscoveryCandidate.objects.create(customer=world.a, source="lldp", hostname="x")
    response = ui("admin").post(
        "/onboarding/candidates/", {"action": "ignore", "ids": ["²", str(2**64), candidate.pk]}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "ignored"
