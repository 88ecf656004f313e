"""config_backup: read the running configuration and store it with its hash."""

import hashlib
from typing import Any

from django.utils import timezone

from webnet.config_mgmt.models import ConfigSnapshot
from webnet.devices.models import Device
from webnet.jobs.registry import DeviceOutcome, Kind, register


async def backup(ctx: Any) -> DeviceOutcome:
    config = await ctx.session.get_running_config()
    if not config.strip():
        return DeviceOutcome.failure("empty_config", "the device returned an empty configuration")
    digest = hashlib.sha256(config.encode()).hexdigest()
    ctx.log(f"configuration read: {len(config.splitlines())} lines, sha256 {digest[:12]}")
    return DeviceOutcome(
        output="", data={"config": config, "sha256": digest, "lines": len(config.splitlines())}
    )


def store_snapshot(job: Any, device: Device, outcome: DeviceOutcome) -> list[dict]:
    if not outcome.ok:
        return []
    config = outcome.data.pop("config")
    ConfigSnapshot.objects.create(
        customer_id=device.customer_id,
        device=device,
        job=job,
        text=config,
        sha256=outcome.data["sha256"],
        size=len(config),
    )
    Device.objects.for_customer(device.customer_id).filter(pk=device.pk).update(
        last_backup_at=timezone.now()
    )
    return []


register(
    Kind(
        name="config_backup",
        label="Configuration backup",
        handler=backup,
        persist=store_snapshot,
        description="Read each device's running configuration and store a snapshot.",
    )
)
