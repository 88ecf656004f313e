"""Deploy job kinds: `config.preview` (read-only) and `config.deploy` (destructive).

config.deploy, per device: refuse if the running configuration is not the one previewed,
apply (EOS in a configure session, Junos with commit confirmed, others line by line), read the
result back, verify every intended line, and roll back automatically on any failure: only what
this job changed, checked against the pre-state afterwards; a rollback that fails is reported as
such (`rollback_failed`, audited for the alarms). With a canary of k the runner deploys the first
k devices first, and the rest only if all succeeded.
"""

import asyncio
import contextlib
from typing import Any

from django.core.exceptions import ValidationError

from webnet.config_mgmt import changeset, drift, outcomes, review, snapshots
from webnet.config_mgmt.deploy import replan
from webnet.config_mgmt.plans import (
    ChangePlan,
    PlanDevice,
    PlanDeviceStatus,
    PlanStatus,
    content_hash,
)
from webnet.devices.models import Device
from webnet.drivers import CommandRejected, DriverError, get_platform
from webnet.jobs.registry import (
    DeviceContext,
    DeviceOutcome,
    DeviceTarget,
    Kind,
    per_device,
    register,
)

CONFIRM_MINUTES = 5


def _plan_params(params: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    if not isinstance(params.get("plan"), int) or set(params) - keys:
        raise ValidationError({"params": "deploy jobs are started from a change plan"})
    return params


def clean_preview(params: dict[str, Any]) -> dict[str, Any]:
    return _plan_params(params, {"plan"})


def clean_deploy(params: dict[str, Any]) -> dict[str, Any]:
    return _plan_params(params, {"plan", "order", "canary"})


def _plan_rows(job: Any, targets: list[DeviceTarget]) -> dict[str, PlanDevice]:
    rows = PlanDevice.objects.for_customer(job.customer_id).filter(
        plan_id=job.params["plan"], device_id__in=[target.id for target in targets]
    )
    return {str(row.device_id): row for row in rows}


def prepare_preview(job: Any, targets: list[DeviceTarget], scrubber: Any) -> dict[str, Any]:
    """Each device's intent, read from its plan row (never carried in the job's params)."""
    return {key: row.intent for key, row in _plan_rows(job, targets).items()}


def prepare_deploy(job: Any, targets: list[DeviceTarget], scrubber: Any) -> dict[str, Any]:
    """Each device's commands and pre-state hash from the plan, if the plan is still the one
    confirmed: rows changed after confirmation refuse the whole deploy, before any session."""
    plan = ChangePlan.objects.for_customer(job.customer_id).filter(pk=job.params["plan"]).first()
    rows = _plan_rows(job, targets)
    ready = [row for row in rows.values() if row.status == PlanDeviceStatus.READY]
    if plan is None or not plan.confirmed_hash or content_hash(ready) != plan.confirmed_hash:
        return {key: {"refused": "the change plan changed since it was confirmed"} for key in rows}
    return {
        key: {"commands": row.commands, "pre_hash": row.pre_hash}
        for key, row in rows.items()
        if row.status == PlanDeviceStatus.READY
    }


def _has_commands(inputs: Any) -> bool:
    return bool(inputs) and "commands" in inputs


def _change(platform: str, running: str, intent: dict[str, Any]) -> changeset.Change:
    if "config" in intent:
        return changeset.to_config(platform, running, intent["config"])
    return changeset.from_lines(platform, running, intent["lines"])


async def preview(ctx: DeviceContext) -> DeviceOutcome:
    if ctx.inputs is None:
        return DeviceOutcome.failure("not_in_plan", "the device is not in the change plan")
    running = await ctx.session.get_running_config()
    intent = ctx.inputs
    try:
        change = await asyncio.to_thread(_change, ctx.target.platform, running, intent)
    except changeset.UnparsableConfig as exc:
        return DeviceOutcome.failure("config_unparsable", str(exc))
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
    """The platform's safest way to change: a configure session (EOS), a commit that reverts by
    itself unless confirmed (Junos), else line by line."""
    profile = get_platform(ctx.target.platform)
    if profile.session_enter:
        await ctx.session.send_config(commands, session_name=f"webnet-{ctx.params['plan']}")
    elif profile.confirmed_finish:
        await ctx.session.send_config(commands, confirm_minutes=CONFIRM_MINUTES)
    else:
        await ctx.session.send_config(commands)


class RollbackFailed(Exception):
    """The device could not be returned to its pre-state: it needs a person."""


async def _roll_back(ctx: Any, pre: str, committed: bool) -> str:
    """Return the device to `pre` and check it holds exactly that; the configuration it holds.

    Only what this job changed is undone: a change the device aborted (a rejected line on XR, an
    EOS session, a Junos candidate) left nothing to undo, and Junos `rollback 1` is used only
    when this job's commit went through (else it would undo the previous, good commit).
    """
    session, platform = ctx.session, ctx.target.platform
    current = await session.get_running_config()
    if not changeset.same_config(platform, current, pre):
        try:
            if committed and get_platform(platform).rollback_commands:
                await session.rollback_config(1)
            else:
                undo = await asyncio.to_thread(changeset.remediation, platform, current, pre)
                await session.send_config(undo)
        except (CommandRejected, changeset.UnparsableConfig) as exc:
            raise RollbackFailed(f"the rollback could not be applied: {exc}") from exc
        current = await session.get_running_config()
    if not changeset.same_config(platform, current, pre):
        raise RollbackFailed("the device does not hold its pre-change configuration")
    return current


async def _fail(
    ctx: Any, pre: str, committed: bool, code: str, message: str, data: dict[str, Any]
) -> DeviceOutcome:
    """Roll back after a failed change; a failed rollback is its own, louder outcome."""
    try:
        data["post_config"] = await _roll_back(ctx, pre, committed)
    except (RollbackFailed, DriverError) as exc:
        ctx.log(f"rollback failed: {exc}", level="error")
        with contextlib.suppress(DriverError):
            data["post_config"] = await ctx.session.get_running_config()
        return DeviceOutcome.failure(
            "rollback_failed",
            f"{message}; rollback failed, device needs attention: {exc}",
            **data,
            rollback_failed=True,
        )
    return DeviceOutcome.failure(code, message, **data, rolled_back=True)


async def deploy(ctx: DeviceContext) -> DeviceOutcome:
    change = ctx.inputs or {"refused": "the device has no confirmed change in the plan"}
    if "refused" in change:
        return DeviceOutcome.failure("plan_changed", change["refused"])
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
        return await _fail(ctx, pre, False, "command_rejected", str(exc), data)
    after = await ctx.session.get_running_config()
    missing = changeset.missing_after(platform, after, commands)
    if missing:
        ctx.log(f"verify failed: {len(missing)} line(s) missing; rolling back", level="error")
        message = "not on the device after the change: " + "; ".join(missing[:5])
        return await _fail(ctx, pre, True, "verify_failed", message, data)
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
    elif outcome.data.get("rollback_failed"):
        status = PlanDeviceStatus.ROLLBACK_FAILED
        outcomes.record_rollback_failed(job, device, outcome.error_message)
    elif outcome.data.get("rolled_back"):
        status = PlanDeviceStatus.ROLLED_BACK
    elif outcome.data.get("skipped"):
        status = PlanDeviceStatus.SKIPPED
    else:
        status = PlanDeviceStatus.FAILED
    rows = PlanDevice.objects.for_customer(device.customer_id).filter(plan_id=job.params["plan"])
    rows.filter(device=device).update(status=status, message=outcome.error_message)
    return []


def _deploy_outcome(reached: set[str]) -> str:
    if reached & {PlanDeviceStatus.FAILED, PlanDeviceStatus.ROLLBACK_FAILED}:
        return PlanStatus.FAILED
    if PlanDeviceStatus.ROLLED_BACK in reached:
        return PlanStatus.ROLLED_BACK
    return PlanStatus.DONE


def _close_plan(job: Any, unfinished: str, row_status: str, plan_status: str) -> None:
    """When a deploy job ends, devices it never reached say so and the plan moves on."""
    rows = PlanDevice.objects.for_customer(job.customer_id).filter(plan_id=job.params["plan"])
    if plan_status == PlanStatus.DONE:  # the outcome of the devices the deploy reached
        plan_status = _deploy_outcome(set(rows.values_list("status", flat=True)))
    rows.filter(status=unfinished).update(
        status=row_status, message=f"the {job.kind} job ended ({job.status}) before this device"
    )
    ChangePlan.objects.for_customer(job.customer_id).filter(pk=job.params["plan"]).update(
        status=plan_status
    )


def preview_finished(job: Any) -> None:
    """A finished preview rewrote the plan's rows: approvals of an earlier version are void."""
    plan = ChangePlan.objects.for_customer(job.customer_id).filter(pk=job.params["plan"]).first()
    if plan is not None:
        review.return_to_draft(plan, "the plan was previewed again")
    _close_plan(
        job, PlanDeviceStatus.PENDING, PlanDeviceStatus.PREVIEW_FAILED, PlanStatus.PREVIEWED
    )


def deploy_finished(job: Any) -> None:
    _close_plan(job, PlanDeviceStatus.READY, PlanDeviceStatus.FAILED, PlanStatus.DONE)


register(
    Kind(
        name="config.preview",
        label="Deploy preview",
        handler=preview,
        clean_params=clean_preview,
        prepare=prepare_preview,
        persist=per_device(store_preview),
        on_finish=preview_finished,
        rerun=replan,
        started_by="previewing a change plan",
        description="Read fresh running configurations and compute a change plan.",
    )
)
register(
    Kind(
        name="config.deploy",
        label="Configuration deploy",
        handler=deploy,
        clean_params=clean_deploy,
        prepare=prepare_deploy,
        needs_session=_has_commands,
        persist=per_device(store_deploy),
        on_finish=deploy_finished,
        rerun=replan,
        destructive=True,
        started_by="committing a confirmed change plan",
        description="Apply a confirmed change plan; verify; roll back on failure.",
    )
)
