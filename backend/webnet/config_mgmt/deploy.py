"""Safe deploy services: preview a change, confirm it by its hash, commit it, roll back.

Every step is audited. Preview and commit are jobs: preview reads fresh running configurations
(`config.preview`), commit applies them (`config.deploy`, destructive: never retried).
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.config_mgmt import change_gates, review
from webnet.config_mgmt.plans import (
    ChangePlan,
    PlanDevice,
    PlanDeviceStatus,
    PlanSource,
    PlanStatus,
    booked_slot,
    content_hash,
    plan_rows,
)
from webnet.config_mgmt.plans import (
    current_hash as current_hash,
)
from webnet.config_mgmt.render import TemplateRenderError
from webnet.config_mgmt.templates import render
from webnet.core import access, audit
from webnet.customers.models import Customer
from webnet.devices.models import Device
from webnet.jobs import targets as job_targets
from webnet.jobs.models import FINISHED
from webnet.jobs.services import JobService

MAX_LINES = 2000


def _clean_lines(lines: Any) -> list[str]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ValidationError({"lines": "a list of configuration lines is required"})
    lines = [line.rstrip() for line in lines if line.strip()]
    if not lines or len(lines) > MAX_LINES:
        raise ValidationError({"lines": f"give between 1 and {MAX_LINES} lines"})
    return lines


@transaction.atomic
def preview_change(
    user: Any,
    customer: Customer,
    targets: dict[str, Any],
    *,
    source: str = PlanSource.LINES,
    lines: Any = None,
    intents: dict[int, dict[str, Any]] | None = None,
    name: str = "",
    canary: int = 0,
) -> ChangePlan:
    """Create a plan and the job that previews it on fresh running configurations.

    `lines` deploys the same lines everywhere; `intents` (device id → {"config": full text})
    moves each device to a whole configuration (templates, rollback).
    """
    access.require(user, "changeplan", "add", customer.pk, "this deploy step")
    if not isinstance(canary, int) or canary < 0:
        raise ValidationError({"canary": "a whole number, 0 for no canary"})
    devices = list(
        job_targets.resolve(user, customer.pk, job_targets.clean(targets)).order_by("hostname")
    )
    if not devices:
        raise ValidationError({"targets": "no enabled device you may use matches"})
    common = {"lines": _clean_lines(lines)} if intents is None else None
    plan = ChangePlan.objects.create(
        customer=customer, name=name[:200], source=source, canary=canary, created_by=user
    )
    rows = []
    for position, device in enumerate(devices):
        intent = common if common is not None else (intents or {}).get(device.pk)
        if intent is None:
            raise ValidationError({"targets": f"no intended configuration for {device}"})
        rows.append(
            PlanDevice(
                customer=customer, plan=plan, device=device, position=position, intent=intent
            )
        )
    PlanDevice.objects.bulk_create(rows)
    job = JobService.create_job(
        user,
        customer,
        "config.preview",
        {"devices": [d.pk for d in devices]},
        {"plan": plan.pk},
        owner=True,
    )
    ChangePlan.objects.filter(pk=plan.pk).update(preview_job=job)
    plan.preview_job = job
    audit.record(
        "preview",
        actor=user,
        customer_id=customer.pk,
        obj=plan,
        changes={"source": [None, source], "devices": [None, len(rows)]},
    )
    return plan


def _preview_finished(plan: ChangePlan) -> bool:
    return plan.preview_job is not None and plan.preview_job.status in FINISHED


def confirm_plan(user: Any, plan: ChangePlan, shown_hash: str) -> ChangePlan:
    """Bind the commit to exactly the previewed change: the hash shown must still match.

    A plan an approval policy covers is confirmed once approved, for the hash its approvers saw.
    """
    access.require(user, "changeplan", "confirm", plan.customer_id, "this deploy step")
    review.ensure_unchanged(plan, actor=user)
    with transaction.atomic():
        plan = (
            ChangePlan.objects.select_for_update(of=("self",))
            .select_related("preview_job")
            .get(pk=plan.pk)
        )
        needed = review.approvals_needed(plan)
        allowed = (
            (PlanStatus.APPROVED,) if needed else (PlanStatus.PREVIEWING, PlanStatus.PREVIEWED)
        )
        if plan.status not in allowed or not _preview_finished(plan):
            hint = ": submit it for approval first" if needed else ""
            raise ValidationError(
                {"status": f"the plan cannot be confirmed while {plan.status}{hint}"}
            )
        rows = plan_rows(plan)
        if not any(row.status == PlanDeviceStatus.READY for row in rows):
            raise ValidationError({"status": "no device has anything to change"})
        if shown_hash != content_hash(rows):
            raise ValidationError({"content_hash": "the plan changed since you looked at it"})
        plan.status, plan.confirmed_hash = PlanStatus.CONFIRMED, shown_hash
        plan.confirmed_by, plan.confirmed_at = user, timezone.now()
        plan.save(update_fields=["status", "confirmed_hash", "confirmed_by", "confirmed_at"])
        audit.record(
            "confirm",
            actor=user,
            customer_id=plan.customer_id,
            obj=plan,
            changes={"content_hash": [None, shown_hash]},
        )
    return plan


def commit_plan(
    user: Any,
    plan: ChangePlan,
    *,
    override_reason: str = "",
    override: change_gates.Override | None = None,
    span: tuple[datetime, datetime] | None = None,
) -> ChangePlan:
    """Start the deploy job of a confirmed (or scheduled) plan that has its approvals.

    Refuses if the plan changed since confirmation (it goes back to draft), if it is booked and
    now is outside its slot, or if a change gate blocks its window — `span`, else the plan's
    booked window or now (an admin may override an overridable finding with a reason, or by an
    earlier `override`). The returned plan's `overridden` lists the findings an override let
    through (also in the commit's audit).
    """
    access.require(user, "changeplan", "commit", plan.customer_id, "this deploy step")
    review.ensure_unchanged(plan, actor=user)
    with transaction.atomic():
        return _commit(user, plan, override_reason, override, span)


def _in_slot(plan: ChangePlan, now: datetime) -> bool:
    """A booked plan runs only inside its slot (the tick starts it at the slot's start)."""
    slot = booked_slot(plan)
    return slot is not None and slot[0] <= now < slot[1]


def _commit(
    user: Any,
    plan: ChangePlan,
    override_reason: str,
    override: change_gates.Override | None,
    span: tuple[datetime, datetime] | None,
) -> ChangePlan:
    plan = ChangePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (PlanStatus.CONFIRMED, PlanStatus.SCHEDULED):
        raise ValidationError({"status": f"only a confirmed plan can be committed ({plan.status})"})
    if plan.status == PlanStatus.SCHEDULED and not _in_slot(plan, timezone.now()):
        raise ValidationError(
            {"status": "the plan is booked into a slot and starts there; cancel the booking first"}
        )
    rows = [row for row in plan_rows(plan) if row.status == PlanDeviceStatus.READY]
    if content_hash(rows) != plan.confirmed_hash:
        raise ValidationError({"content_hash": "the plan changed since it was confirmed"})
    needed = review.approvals_needed(plan)
    if len(review.live_approvals(plan, plan.confirmed_hash)) < needed:
        raise ValidationError({"approvals": f"the plan needs {needed} approvals of this version"})
    overridden = review.enforce_gates(
        user,
        plan,
        *(span or review.commit_window(plan)),
        override_reason=override_reason,
        override=override,
    )
    order = [row.device_id for row in sorted(rows, key=lambda r: r.position)]
    job = JobService.create_job(
        user,
        plan.customer,
        "config.deploy",
        {"devices": order},
        {"plan": plan.pk, "order": order, "canary": plan.canary},
        owner=True,
    )
    plan.status, plan.commit_job = PlanStatus.COMMITTING, job
    plan.save(update_fields=["status", "commit_job"])
    audit.record(
        "commit",
        actor=user,
        customer_id=plan.customer_id,
        obj=plan,
        changes={
            "devices": [None, len(rows)],
            "job": [None, job.pk],
            "overridden": [None, [f.message for f in overridden]],
        },
    )
    plan.overridden = overridden
    return plan


def preview_template(
    user: Any,
    customer: Customer,
    targets: dict[str, Any],
    template: Any,
    *,
    name: str = "",
    canary: int = 0,
) -> ChangePlan:
    """Plan the lines a golden template renders for each device (merged, not replaced)."""
    errors = {}
    intents: dict[int, dict[str, Any]] = {}
    devices = job_targets.resolve(user, customer.pk, job_targets.clean(targets))
    for device in devices:
        try:
            intents[device.pk] = {"lines": _clean_lines(render(template, device))}
        except (TemplateRenderError, ValidationError) as exc:
            errors[device.hostname] = str(exc)
    if errors:
        raise ValidationError(
            {"template": [f"{host}: {message}" for host, message in sorted(errors.items())]}
        )
    return preview_change(
        user,
        customer,
        targets,
        source=PlanSource.TEMPLATE,
        intents=intents,
        name=name or f"Template {template.name}",
        canary=canary,
    )


def rollback_to_snapshot(user: Any, device: Device, snapshot: Any) -> ChangePlan:
    """A new plan that brings `device` back to `snapshot`, through the same preview/confirm."""
    if snapshot.device_id != device.pk:
        raise ValidationError({"snapshot": "the snapshot belongs to another device"})
    return preview_change(
        user,
        device.customer,
        {"devices": [device.pk]},
        source=PlanSource.ROLLBACK,
        intents={device.pk: {"config": snapshot.text}},
        name=f"Rollback {device} to snapshot {snapshot.pk}",
    )


def replan(user: Any, job: Any, device_ids: list[int]) -> Any:
    """Re-running a deploy job: a new plan of the same intent for `device_ids`, previewed afresh.

    Why: a push is never repeated as is (the devices changed since, nobody saw a diff), and the
    finished job's plan keeps its record. Returns the new plan's preview job.
    """
    plan = (
        ChangePlan.objects.for_customer(job.customer_id).filter(pk=job.params.get("plan")).first()
    )
    if plan is None:
        raise ValidationError({"plan": "the change plan of this job no longer exists"})
    wanted = set(device_ids)
    rows = [row for row in plan_rows(plan) if row.device_id in wanted]
    if not rows:
        raise ValidationError({"targets": "none of these devices is in the job's plan"})
    new = preview_change(
        user,
        plan.customer,
        {"devices": [row.device_id for row in rows]},
        source=plan.source,
        intents={row.device_id: row.intent for row in rows},
        name=f"Re-run of {plan}",
        canary=plan.canary,
    )
    return new.preview_job
