"""LLDP/CDP discovery on a lab fleet with known links, stale links, the graph and clearing."""

from asgiref.sync import sync_to_async
from django.utils import timezone

from webnet.jobs.models import Job, JobDeviceResult
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.networkops import topology
from webnet.networkops.interfaces import canonical
from webnet.networkops.models import DiscoveryCandidate, TopologyLink
from webnet.networkops.neighbors import parse_neighbors
from webnet.tests import factories as f

PLATFORMS = ["cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos", "cisco_iosxr", "cisco_iosxe"]


async def _discover(world, targets=None) -> Job:  # type: ignore[no-untyped-def]
    job = await sync_to_async(JobService.create_job)(
        world.operator,
        world.customer,
        "topology.discover",
        targets or {"all": True},
        {},
        submit=False,
    )
    await run_job(job.pk)
    return await sync_to_async(Job.objects.get)(pk=job.pk)


def _links(world) -> set[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    return {
        (
            link.local_device.hostname,
            link.local_interface,
            link.remote_device.hostname if link.remote_device else "?" + link.remote_name,
            link.remote_interface,
            link.protocol,
        )
        for link in TopologyLink.objects.filter(customer=world.customer).select_related(
            "local_device", "remote_device"
        )
    }


def _lab_links(world) -> set[frozenset]:  # type: ignore[no-untyped-def]
    """The fleet's cables as the lab defines them: {(host, canonical port), (host, port)}."""
    return {
        frozenset({(a, canonical(ai)), (b, canonical(bi))})
        for (a, ai), (b, bi) in world.lab.fleet.links
    }


def _stale(world) -> None:  # type: ignore[no-untyped-def]
    TopologyLink.objects.create(
        customer=world.customer,
        local_device=world.devices["R1"],
        local_interface="GigabitEthernet9/9",
        remote_name="gone-router",
        protocol="lldp",
        last_seen_at=timezone.now(),
    )


async def test_links_of_a_lab_fleet_agree_on_both_ends(start_lab) -> None:
    # given a six-platform fleet and a stale link on R1
    world = await start_lab(platforms=PLATFORMS, count=6)
    await sync_to_async(_stale)(world)
    # when neighbours are discovered everywhere
    job = await _discover(world)
    assert job.status == "success", await sync_to_async(
        lambda: list(JobDeviceResult.objects.filter(job=job).values("hostname", "error_message"))
    )()
    links = await sync_to_async(_links)(world)
    # then every lab cable is seen from both ends, with the same ports, and nothing else
    assert not any(remote.startswith("?") for _, _, remote, _, _ in links), links
    seen = {frozenset({(a, ai), (b, bi)}) for a, ai, b, bi, _ in links}
    assert seen == _lab_links(world)
    for a, ai, b, bi, protocol in links:
        if protocol == "lldp":
            assert (b, bi, a, ai, "lldp") in links
    assert any(protocol == "cdp" for *_, protocol in links)
    assert ("R1", "GigabitEthernet9/9", "?gone-router", "", "lldp") not in links


async def test_rediscovery_replaces_only_the_devices_it_ran_on(start_lab) -> None:
    world = await start_lab(platforms="cisco_ios", count=3)
    await _discover(world)
    before = await sync_to_async(_links)(world)
    await sync_to_async(_stale)(world)
    await sync_to_async(
        lambda: TopologyLink.objects.filter(local_device=world.devices["R2"]).update(
            local_interface="Stale0"
        )
    )()
    await _discover(world, {"devices": [world.devices["R1"].pk]})
    after = await sync_to_async(_links)(world)
    assert {x for x in after if x[0] == "R1"} == {x for x in before if x[0] == "R1"}
    assert all(x[1] == "Stale0" for x in after if x[0] == "R2")


async def test_unknown_neighbours_go_to_the_discovery_queue(start_lab) -> None:
    world = await start_lab(platforms="cisco_ios", count=3)
    await sync_to_async(lambda: world.devices["R3"].delete())()
    await _discover(world)
    links = await sync_to_async(_links)(world)
    assert any(remote == "?R3" for _, _, remote, _, _ in links)
    queued = await sync_to_async(
        lambda: list(DiscoveryCandidate.objects.values_list("hostname", "source", "status"))
    )()
    assert ("R3", "lldp", "new") in queued and ("R3", "cdp", "new") in queued


def test_graph_and_clear_with_dry_run(db) -> None:  # type: ignore[no-untyped-def]
    customer = f.CustomerFactory()
    admin = f.MembershipFactory(customer=customer, role="admin").user
    r1, r2 = f.DeviceFactory(customer=customer), f.DeviceFactory(customer=customer)
    for a, b, ai, bi in ((r1, r2, "Gi0/0", "Gi0/1"), (r2, r1, "Gi0/1", "Gi0/0")):
        for protocol in ("lldp", "cdp"):
            TopologyLink.objects.create(
                customer=customer,
                local_device=a,
                local_interface=ai,
                remote_device=b,
                remote_name=b.hostname,
                remote_interface=bi,
                protocol=protocol,
                last_seen_at=timezone.now(),
            )
    graph = topology.graph(admin, customer.pk)
    assert len(graph["nodes"]) == 2 and len(graph["edges"]) == 1
    assert sorted(graph["edges"][0]["protocols"]) == ["cdp", "lldp"]
    assert topology.links_to_clear(admin, customer.pk, [r1.pk]).count() == 2
    assert topology.clear_links(admin, customer.pk, [r1.pk]) == 2
    assert TopologyLink.objects.count() == 2


async def test_junos_lldp_beside_a_long_port_name_gives_no_phantom_node(start_lab) -> None:
    # given a Junos device cabled to an IOS-XR port (GigabitEthernet0/0/0/0, wider than its column)
    world = await start_lab(platforms=["juniper_junos", "cisco_iosxr"], count=2)
    # when neighbours are discovered
    job = await _discover(world)
    assert job.status == "success"
    links = await sync_to_async(_links)(world)
    # then the Junos end names the XR router and its port, and no unknown node appears
    assert not any(remote.startswith("?") for _, _, remote, _, _ in links), links
    seen = {frozenset({(a, ai), (b, bi)}) for a, ai, b, bi, _ in links}
    assert seen == _lab_links(world)
    assert {(a, b) for a, _, b, _, _ in links} == {("R1", "R2"), ("R2", "R1")}
    assert await sync_to_async(DiscoveryCandidate.objects.count)() == 0


def test_neighbour_names_that_do_not_parse_are_rejected() -> None:
    # given Junos LLDP output whose port column ran into the system name
    output = (
        "Local Interface    Parent Interface    Chassis Id          Port info          "
        "System Name\n"
        "ge-0/0/0           -                   00:8a:96:00:00:80   GigabitEthernet0/0/0/0R2\n"
        "ge-0/0/1           -                   28:99:3a:00:00:c0   Ethernet2          R3\n"
    )
    # when it is parsed
    parsed = parse_neighbors("juniper_junos", "lldp", "show lldp neighbors", output)
    # then the readable row is a neighbour and the garbled one is rejected with a reason
    assert [(n.local_interface, n.remote_name) for n in parsed.found] == [("ge-0/0/1", "R3")]
    assert len(parsed.rejected) == 1 and "GigabitEthernet0/0/0/0R2" in parsed.rejected[0]
