"""Issue 14's acceptance on the real lab and the real poller: a 200-device three-tier network
(1 core → 15 distribution → 184 access, LLDP-linked in the lab) whose core fails pages once.

The poller sits upstream of the core, so when the core fails every device stops answering. ICMP
on loopback always answers, so — as test_pipeline/test_persist do with `down()` — the polls of
the failed cycles carry no ICMP reply; SNMP really times out (the lab's `snmp_timeout` fault).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from webnet.alarms.models import OPEN_STATES, Alarm
from webnet.lab.fleet import Fleet
from webnet.lab.server import LabServer
from webnet.lab.snmp import SnmpOptions
from webnet.monitoring import loop
from webnet.monitoring.models import DeviceMonitoring
from webnet.monitoring.poller.cycle import CycleRunner, cycle_of
from webnet.monitoring.poller.snmp import poll_devices
from webnet.monitoring.poller.types import DevicePoll, IcmpResult, PollTarget
from webnet.networkops.models import DeviceParent, TopologyLink
from webnet.notifications.models import Delivery, OutboxMessage
from webnet.tests import factories as f

pytestmark = pytest.mark.slow

DISTRIBUTION, ACCESS = 15, 184  # arista_eos has 16 ports: core 15 down, each distribution ≤ 1 + 13
NO_REPLY = IcmpResult(sent=3, received=0, rtt_avg_ms=None, rtt_max_ms=None, jitter_ms=None)


def outage_runner(failed: set[int], concurrency: int) -> CycleRunner:
    """The real poller over the lab, where the devices in `failed` get no ICMP reply."""

    async def poll(targets: list[PollTarget], cycle: int) -> list[DevicePoll]:
        polls = await poll_devices(targets, cycle, concurrency=concurrency)
        return [dataclasses.replace(p, icmp=NO_REPLY) if p.device_id in failed else p
                for p in polls]  # fmt: skip

    return CycleRunner(loop.load_targets, loop.record, interval_s=60, poll=poll)


def three_tier() -> Fleet:
    dists = [f"d{i}" for i in range(1, DISTRIBUTION + 1)]
    access = [f"a{i}" for i in range(1, ACCESS + 1)]
    links = [f"core1 -- {d}" for d in dists]  # first: each distribution's first link is its uplink
    links += [f"{dists[i % DISTRIBUTION]} -- {a}" for i, a in enumerate(access)]
    upper = [{"hostname": h, "platform": "arista_eos"} for h in ["core1", *dists]]
    return Fleet.from_dict({"defaults": {"platform": "cisco_ios"}, "devices": [*upper, *access],
                            "links": links})  # fmt: skip


@pytest.fixture
async def lab(transactional_db: None) -> AsyncIterator[LabServer]:
    server = LabServer(three_tier(), snmp=SnmpOptions())
    await server.start()
    yield server
    await server.stop()


def register(server: LabServer, parents: str) -> tuple[dict[str, int], int]:
    """The fleet as devices of one customer, a NOC to page, and its parents: "manual" along the
    lab's tiers, or "lldp": the links neighbour discovery stores from the lab's LLDP tables."""
    customer = f.CustomerFactory()
    credential = f.SnmpCredentialFactory(customer=customer, community="public")
    f.PollProfileFactory(customer=customer, is_default=True, parts=["icmp", "system"],
                         timeout_s=1.0, retries=0, snmp_credential=credential)  # fmt: skip
    devices = {
        d.hostname: f.DeviceFactory(customer=customer, hostname=d.hostname,
                                    management_host=d.snmp_host,
                                    role="core" if d.hostname == "core1" else "")
        for d in server.devices
    }  # fmt: skip
    DeviceMonitoring.objects.bulk_create(
        DeviceMonitoring(customer=customer, device=devices[d.hostname], snmp_port=d.snmp_port)
        for d in server.devices
    )
    if parents == "manual":
        DeviceParent.objects.bulk_create(
            DeviceParent(customer=customer, device=devices[spec.hostname],
                         parent=devices[up.device.hostname])
            for spec in server.fleet
            for up in spec.neighbors[:1]  # each device's first link is its uplink
            if spec.hostname != "core1"
        )  # fmt: skip
    else:
        TopologyLink.objects.bulk_create(
            TopologyLink(customer=customer, local_device=devices[spec.hostname],
                         local_interface=n.local_if, remote_device=devices[n.device.hostname],
                         remote_name=n.device.hostname, remote_interface=n.remote_if,
                         protocol="lldp", last_seen_at=timezone.now())
            for spec in server.fleet
            for n in spec.neighbors
        )  # fmt: skip
    noc = f.MembershipFactory(customer=customer, role="operator").user
    f.RoutingRuleFactory(customer=customer, users=[noc])
    return {h: d.pk for h, d in devices.items()}, noc.pk


@pytest.mark.parametrize("parents", ["manual", "lldp"])
async def test_a_core_failure_in_a_200_device_lab_pages_once(lab: LabServer, parents: str) -> None:
    # given the three tiers polled once, all answering
    ids, noc = await sync_to_async(register)(lab, parents)
    assert len(ids) == 200
    failed: set[int] = set()
    runner = outage_runner(failed, concurrency=200)
    cycle = cycle_of(time.time(), 60)
    first = await runner.run_cycle(cycle)
    assert (first.devices, first.not_ok) == (200, 0)
    # when the core fails: nothing behind it answers the poller any more
    for hostname in ids:
        lab.set_faults(hostname, "snmp_timeout")
    failed.update(ids.values())
    for n in (1, 2):  # within two poll cycles
        await runner.run_cycle(cycle + n)

    # then exactly one open alarm is not suppressed: the core's device.down
    def outcome() -> dict[str, object]:
        alarms = Alarm.objects.filter(device_id__in=ids.values(), state__in=OPEN_STATES)
        root = alarms.get(device_id=ids["core1"], condition="device.down")
        unsuppressed = alarms.filter(suppressed_by__isnull=True)
        return {
            "root": root.pk,
            "roots": list(unsuppressed.values_list("device_id", "condition")),
            "children": alarms.exclude(pk=root.pk).count(),
            "by_others": alarms.exclude(pk=root.pk).exclude(suppressed_by=root).count(),
            "outbox": list(OutboxMessage.objects.values_list("key", "state")),
            "deliveries": Delivery.objects.filter(user_id=noc).count(),
        }

    found = await sync_to_async(outcome)()
    assert found["roots"] == [(ids["core1"], "device.down")]
    assert found["children"] >= 199 and found["by_others"] == 0  # all suppressed by the core's
    assert found["outbox"] == [(f"alarm:{found['root']}", "firing")]  # no child notification
    assert found["deliveries"] == 1
