"""Every job's session outcome moves a device's status and last seen, in a few queries."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from webnet.devices.models import Device
from webnet.jobs import registry
from webnet.jobs.connection import device_target
from webnet.jobs.models import Job
from webnet.jobs.plan import JobPlan
from webnet.jobs.registry import DeviceOutcome
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.jobs.writer import JobWriter, PendingResult
from webnet.tests import factories as f


async def test_a_command_job_updates_status_and_last_seen(start_lab, settings) -> None:
    # given three devices of unknown status: healthy, refusing the login, silent at the banner
    settings.WEBNET_SSH_CONNECT_TIMEOUT = settings.WEBNET_SSH_AUTH_TIMEOUT = 1.5
    world = await start_lab(
        platforms=["cisco_ios"], count=3, faults=["R2=auth_failure", "R3=hang_at_banner"]
    )
    # when a run_commands job (not a reachability check) runs on them
    job = await sync_to_async(JobService.create_job)(
        world.operator,
        world.customer,
        "commands.run",
        {"all": True},
        {"commands": ["show clock"]},
        submit=False,
    )
    await run_job(job.pk)
    assert (await sync_to_async(Job.objects.get)(pk=job.pk)).status == "partial"
    devices = {
        d.hostname: d
        for d in await sync_to_async(list)(Device.objects.filter(customer=world.customer))
    }
    # then a device that answered SSH is reachable and seen now (even with a refused login),
    # and the one that never answered is unreachable and was never seen
    assert devices["R1"].status == "reachable" and devices["R1"].last_seen_at
    assert devices["R2"].status == "reachable" and devices["R2"].last_seen_at
    assert devices["R3"].status == "unreachable" and devices["R3"].last_seen_at is None


def _store(job: Job, devices: list[Device]) -> int:
    """Queries to store one batch of results, alternating answered and silent devices."""
    plan = JobPlan(job=job, kind=registry.get(job.kind), devices=[])
    results = [
        PendingResult(
            device_target(device),
            device.pk,
            device.hostname,
            "success" if i % 2 == 0 else "failed",
            DeviceOutcome(ok=i % 2 == 0, seen=i % 2 == 0),
            None,
            job.created_at,
        )
        for i, device in enumerate(devices)
    ]
    with CaptureQueriesContext(connection) as queries:
        _lines, messages = JobWriter(plan)._store([], results, [])
    assert len(messages) == len(devices)  # every status changed from unknown
    return len(queries)


@pytest.mark.django_db
def test_status_updates_are_batched() -> None:
    # given jobs over 2 and over 20 devices
    customer = f.CustomerFactory()
    user = f.MembershipFactory(customer=customer, role="operator").user
    credential = f.CredentialFactory(customer=customer)
    devices = [f.DeviceFactory(customer=customer, credential=credential) for _ in range(22)]
    job = JobService.create_job(
        user, customer, "commands.run", {"all": True}, {"commands": ["show clock"]}, submit=False
    )
    # when one batch of results is stored for each
    small, large = _store(job, devices[:2]), _store(job, devices[2:])
    # then the number of queries does not grow with the devices, and stays small (7, and 3
    # for monitoring's sign-of-life listener)
    assert small == large <= 10, (small, large)
    statuses = set(Device.objects.filter(pk__in=[d.pk for d in devices[2:]]).values_list("status"))
    assert statuses == {("reachable",), ("unreachable",)}
