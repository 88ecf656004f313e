"""The runner against the lab over real SSH: every kind on every platform, failures, cancel."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from webnet.config_mgmt.models import ConfigSnapshot
from webnet.devices.models import Device, SSHHostKey
from webnet.jobs.models import Job, JobDeviceResult, JobLog
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.tests import factories as f
from webnet.tests.conftest import CANARY, client_for

ALL_PLATFORMS = [
    "cisco_ios",
    "cisco_iosxe",
    "cisco_nxos",
    "cisco_iosxr",
    "arista_eos",
    "juniper_junos",
]


async def _run(world, kind: str, params: dict | None = None, targets: dict | None = None) -> Job:
    job = await sync_to_async(JobService.create_job)(
        world.operator, world.customer, kind, targets or {"all": True}, params or {}, submit=False
    )
    await run_job(job.pk)
    return await sync_to_async(Job.objects.get)(pk=job.pk)


@sync_to_async
def _results(job: Job) -> dict[str, JobDeviceResult]:
    return {r.hostname: r for r in JobDeviceResult.objects.filter(job=job)}


async def test_every_kind_on_every_platform(start_lab) -> None:
    world = await start_lab(platforms=ALL_PLATFORMS, count=6)
    backup = await _run(world, "config.backup")
    assert backup.status == "success", await _results(backup)
    snapshots = await sync_to_async(list)(ConfigSnapshot.objects.filter(job=backup))
    assert len(snapshots) == 6 and all(
        "hostname" in s.text or "host-name" in s.text for s in snapshots
    )
    assert await sync_to_async(SSHHostKey.objects.count)() == 6  # learned on first use
    commands = await _run(world, "commands.run", {"commands": ["show version"], "parse": True})
    assert commands.status == "success"
    for result in (await _results(commands)).values():
        entry = result.data["commands"][0]
        assert entry["output"] and entry.get("parsed"), (result.hostname, entry)
    facts = await _run(world, "devices.collect_facts")
    assert facts.status == "success", {
        h: r.error_message for h, r in (await _results(facts)).items()
    }
    device = await sync_to_async(Device.objects.get)(pk=next(iter(world.devices.values())).pk)
    assert device.os_version and device.serial_number
    reach = await _run(world, "devices.check_reachability")
    assert reach.status == "success"
    statuses = await sync_to_async(list)(Device.objects.values_list("status", flat=True))
    assert set(statuses) == {"reachable"}


async def test_failures_are_result_rows_and_partial_status(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=3, faults=["R2=auth_failure"])
    job = await _run(world, "config.backup")
    assert (job.status, job.succeeded, job.failed) == ("partial", 2, 1)
    result = (await _results(job))["R2"]
    assert result.error_code == "auth_failed" and result.status == "failed"


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("auth_failure", "auth_failed"),
        ("hang_at_banner", "timeout"),
        ("hang_after_command", "timeout"),
        ("disconnect_mid_output", "connection_lost"),
    ],
)
async def test_fault_modes_give_clear_error_codes(start_lab, settings, fault, code) -> None:
    settings.WEBNET_SSH_CONNECT_TIMEOUT = settings.WEBNET_SSH_AUTH_TIMEOUT = 1.5
    settings.WEBNET_SSH_COMMAND_TIMEOUT = 1.5
    world = await start_lab(platforms=["cisco_ios"], count=2, faults=[f"R1={fault}"])
    job = await _run(world, "config.backup")
    results = await _results(job)
    assert job.status == "partial" and results["R2"].status == "success"
    assert results["R1"].error_code == code, results["R1"].error_message


async def test_unreachable_device_fails_cleanly(start_lab) -> None:
    world = await start_lab(platforms=["arista_eos"], count=1)
    device = next(iter(world.devices.values()))
    await world.lab.stop()
    job = await _run(world, "config.backup")
    result = (await _results(job))[device.hostname]
    assert job.status == "failed" and result.error_code == "connection_refused"


async def test_secrets_never_reach_logs_or_results(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=2, password=CANARY)
    job = await _run(world, "commands.run", {"commands": ["show running-config"]})
    assert job.status == "success"
    texts = await sync_to_async(list)(
        JobLog.objects.filter(job=job).values_list("message", flat=True)
    )
    outputs = [r.output + str(r.data) for r in (await _results(job)).values()]
    assert texts and not any(CANARY in text for text in texts + outputs)


async def test_cancel_stops_running_sessions(start_lab, settings) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=3, latency_ms=2000)
    job = await sync_to_async(JobService.create_job)(
        world.operator,
        world.customer,
        "commands.run",
        {"all": True},
        {"commands": ["show version", "show clock", "show version"]},
        submit=False,
    )
    runner = asyncio.create_task(run_job(job.pk))
    await asyncio.sleep(1.0)
    await sync_to_async(JobService.cancel)(world.operator, job)
    await asyncio.wait_for(runner, timeout=5)
    job = await sync_to_async(Job.objects.get)(pk=job.pk)
    assert job.status == "cancelled" and job.cancelled == 3


@pytest.mark.parametrize(
    ("fault", "legacy"),
    [
        ("huge_output:20000", False),
        ("slow_output:200000", False),
        ("legacy_kex", True),
    ],
)
async def test_survivable_faults_still_back_up(start_lab, fault, legacy) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1, faults=[f"R1={fault}"])
    if legacy:
        await sync_to_async(Device.objects.update)(legacy_ssh=True)
    job = await _run(world, "config.backup")
    assert job.status == "success", await _results(job)
    snapshot = await sync_to_async(ConfigSnapshot.objects.get)(job=job)
    assert "hostname R1" in snapshot.text


async def test_legacy_only_device_fails_without_the_switch(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1, faults=["R1=legacy_kex"])
    job = await _run(world, "config.backup")
    # The lab sometimes resets before its disconnect message arrives: either code is honest.
    assert (await _results(job))["R1"].error_code in ("negotiation_failed", "connection_lost")


async def test_a_weak_password_does_not_mangle_ordinary_output(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1, password="admin")
    await world.by_hand("R1", ["interface Loopback7", " description administered by noc"])
    job = await _run(world, "commands.run", {"commands": ["show running-config | i desc"]})
    output = (await _results(job))["R1"].output
    assert "description administered by noc" in output, output


async def test_run_commands_output_shows_configuration_secrets_to_admins_only(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    await world.by_hand("R1", ["snmp-server community LabC0mmunity RO"])
    job = await _run(world, "commands.run", {"commands": ["show running-config | i snmp"]})
    assert "LabC0mmunity" in (await _results(job))["R1"].output  # stored as the device said

    def results_as(role: str) -> str:
        user = f.MembershipFactory(customer=world.customer, role=role).user
        return client_for(user).get(f"/api/v1/jobs/{job.pk}/results/").content.decode()

    assert "LabC0mmunity" not in await sync_to_async(results_as)("viewer")
    assert "LabC0mmunity" not in await sync_to_async(results_as)("operator")
    assert "LabC0mmunity" in await sync_to_async(results_as)("admin")
