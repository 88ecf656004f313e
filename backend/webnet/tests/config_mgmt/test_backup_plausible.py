"""A backup refuses output that is no configuration: a failed device with its reason."""

import pytest
from asgiref.sync import sync_to_async

from webnet.config_mgmt.models import BackupState, ConfigSnapshot
from webnet.drivers import get_platform
from webnet.drivers.configcheck import implausible_config
from webnet.jobs.models import Job, JobDeviceResult
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService


async def _backup(world) -> Job:  # type: ignore[no-untyped-def]
    job = await sync_to_async(JobService.create_job)(
        world.operator, world.customer, "config.backup", {"all": True}, {}, submit=False
    )
    await run_job(job.pk)
    return await sync_to_async(Job.objects.get)(pk=job.pk)


@pytest.mark.parametrize(
    ("platform", "answer", "reason"),
    [
        ("cisco_ios", "Command authorization failed.", "Command authorization failed."),
        ("juniper_junos", "Unknown command", "Unknown command"),
        ("arista_eos", "Building configuration...", "1 line(s)"),
        ("cisco_iosxr", "% Invalid input detected at '^' marker.", "Invalid input"),
    ],
)
async def test_a_refused_running_config_is_a_failed_device(
    start_lab, platform: str, answer: str, reason: str
) -> None:
    # given R1 answers its running-configuration command with one line, R2 is healthy
    world = await start_lab(platforms=[platform], count=2, faults=[f"R1=config_refused:{answer}"])
    # when both are backed up
    job = await _backup(world)
    results = {
        r.hostname: r for r in await sync_to_async(list)(JobDeviceResult.objects.filter(job=job))
    }
    # then R1 failed with a clear reason and has no snapshot; R2 was stored
    assert job.status == "partial", {h: r.error_message for h, r in results.items()}
    failed = results["R1"]
    assert failed.status == "failed" and failed.error_code in (
        "implausible_config",
        "command_rejected",
    )
    assert reason in failed.error_message
    assert not await sync_to_async(ConfigSnapshot.objects.filter(device__hostname="R1").exists)()
    state = await sync_to_async(BackupState.objects.get)(device__hostname="R1")
    assert state.last_error_code == failed.error_code and state.latest_id is None
    assert results["R2"].status == "success"


@pytest.mark.parametrize(
    ("platform", "text", "reason"),
    [
        ("cisco_ios", "Cisco IOS Software, Version 15.9\n" * 20, "no version, hostname, end"),
        ("cisco_nxos", "version 9.3(8)\n" + "feature ospf\n" * 20, "no hostname"),
        ("juniper_junos", "set interfaces ge-0/0/0 disable\n" * 5, "no system line"),
        ("cisco_ios", "\n\nversion 15.9\nhostname R1\nend\n", "3 line(s)"),
        ("cisco_ios", "Permission denied\n" + "hostname R1\nversion 15\nend\n" * 5, "answered"),
    ],
)
def test_implausible_configurations_name_their_reason(
    platform: str, text: str, reason: str
) -> None:
    assert reason in (implausible_config(get_platform(platform), text) or "")


def test_a_real_configuration_with_a_banner_is_plausible() -> None:
    text = (
        "Building configuration...\n\nCurrent configuration : 900 bytes\n!\nversion 15.9\n"
        "hostname R1\n!\nbanner motd ^C\n% Unauthorized access is prohibited\n^C\n"
        + "interface Loopback0\n no shutdown\n!\n" * 5
        + "end\n"
    )
    assert implausible_config(get_platform("cisco_ios"), text) is None
