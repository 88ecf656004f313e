"""config.backup: read the running configuration; store it only when its meaning changed."""

from typing import Any

from webnet.config_mgmt.snapshots import record_backup, record_failure, sanitized_hash
from webnet.devices.models import Device
from webnet.jobs.registry import DeviceOutcome, Kind, register


async def backup(ctx: Any) -> DeviceOutcome:
    config = await ctx.session.get_running_config()  # raises ImplausibleConfig for a non-config
    digest = sanitized_hash(ctx.target.platform, config)
    ctx.log(f"configuration read: {len(config.splitlines())} lines, sha256 {digest[:12]}")
    return DeviceOutcome(
        output="", data={"config": config, "sha256": digest, "lines": len(config.splitlines())}
    )


def store_snapshot(job: Any, device: Device, outcome: DeviceOutcome) -> list[dict]:
    if not outcome.ok:
        record_failure(device, outcome.error_code, outcome.error_message)
        return []
    result = record_backup(device, outcome.data.pop("config"), job=job)
    outcome.data["snapshot"] = result.snapshot.pk
    outcome.data["changed"] = result.created
    outcome.data["change_kind"] = result.snapshot.change_kind
    return []


register(
    Kind(
        name="config.backup",
        label="Configuration backup",
        handler=backup,
        persist=store_snapshot,
        description="Read each device's running configuration; store a snapshot when it changed.",
    )
)
