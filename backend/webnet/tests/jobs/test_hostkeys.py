"""Host-key policy per customer through real jobs: TOFU learns, a changed key fails."""

import asyncssh
from asgiref.sync import sync_to_async

from webnet.devices.models import SSHHostKey
from webnet.jobs.models import JobDeviceResult
from webnet.tests.jobs.test_runner import _run


@sync_to_async
def _codes(job) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(JobDeviceResult.objects.filter(job=job).values_list("hostname", "error_code"))


@sync_to_async
def _set_policy(world, policy: str) -> None:  # type: ignore[no-untyped-def]
    world.customer.host_key_policy = policy
    world.customer.save()


async def test_tofu_learns_then_a_changed_key_fails(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=2)
    first = await _run(world, "config.backup")
    assert first.status == "success"
    keys = await sync_to_async(list)(SSHHostKey.objects.order_by("device__hostname"))
    assert len(keys) == 2
    # The stored key of R1 no longer matches what the device presents.
    other = asyncssh.generate_private_key(keys[0].key_type).export_public_key().decode().strip()
    await sync_to_async(SSHHostKey.objects.filter(pk=keys[0].pk).update)(public_key=other)
    second = await _run(world, "config.backup")
    assert (await _codes(second)) == {"R1": "host_key_mismatch", "R2": ""}


async def test_strict_refuses_unknown_keys_and_disabled_accepts(start_lab) -> None:
    world = await start_lab(platforms=["arista_eos"], count=1)
    await _set_policy(world, "strict")
    job = await _run(world, "config.backup")
    assert job.status == "failed" and set((await _codes(job)).values()) == {"host_key_unknown"}
    await _set_policy(world, "disabled")
    assert (await _run(world, "config.backup")).status == "success"
    assert await sync_to_async(SSHHostKey.objects.count)() == 0  # disabled learns nothing
