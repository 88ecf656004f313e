"""Issue 15's done-when on the real lab: a router and its child polled over real SNMP, changed
over real SSH, with the beat tick (`webnet.jobs.tasks.tick`: the scheduler's tick and every
app's periodic work) run as beat runs it, time-machine moving the clock to each boundary.

- a "mute" window over the router keeps its (and its child's) alarms recorded but unsent while
  it is open, and ends by itself: the tick closes it and the still-down router pages then;
- a change needing two approvals cannot be confirmed or committed with one;
- a change into a window inside a freeze is refused, naming the freeze;
- a scheduled change starts at its window's start and its deploy job changes the router;
- the window's notice is on the status page ahead of it and gone once it expires.

As in test_three_tier_lab, the failed polls carry no ICMP reply (loopback always answers) while
SNMP really times out (the lab's `snmp_timeout` fault).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from webnet.alarms.models import OPEN_STATES, Alarm
from webnet.config_mgmt import deploy, review
from webnet.config_mgmt.approvals import ApprovalPolicy
from webnet.config_mgmt.plans import ChangePlan
from webnet.devices.models import Device
from webnet.drivers import ConnectParams, open_session
from webnet.jobs import executors
from webnet.jobs import tasks as beat
from webnet.jobs.runner import run_job
from webnet.lab.fleet import Fleet
from webnet.lab.server import LabServer
from webnet.lab.snmp import SnmpOptions
from webnet.maintenance import scheduling
from webnet.maintenance.models import MaintenanceWindow, ScheduledChange, StatusPage
from webnet.monitoring.poller.cycle import cycle_of
from webnet.notifications import tasks as delivery
from webnet.notifications.models import Delivery, OutboxMessage
from webnet.tests import factories as f
from webnet.tests.alarms.test_three_tier_lab import outage_runner, register

pytestmark = pytest.mark.slow
LINE = "snmp-server location maintenance-lab"


@pytest.fixture
async def lab(transactional_db: None) -> AsyncIterator[LabServer]:
    fleet = Fleet.from_dict(
        {
            "defaults": {"platform": "cisco_ios"},
            "devices": [{"hostname": "core1"}, {"hostname": "d1"}],
            "links": ["core1 -- d1"],
        }
    )
    server = LabServer(fleet, snmp=SnmpOptions())
    await server.start()
    yield server
    await server.stop()


@dataclasses.dataclass
class World:
    ids: dict[str, int]
    noc: int
    t0: datetime
    muting: MaintenanceWindow  # open now, over the core
    announced: MaintenanceWindow  # in 2 h, announced, for the scheduled change
    frozen: MaintenanceWindow  # in 4 h, inside a freeze
    requester: Any
    approvers: list[Any]


def build(server: LabServer) -> World:
    """The lab as inventory (SNMP polled, SSH reachable), a NOC to page, three windows over the
    core, a freeze over the last, a public status page and a two-approver policy."""
    ids, noc = register(server, "manual")
    customer = Device.objects.get(pk=ids["core1"]).customer
    credential = f.CredentialFactory(
        customer=customer, username="admin", password="admin", enable_secret="enable"
    )
    for spec in server.devices:
        assert spec.snmp_host == spec.host  # one address for both
        Device.objects.filter(pk=ids[spec.hostname]).update(
            port=spec.port, platform=spec.platform, credential=credential
        )
    core = Device.objects.get(pk=ids["core1"])
    t0 = timezone.now().replace(microsecond=0)

    def window(name: str, hours: int, **extra: Any) -> MaintenanceWindow:
        starts = t0 + timedelta(hours=hours)
        return f.MaintenanceWindowFactory(
            customer=customer, name=name, devices=[core], starts_at=starts,
            ends_at=starts + timedelta(hours=1), time_zone="Europe/Berlin", **extra,
        )  # fmt: skip

    frozen = window("fibre splice", 4)
    f.FreezeWindowFactory(
        customer=customer, name="year end", starts_at=frozen.starts_at, ends_at=frozen.ends_at
    )
    StatusPage.objects.create(customer=customer, is_public=True)
    ApprovalPolicy.objects.create(customer=customer, required_approvers=2, approver_role="operator")
    people = [f.MembershipFactory(customer=customer, role="operator").user for _ in range(3)]
    return World(
        ids=ids,
        noc=noc,
        t0=t0,
        muting=window("core upgrade", 0, behaviour="mute"),
        announced=window("ntp rollout", 2, announce=True),
        frozen=frozen,
        requester=people[0],
        approvers=people[1:],
    )


def beat_tick(at: datetime, core: Device) -> dict[str, Any]:
    """What beat does at `at`: the scheduler's tick with the periodic work, then deliveries."""
    with time_machine.travel(at, tick=False):
        beat.tick()
        delivery.deliver_due()
        return alarms_now(core)


def alarms_now(core: Device) -> dict[str, Any]:
    alarms = Alarm.objects.filter(customer=core.customer, state__in=OPEN_STATES)
    return {
        "maintenance": sorted(
            alarms.filter(condition="device.down").values_list(
                "device__hostname", "maintenance__name", "maintenance_behaviour"
            )
        ),
        "firing": list(OutboxMessage.objects.filter(state="firing").values_list("key", flat=True)),
        "deliveries": Delivery.objects.count(),
    }


def notices_on_status_page(slug: str, at: datetime) -> list[str]:
    """The notice titles in the public page's notices section (nobody logged in)."""
    with time_machine.travel(at, tick=False):
        html = Client().get(f"/status/{slug}/").content.decode()
    section = html.split('id="status-notices"', 1)[1].split('id="status-history"', 1)[0]
    return re.findall(r'<h2 class="font-semibold">([^<]+?) <span', section)


