"""A booked plan on the lab: previewed over real SSH, booked into a slot an hour ahead, left alone
by a tick before the slot, started by the tick at its start, and its deploy job changes the
device; the scheduler's tick is run as beat runs it, time-machine moving the clock."""

from datetime import datetime, timedelta

import time_machine
from asgiref.sync import sync_to_async
from django.utils import timezone

from webnet.config_mgmt import booking, deploy
from webnet.config_mgmt.plans import ChangePlan, PlanStatus
from webnet.jobs import executors, scheduler
from webnet.jobs.models import Job
from webnet.jobs.runner import run_job

LINE = "snmp-server location booked-slot"


def tick_at(at: datetime) -> dict[str, int]:
    with time_machine.travel(at, tick=False):
        return scheduler.tick(timezone.now())["periodic"]["config_mgmt.booked"]


async def test_the_tick_starts_a_booked_plan_at_its_slot_on_the_lab(start_lab, monkeypatch) -> None:
    submitted: list[int] = []
    monkeypatch.setattr(executors, "submit", submitted.append)  # jobs run below, in order
    world = await start_lab(platforms=["cisco_ios"], count=1)

    # given a change previewed on R1's running configuration (read over SSH), confirmed, booked
    plan = await sync_to_async(deploy.preview_change)(
        world.operator, world.customer, {"all": True}, lines=[LINE]
    )
    await run_job(submitted.pop(0))
    digest = await sync_to_async(deploy.current_hash)(plan)
    plan = await sync_to_async(deploy.confirm_plan)(world.operator, plan, digest)
    starts = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    plan = await sync_to_async(booking.schedule_plan)(
        world.operator, plan, starts=starts, ends=starts + timedelta(hours=1)
    )

    # when the tick runs before the slot: nothing starts, the device is untouched
    early = await sync_to_async(tick_at)(starts - timedelta(seconds=30))
    assert early["started"] == 0 and submitted == []
    assert LINE not in await world.running("R1")

    # when it runs at the slot's start: the plan is committed, and its job changes the device
    assert (await sync_to_async(tick_at)(starts + timedelta(seconds=5)))["started"] == 1
    plan = await sync_to_async(ChangePlan.objects.get)(pk=plan.pk)
    assert plan.status == PlanStatus.COMMITTING and submitted == [plan.commit_job_id]
    await run_job(submitted.pop(0))
    job = await sync_to_async(Job.objects.get)(pk=plan.commit_job_id)
    assert job.kind == "config.deploy" and job.status == "success"
    assert LINE in await world.running("R1")
    plan = await sync_to_async(ChangePlan.objects.get)(pk=plan.pk)
    assert plan.status == PlanStatus.DONE
