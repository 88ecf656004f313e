"""config.backup: read the running configuration; store it only when its meaning changed."""

from typing import Any

from webnet.config_mgmt.snapshots import Backup, record_backups, record_failures, sanitized_hash
from webnet.devices.models import Device
from webnet.jobs.registry import DeviceOutcome, Kind, register


async def backup(ctx: Any) -> DeviceOutcome:
    config = await ctx.session.get_running_config()  # raises ImplausibleConfig for a non-config
    digest = sanitized_hash(ctx.target.platform, config)
    ctx.log(f"configuration read: {len(config.splitlines())} lines, sha256 {digest[:12]}")
    return DeviceOutcome(
        output="", data={"config": config, "sha256": digest, "lines": len(config.splitlines())}
    )


def store_snapshots(job: Any, items: list[tuple[Device, DeviceOutcome]]) -> list[dict]:
    """A flush of backup results: snapshots and states in a few queries for the whole batch."""
    record_failures([(d, o.error_code, o.error_message) for d, o in items if not o.ok])
    done = [(device, outcome) for device, outcome in items if outcome.ok]
    backups = [Backup(d, o.data.pop("config"), o.data["sha256"]) for d, o in done]
    for (_device, outcome), result in zip(done, record_backups(backups, job), strict=True):
        outcome.data["snapshot"] = result.snapshot.pk
        outcome.data["changed"] = result.created
        outcome.data["change_kind"] = result.snapshot.change_kind
    return []


register(
    Kind(
        name="config.backup",
        label="Configuration backup",
        handler=backup,
        persist=store_snapshots,
        description="Read each device's running configuration; store a snapshot when it changed.",
    )
)
