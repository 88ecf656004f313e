"""A service transition pushes its device configuration through the deploy engine to the lab."""

import pytest
from asgiref.sync import sync_to_async

from webnet.aaa import provisioning as aaa
from webnet.config_mgmt.plans import ChangePlan
from webnet.jobs import executors
from webnet.jobs.models import Job
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.subscribers import provisioning
from webnet.subscribers.models import ProvisioningPlan, ServiceInstance
from webnet.tests import factories as f

TEMPLATE = (
    "interface {{ service.port }}\n"
    " description svc {{ service.account_number }} {{ status }} {{ service.down_kbps }}k\n"
)


@pytest.fixture
def submitted(monkeypatch) -> list[int]:
    jobs: list[int] = []
    monkeypatch.setattr(executors, "submit", jobs.append)
    return jobs


async def _run(submitted: list[int]) -> None:
    while submitted:
        await run_job(submitted.pop(0))


@sync_to_async
def _service(world) -> ServiceInstance:  # type: ignore[no-untyped-def]
    template = f.ConfigTemplateFactory(customer=world.customer, body=TEMPLATE)
    plan = f.ServicePlanFactory(customer=world.customer, down_kbps=50_000)
    plan.templates.add(template)
    subscriber = f.SubscriberFactory(customer=world.customer, account_number="A-42")
    return f.ServiceInstanceFactory(
        subscriber=subscriber, plan=plan, device=world.devices["R1"], port="Ethernet1"
    )


async def _step(world, submitted, service, name: str) -> ProvisioningPlan:  # type: ignore[no-untyped-def]
    pplan, created = await sync_to_async(provisioning.transition)(world.operator, service, name)
    assert created
    await _run(submitted)  # the preview
    pplan = await sync_to_async(provisioning.advance)(world.operator, pplan)
    await _run(submitted)  # the commit
    return pplan


async def test_activate_then_suspend_reaches_the_device_and_a_rerun_does_nothing(
    start_lab, submitted
) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    service = await _service(world)
    await _step(world, submitted, service, "activate")
    assert "description svc A-42 active 50000k" in await world.running("R1")
    pplan = await _step(world, submitted, service, "suspend")
    running = await world.running("R1")
    assert "description svc A-42 suspended 256k" in running
    change = await sync_to_async(ChangePlan.objects.get)(pk=pplan.change_plan_id)
    assert change.status == "done" and pplan.outcome["device"] == "committing"
    again, created = await sync_to_async(provisioning.transition)(
        world.operator, service, "suspend"
    )
    assert (again.pk, created, submitted) == (pplan.pk, False, [])


async def _reconcile(world, submitted) -> dict:  # type: ignore[no-untyped-def]
    job = await sync_to_async(JobService.create_job)(
        world.operator,
        world.customer,
        "subscribers.reconcile",
        {"devices": [world.devices["R1"].pk]},
        {},
    )
    await _run(submitted)
    job = await sync_to_async(Job.objects.get)(pk=job.pk)
    result = await sync_to_async(job.results.get)()
    return result.data


async def test_reconcile_reports_device_and_radius_drift(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    service = await _service(world)
    await _step(world, submitted, service, "activate")
    clean = await _reconcile(world, submitted)
    assert clean["out_of_sync"] == 0 and clean["services"][0]["live_sessions"] == 0
    await world.by_hand("R1", ["interface Ethernet1", " description changed by hand"])
    await sync_to_async(aaa.remove_user)(world.customer, service.login)
    report = (await _reconcile(world, submitted))["services"][0]
    assert report["device"]["missing"] == [" description svc A-42 active 50000k"]
    assert report["radius"]["missing"] == ["Cleartext-Password", "Mikrotik-Rate-Limit"]
    assert report["in_sync"] is False and "pppoe-secret" not in str(report)
