"""Issue 16's done-when on the real lab and the real poller: a lab core router goes down, one
incident opens (its children's suppressed alarms join it), the escalation chain pages whoever is
on call by email through a real SMTP server, escalates to the next level when nobody
acknowledges, and an acknowledgement stops the rest.

The escalation tick runs as beat runs it (the `webnet.jobs.tick` task: the scheduler's one tick
and its periodic work), and the delivery worker as the `deliver_due` task; time-machine moves the
clock past each step's wait. As in test_three_tier_lab, the failed cycles carry no ICMP reply
(loopback always answers) while SNMP really times out (the lab's `snmp_timeout` fault).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async

from webnet.alarms.models import OPEN_STATES, Alarm
from webnet.devices.models import Device
from webnet.incidents.models import EscalationStep, Incident, IncidentRule
from webnet.jobs import tasks as beat
from webnet.lab.fleet import Fleet
from webnet.lab.server import LabServer
from webnet.lab.snmp import SnmpOptions
from webnet.monitoring.poller.cycle import cycle_of
from webnet.notifications import tasks as delivery
from webnet.tests import factories as f
from webnet.tests.alarms.test_three_tier_lab import outage_runner, register
from webnet.tests.conftest import client_for
from webnet.tests.notifications import conftest as peer_fixtures
from webnet.tests.notifications.peers import SMTPPeer

pytestmark = pytest.mark.slow
smtp = peer_fixtures.smtp  # the aiosmtpd fixture of tests/notifications


@pytest.fixture
async def lab(transactional_db: None) -> AsyncIterator[LabServer]:
    fleet = Fleet.from_dict(
        {
            "defaults": {"platform": "arista_eos"},
            "devices": [{"hostname": h} for h in ("core1", "d1", "d2")],
            "links": ["core1 -- d1", "core1 -- d2"],
        }
    )
    server = LabServer(fleet, snmp=SnmpOptions())
    await server.start()
    yield server
    await server.stop()


def escalation_policy(core_id: int) -> dict[str, Any]:
    """A rule opening p1 incidents on a chain: whoever is on call now, after 5 minutes the team
    lead, after 15 the head of operations."""
    customer = Device.objects.get(pk=core_id).customer
    people = {
        name: f.MembershipFactory(customer=customer, role="operator", user__username=name).user
        for name in ("oncall", "lead", "head")
    }
    schedule = f.OnCallScheduleFactory(customer=customer)
    rotation = schedule.rotations.create(
        customer=customer, name="primary", handoff_time=datetime.min.time(),
        start_date=date(2026, 1, 1), length_days=1,
    )  # fmt: skip
    rotation.members.create(customer=customer, user=people["oncall"], position=0)
    chain = f.EscalationChainFactory(customer=customer)
    steps = [("schedule", 0, {"schedule": schedule}), ("user", 300, {"user": people["lead"]}),
             ("user", 600, {"user": people["head"]})]  # fmt: skip
    for position, (kind, wait, target) in enumerate(steps, start=1):
        EscalationStep.objects.create(customer=customer, chain=chain, position=position,
                                      wait_seconds=wait, target_kind=kind, **target)  # fmt: skip
    IncidentRule.objects.create(
        customer=customer, name="core", priority="p1", escalation_chain=chain
    )
    return people


def beat_tick(at: datetime) -> None:
    """What beat does on its schedule at `at`: the scheduler tick, then the delivery pass."""
    with time_machine.travel(at, tick=False):
        beat.tick()
        delivery.deliver_due()


def mailed(smtp: SMTPPeer) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in smtp.messages]


async def test_a_core_router_down_pages_on_call_by_email_and_escalates(
    lab: LabServer, smtp: SMTPPeer
) -> None:
    # given a core and two children polled once, all answering, and an escalation policy
    ids, _ = await sync_to_async(register)(lab, "manual")
    people = await sync_to_async(escalation_policy)(ids["core1"])
    failed: set[int] = set()
    runner = outage_runner(failed, concurrency=10)
    cycle = cycle_of(time.time(), 60)
    assert (await runner.run_cycle(cycle)).not_ok == 0
    # when the core fails and nothing behind it answers, for two poll cycles
    for hostname in ids:
        lab.set_faults(hostname, "snmp_timeout")
    failed.update(ids.values())
    for n in (1, 2):
        await runner.run_cycle(cycle + n)

    def opened() -> tuple[Incident, dict[str, Any]]:
        incident = Incident.objects.get()  # exactly one
        alarms = incident.alarms.filter(condition="device.down")
        root = alarms.get(device_id=ids["core1"])
        return incident, {
            "devices": set(alarms.values_list("device__hostname", flat=True)),
            "children_by_root": alarms.filter(suppressed_by=root).count(),
            "unsuppressed": Alarm.objects.filter(suppressed_by__isnull=True,
                                                 state__in=OPEN_STATES).count(),
        }  # fmt: skip

    incident, found = await sync_to_async(opened)()
    assert found == {"devices": {"core1", "d1", "d2"}, "children_by_root": 2, "unsuppressed": 1}
    assert (incident.priority, incident.status) == ("p1", "triggered")
    t0 = incident.opened_at
    subject = f"INC-{incident.number} device.down on core1"
    oncall, lead, head = (people[n].email for n in ("oncall", "lead", "head"))

    # then the first beat tick pages whoever is on call, by email
    await sync_to_async(beat_tick)(t0 + timedelta(seconds=5))
    assert [(to, subject in s) for to, s in mailed(smtp)] == [(oncall, True)]
    # and nobody acknowledging, five minutes later the next level is paged (once)
    await sync_to_async(beat_tick)(t0 + timedelta(seconds=290))
    assert len(smtp.messages) == 1
    await sync_to_async(beat_tick)(t0 + timedelta(seconds=305))
    await sync_to_async(beat_tick)(t0 + timedelta(seconds=335))
    assert [to for to, _ in mailed(smtp)] == [oncall, lead]

    # when the lead acknowledges through the API, nothing further is paged
    def acknowledge() -> int:
        with time_machine.travel(t0 + timedelta(seconds=400), tick=False):
            url = f"/api/v1/incidents/{incident.pk}/acknowledge/"
            return client_for(people["lead"]).post(url, {}, format="json").status_code

    assert await sync_to_async(acknowledge)() == 200
    await sync_to_async(beat_tick)(t0 + timedelta(seconds=1000))
    assert [to for to, _ in mailed(smtp)] == [oncall, lead]

    def escalation() -> list[tuple[int, str]]:
        rows = incident.escalation_runs.get().steps.order_by("position")
        return list(rows.values_list("position", "status"))

    assert await sync_to_async(escalation)() == [(1, "fired"), (2, "fired"), (3, "cancelled")]
    assert head not in {to for to, _ in mailed(smtp)}