def preview(world: World) -> ChangePlan:
    """The requester's change to the core (its preview job reads the config over SSH)."""
    customer = world.requester.memberships.get().customer
    return deploy.preview_change(
        world.requester, customer, {"devices": [world.ids["core1"]]}, lines=[LINE]
    )


def approve(world: World, plan: ChangePlan) -> ChangePlan:
    """Submitted and approved once: neither confirmed nor committed; twice: confirmed."""
    digest = deploy.current_hash(plan)
    plan = review.submit_plan(world.requester, plan, digest)
    plan = review.approve_plan(world.approvers[0], plan, digest)
    for step in (
        lambda: deploy.confirm_plan(world.requester, plan, digest),
        lambda: deploy.commit_plan(world.requester, plan),
    ):
        with pytest.raises(ValidationError, match=r"approval|confirmed"):
            step()
    plan = review.approve_plan(world.approvers[1], plan, digest)
    assert plan.status == "approved"
    return deploy.confirm_plan(world.requester, plan, digest)


def schedule(world: World, plan: ChangePlan) -> ScheduledChange:
    """Into the frozen window: refused naming the freeze; into the announced one: scheduled."""
    now = timezone.now()
    with pytest.raises(ValidationError, match=r"freeze window 'year end' \(#\d+\)"):
        scheduling.schedule_change(
            world.requester, plan, world.frozen, world.frozen.starts_at, now=now
        )
    scheduled, _ = scheduling.schedule_change(
        world.requester, plan, world.announced, world.announced.starts_at, now=now
    )
    return scheduled


async def running_config(server: LabServer, hostname: str) -> str:
    spec = next(d for d in server.devices if d.hostname == hostname)
    params = ConnectParams(
        host=spec.host, port=spec.port, platform=spec.platform, username=spec.username,
        password=spec.password, enable_secret=spec.enable_secret, host_key_policy="disabled",
    )  # fmt: skip
    async with open_session(params) as session:
        return await session.get_running_config()


async def test_issue_15_done_when_on_the_lab(lab: LabServer, monkeypatch) -> None:
    monkeypatch.setattr(executors, "submit", lambda job_id: None)  # jobs run below, in order
    world = await sync_to_async(build)(lab)
    core = await sync_to_async(Device.objects.get)(pk=world.ids["core1"])
    slug = await sync_to_async(lambda: core.customer.slug)()

    # a change on the core, previewed over SSH, then reviewed: one approval is not enough
    plan = await sync_to_async(preview)(world)
    await run_job(plan.preview_job_id)
    plan = await sync_to_async(approve)(world, plan)
    scheduled = await sync_to_async(schedule)(world, plan)

    # the core and its child polled, answering; then neither answers, inside the mute window
    failed: set[int] = set()
    runner = outage_runner(failed, concurrency=10)
    cycle = cycle_of(time.time(), 60)
    assert (await runner.run_cycle(cycle)).not_ok == 0
    for hostname in world.ids:
        lab.set_faults(hostname, "snmp_timeout")
    failed.update(world.ids.values())
    for n in (1, 2):
        await runner.run_cycle(cycle + n)
    await sync_to_async(delivery.deliver_due)()

    # then both alarms are recorded, muted by the window, and nobody is paged
    muted = await sync_to_async(alarms_now)(core)
    assert muted == {
        "maintenance": [("core1", "core upgrade", "mute"), ("d1", "core upgrade", "mute")],
        "firing": [],
        "deliveries": 0,
    }

    # when beat ticks after the window's end: it ends by itself, the still-down core pages
    # (its child stays suppressed behind it), and the next window's notice is up ahead of it
    after = world.muting.ends_at + timedelta(seconds=30)
    released = await sync_to_async(beat_tick)(after, core)
    assert released["maintenance"] == [("core1", None, ""), ("d1", None, "")]
    assert released["deliveries"] == 1 and len(released["firing"]) == 1
    root = await sync_to_async(Alarm.objects.get)(device=core, condition="device.down")
    assert released["firing"] == [f"alarm:{root.pk}"]
    await sync_to_async(world.muting.refresh_from_db)()
    assert world.muting.status == "completed"
    assert await sync_to_async(notices_on_status_page)(slug, after) == [
        "Planned maintenance: ntp rollout"
    ]

    # a tick before the announced window's start starts nothing; one at its start commits
    lab.set_faults("core1", "")
    early = await sync_to_async(beat_tick)(world.announced.starts_at - timedelta(seconds=30), core)
    await sync_to_async(scheduled.refresh_from_db)()
    assert scheduled.status == "scheduled" and early["deliveries"] == 1
    await sync_to_async(beat_tick)(world.announced.starts_at + timedelta(seconds=10), core)
    await sync_to_async(scheduled.refresh_from_db)()
    assert scheduled.status == "started" and scheduled.job_id is not None
    assert LINE not in await running_config(lab, "core1")
    await run_job(scheduled.job_id)
    job = await sync_to_async(lambda: scheduled.job)()
    await sync_to_async(job.refresh_from_db)()
    assert job.kind == "config.deploy" and job.status == "success"
    assert LINE in await running_config(lab, "core1")

    # and once the window is over its notice is gone from the status page
    gone = world.announced.ends_at + timedelta(seconds=10)
    await sync_to_async(beat_tick)(gone, core)
    assert await sync_to_async(notices_on_status_page)(slug, gone) == []
