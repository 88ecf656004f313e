"""Configuration secrets reach no one below admin: change plans, deploy jobs, results, logs, WS.

Every place a configuration line travels is read as viewer, operator and admin: the first two
see the SNMP community masked, the admin sees it raw.
"""

import pytest
from channels.db import database_sync_to_async

from webnet.config_mgmt.plans import ChangePlan, PlanDevice, PlanDeviceStatus
from webnet.config_mgmt.sanitize import MASK
from webnet.jobs import lifecycle
from webnet.jobs.models import Job, JobDeviceResult, JobStatus
from webnet.jobs.services import JobService, LogEntry
from webnet.tests import factories as f
from webnet.tests.api.test_consumers import _connect
from webnet.tests.conftest import World

COMMUNITY = "S3cr3tComm"
LINE = f"snmp-server community {COMMUNITY} RO"
DIFF = f"--- running\n+++ intended\n@@ -1 +1,2 @@\n hostname r1\n+{LINE}\n"


def _deploy(world: World) -> tuple[ChangePlan, Job]:
    device = f.DeviceFactory(customer=world.a, platform="cisco_ios")
    plan = ChangePlan.objects.create(customer=world.a, name="community")
    PlanDevice.objects.create(
        customer=world.a,
        plan=plan,
        device=device,
        intent={"lines": [LINE]},
        commands=[LINE],
        diff=DIFF,
        pre_hash="a" * 64,
        status=PlanDeviceStatus.READY,
        message=f"rolled back: {LINE} was refused",
    )
    job = Job.objects.create(
        customer=world.a,
        kind="config.deploy",
        status=JobStatus.SUCCESS,
        targets={"devices": [device.pk]},
        device_ids=[device.pk],
        params={"plan": plan.pk, "changes": {str(device.pk): {"commands": [LINE]}}},
        total=1,
    )
    JobDeviceResult.objects.create(
        customer=world.a,
        job=job,
        device=device,
        hostname=device.hostname,
        status="success",
        output=f"R1# show running-config | include snmp\n{LINE}\n",
        data={"commands": [{"command": "show running-config", "output": LINE}]},
        error_message=f"verify: {LINE}",
    )
    lifecycle.append_log(job, [LogEntry(f"applied: {LINE}")])
    return plan, job


def _texts(api, role: str, plan: ChangePlan, job: Job) -> dict[str, str]:
    client = api(role)
    return {
        "plan": client.get(f"/api/v1/change-plans/{plan.pk}/").content.decode(),
        "plans": client.get("/api/v1/change-plans/").content.decode(),
        "job": client.get(f"/api/v1/jobs/{job.pk}/").content.decode(),
        "jobs": client.get("/api/v1/jobs/").content.decode(),
        "results": client.get(f"/api/v1/jobs/{job.pk}/results/").content.decode(),
        "logs": client.get(f"/api/v1/jobs/{job.pk}/logs/").content.decode(),
        "jobs export": b"".join(
            client.get("/api/v1/jobs/export/?file_format=json").streaming_content
        ).decode(),
        "plans export": b"".join(
            client.get("/api/v1/change-plans/export/?file_format=json").streaming_content
        ).decode(),
    }


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_below_admin_every_api_place_masks_configuration_secrets(
    world: World, api, role: str
) -> None:
    plan, job = _deploy(world)
    for place, text in _texts(api, role, plan, job).items():
        assert COMMUNITY not in text and MASK in text, place


def test_admin_sees_configuration_secrets(world: World, api) -> None:
    plan, job = _deploy(world)
    for place, text in _texts(api, "admin", plan, job).items():
        assert COMMUNITY in text, place


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("role", "masked"), [("viewer", True), ("admin", False)])
async def test_live_log_lines_are_masked_below_admin(role: str, masked: bool) -> None:
    def setup():  # type: ignore[no-untyped-def]
        customer = f.CustomerFactory()
        user = f.MembershipFactory(customer=customer, role=role).user
        device = f.DeviceFactory(customer=customer)
        job = Job.objects.create(
            customer=customer, kind="config.backup", device_ids=[device.pk], total=1
        )
        lifecycle.append_log(job, [LogEntry(f"stored: {LINE}")])
        return job, user

    job, user = await database_sync_to_async(setup)()
    ws, connected, _ = await _connect(f"/ws/jobs/{job.pk}/", user)
    assert connected
    replay = (await ws.receive_json_from())["lines"]
    assert (await ws.receive_json_from())["type"] == "status"
    await database_sync_to_async(JobService.append_log)(job, [LogEntry(f"live: {LINE}")])
    live = (await ws.receive_json_from())["lines"]
    messages = [line["message"] for line in replay + live]
    assert len(messages) == 2
    assert all((COMMUNITY in message) is not masked for message in messages), messages
    await ws.disconnect()
