"""config_backup against the lab over SSH: dedup, verified-at, drift by hand and by deploy."""

import pytest
from asgiref.sync import sync_to_async

from webnet.config_mgmt import drift
from webnet.config_mgmt.models import BackupState, ConfigSnapshot
from webnet.config_mgmt.snapshots import sanitized_hash
from webnet.jobs.models import Job
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService

ALL_PLATFORMS = [
    "cisco_ios",
    "cisco_iosxe",
    "cisco_nxos",
    "cisco_iosxr",
    "arista_eos",
    "juniper_junos",
]
HAND_CHANGE = {
    "cisco_ios": ["interface Loopback0", "description changed by hand"],
    "cisco_iosxe": ["interface Loopback0", "description changed by hand"],
    "cisco_nxos": ["interface loopback0", "description changed by hand"],
    "cisco_iosxr": ["interface Loopback0", "description changed by hand"],
    "arista_eos": ["interface Loopback0", "description changed by hand"],
    "juniper_junos": ['set interfaces lo0 description "changed by hand"'],
}


async def _backup(world) -> Job:
    job = await sync_to_async(JobService.create_job)(
        world.operator, world.customer, "config.backup", {"all": True}, {}, submit=False
    )
    await run_job(job.pk)
    return await sync_to_async(Job.objects.get)(pk=job.pk)


@sync_to_async
def _snapshots(hostname: str) -> list[ConfigSnapshot]:
    return list(ConfigSnapshot.objects.filter(device__hostname=hostname).order_by("id"))


async def test_identical_backups_store_one_snapshot_and_a_hand_change_is_out_of_band(
    start_lab,
) -> None:
    world = await start_lab(platforms=ALL_PLATFORMS, count=6)
    first = await _backup(world)
    assert first.status == "success"
    second = await _backup(world)
    assert second.status == "success"
    for hostname in world.devices:
        (only,) = await _snapshots(hostname)
        assert only.change_kind == "initial" and only.job_id == first.pk
        assert only.last_verified_at > only.created_at
        state = await sync_to_async(BackupState.objects.get)(device__hostname=hostname)
        assert state.verified_unchanged_at == only.last_verified_at
        assert state.latest_id == only.pk and state.last_success_at
    for device in world.lab.devices:
        await world.by_hand(device.hostname, HAND_CHANGE[device.platform])
    await _backup(world)
    for hostname in world.devices:
        snapshots = await _snapshots(hostname)
        assert [s.change_kind for s in snapshots] == ["initial", "out_of_band"], hostname
        assert "changed by hand" in snapshots[-1].text
        state = await sync_to_async(BackupState.objects.get)(device__hostname=hostname)
        assert state.verified_unchanged_at is None and state.latest_id == snapshots[-1].pk


async def test_a_change_announced_by_a_deploy_is_classified_deploy(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    await _backup(world)
    lines = HAND_CHANGE["cisco_ios"]
    await world.by_hand("R1", lines)
    device = world.devices["R1"]
    # The deploy code announces the sanitized hash it expects; take it from a fresh read.
    fresh = await world.running("R1")
    await sync_to_async(drift.mark_expected)(device, sanitized_hash("cisco_ios", fresh), "plan-7")
    await _backup(world)
    snapshots = await _snapshots("R1")
    assert [(s.change_kind, s.plan_id) for s in snapshots] == [
        ("initial", ""),
        ("deploy", "plan-7"),
    ]


async def test_a_failed_backup_is_kept_on_the_state(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1, faults=["R1=auth_failure"])
    job = await _backup(world)
    assert job.status == "failed"
    state = await sync_to_async(BackupState.objects.get)(device__hostname="R1")
    assert state.last_error_code == "auth_failed" and state.last_success_at is None
    assert await sync_to_async(ConfigSnapshot.objects.count)() == 0


@pytest.mark.parametrize("platform", ALL_PLATFORMS)
async def test_live_lab_config_sanitizes_to_something_stable(start_lab, platform) -> None:
    world = await start_lab(platforms=[platform], count=1)
    first, second = await world.running("R1"), await world.running("R1")
    assert sanitized_hash(platform, first) == sanitized_hash(platform, second)
