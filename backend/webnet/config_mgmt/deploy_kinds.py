"""Deploy job kinds: `deploy_preview` (read-only) and `config_deploy` (destructive).

config_deploy, per device: refuse if the running configuration is not the one previewed,
apply (EOS in a configure session, Junos with commit confirmed, others line by line), read the
result back, verify every intended line, and roll back automatically on any failure. With a
canary of k the runner deploys the first k devices first, and the rest only if all succeeded.
"""

import asyncio
from typing import Any

from django.core.exceptions import ValidationError

from webnet.config_mgmt import changeset, drift, snapshots
from webnet.config_mgmt.plans import ChangePlan, PlanDevice, PlanDeviceStatus, PlanStatus
from webnet.devices.models import Device
from webnet.drivers import CommandRejected
from webnet.jobs.registry import DeviceOutcome, Kind, register

CONFIRM_MINUTES = 5


def _plan_params(params: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    if not isinstance(params.get("plan"), int) or set(params) - keys:
        raise ValidationError({"params": "deploy jobs are started from a change plan"})
    return params


def clean_preview(params: dict[str, Any]) -> dict[str, Any]:
    return _plan_params(params, {"plan", "intents"})


def clean_deploy(params: dict[str, Any]) -> dict[str, Any]:
    return _plan_params(params, {"plan", "changes", "order", "canary"})


def _change(platform: str, running: str, intent: dict[str, Any]) -> changeset.Change:
    if "config" in intent:
        return changeset.to_config(platform, running, intent["config"])
    return changeset.from_lines(platform, running, intent["lines"])


async def preview(ctx: Any) -> DeviceOutcome:
    running = await ctx.session.get_running_config()
    intent = ctx.params["intents"][str(ctx.target.id)]
    change = await asyncio.to_thread(_change, ctx.target.platform, running, intent)
    ctx.log(f"preview: {len(change.commands)} command(s)")
    return DeviceOutcome(
        output=change.diff,
        data={
            "commands": change.commands,
            "diff": change.diff,
            "pre_hash": snapshots.sanitized_hash(ctx.target.platform, running),
        },
    )


def store_preview(job: Any, device: Device, outcome: DeviceOutcome) -> list[dict]:
    rows = PlanDevice.objects.for_customer(device.customer_id).filter(
        plan_id=job.params["plan"], device=device
    )
    if not outcome.ok:
        rows.update(status=PlanDeviceStatus.PREVIEW_FAILED, message=outcome.error_message)
    else:
        commands = outcome.data["commands"]
        rows.update(
            commands=commands,
            diff=outcome.data.pop("diff"),
            pre_hash=outcome.data["pre_hash"],
            message="",
            status=PlanDeviceStatus.READY if commands else PlanDeviceStatus.NO_CHANGE,
        )
    return []


async def _apply(ctx: Any, commands: list[str]) -> None:
    platform = ctx.target.platform
    if platform == "arista_eos":
        await ctx.session.send_config(commands, session_name=f"webnet-{ctx.params['plan']}")
    elif platform == "juniper_junos":
        await ctx.session.send_config(commands, confirm_minutes=CONFIRM_MINUTES)
    else:
        await ctx.session.send_config(commands)


async def _roll_back(ctx: Any, pre: str) -> str:
    """Return the device to `pre`; the configuration it then holds."""
    session = ctx.session
    if ctx.target.platform == "juniper_junos":
        await session.rollback_config(1)
    else:
        current = await session.get_running_config()
        undo = changeset.remediation(ctx.target.platform, current, pre)
        if undo:
            await session.send_config(undo)
    return await session.get_running_config()


async def deploy(ctx: Any) -> DeviceOutcome:
    change = ctx.params["changes"][str(ctx.target.id)]
    platform, commands = ctx.target.platform, change["commands"]
    pre = await ctx.session.get_running_config()
    if snapshots.sanitized_hash(platform, pre) != change["pre_hash"]:
        return DeviceOutcome.failure(
            "pre_state_changed",
            "the running configuration changed since the preview; preview the plan again",
        )
    data: dict[str, Any] = {"pre_config": pre}
    try:
        await _apply(ctx, commands)
    except CommandRejected as exc:
        ctx.log(f"rejected: {exc}; rolling back", level="error")
        data["post_config"] = await _roll_back(ctx, pre)
        return DeviceOutcome(
            ok=False,
            error_code="command_rejected",
            error_message=str(exc),
            data={**data, "rolled_back": True},
        )
    after = await ctx.session.get_running_config()
    missing = changeset.missing_after(platform, after, commands)
    if missing:
        ctx.log(f"verify failed: {len(missing)} line(s) missing; rolling back", level="error")
        data["post_config"] = await _roll_back(ctx, pre)
        return DeviceOutcome(
            ok=False,
            error_code="verify_failed",
            error_message="not on the device after the change: " + "; ".join(missing[:5]),
            data={**data, "rolled_back": True},
        )
    await ctx.session.confirm_commit()
    await ctx.session.save_config()
    ctx.log(f"deployed and verified {len(commands)} command(s)")
    return DeviceOutcome(data={**data, "post_config": after})


def store_deploy(job: Any, device: Device, outcome: DeviceOutcome) -> list[dict]:
    """Snapshots before and after (the after one announced as this plan's), device status."""
    pre, post = outcome.data.pop("pre_config", None), outcome.data.pop("post_config", None)
    if pre:
        snapshots.record_backup(device, pre, job)
    if post:
        if outcome.ok:
            drift.mark_expected(
                device, snapshots.sanitized_hash(device.platform, post), job.params["plan"]
            )
        snapshots.record_backup(device, post, job)
    if outcome.ok:
        status = PlanDeviceStatus.DEPLOYED
    elif outcome.data.get("rolled_back"):
        status = PlanDeviceStatus.ROLLED_BACK
    elif outcome.data.get("skipped"):
        status = PlanDeviceStatus.SKIPPED
    else:
        status = PlanDeviceStatus.FAILED
    rows = PlanDevice.objects.for_customer(device.customer_id).filter(plan_id=job.params["plan"])
    rows.filter(device=device).update(status=status, message=outcome.error_message)
    return []


def _close_plan(job: Any, unfinished: str, row_status: str, plan_status: str) -> None:
    """When a deploy job ends, devices it never reached say so and the plan moves on."""
    rows = PlanDevice.objects.for_customer(job.customer_id).filter(plan_id=job.params["plan"])
    rows.filter(status=unfinished).update(
        status=row_status, message=f"the {job.kind} job ended ({job.status}) before this device"
    )
    ChangePlan.objects.for_customer(job.customer_id).filter(pk=job.params["plan"]).update(
        status=plan_status
    )


def preview_finished(job: Any) -> None:
    _close_plan(
        job, PlanDeviceStatus.PENDING, PlanDeviceStatus.PREVIEW_FAILED, PlanStatus.PREVIEWED
    )


def deploy_finished(job: Any) -> None:
    _close_plan(job, PlanDeviceStatus.READY, PlanDeviceStatus.FAILED, PlanStatus.DONE)


register(
    Kind(
        name="deploy_preview",
        label="Deploy preview",
        handler=preview,
        clean_params=clean_preview,
        persist=store_preview,
        on_finish=preview_finished,
        started_by="previewing a change plan",
        description="Read fresh running configurations and compute a change plan.",
    )
)
register(
    Kind(
        name="config_deploy",
        label="Configuration deploy",
        handler=deploy,
        clean_params=clean_deploy,
        persist=store_deploy,
        on_finish=deploy_finished,
        destructive=True,
        started_by="committing a confirmed change plan",
        description="Apply a confirmed change plan; verify; roll back on failure.",
    )
)
