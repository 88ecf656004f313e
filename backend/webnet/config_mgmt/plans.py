"""Change plans: the unit of a safe deploy (preview → approve → confirm → commit → rollback).

A plan is previewed against fresh running configurations; its content hash covers every
device's commands and pre-state, so a confirmation binds to exactly what was shown, and a commit
refuses when the plan or a device changed since.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned
from webnet.devices.models import via_device


class PlanStatus(models.TextChoices):
    """The change workflow: draft (previewing, previewed) → pending approval → approved →
    confirmed (bound to the hash the committer saw) → scheduled (booked into a slot; the tick
    starts it there) → running (committing) → succeeded (done) / failed / rolled back. A booked
    plan whose slot closed before it could start is expired; one refused at its start failed.
    A plan no policy covers skips the approval states.
    """

    PREVIEWING = "previewing", "Draft (previewing)"
    PREVIEWED = "previewed", "Draft (previewed)"
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    APPROVED = "approved", "Approved"
    CONFIRMED = "confirmed", "Confirmed"
    SCHEDULED = "scheduled", "Scheduled"
    COMMITTING = "committing", "Running"
    DONE = "done", "Succeeded"
    FAILED = "failed", "Failed"
    ROLLED_BACK = "rolled_back", "Rolled back"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


# A change to the plan while it is in one of these states sends it back to draft.
IN_REVIEW = (
    PlanStatus.PENDING_APPROVAL,
    PlanStatus.APPROVED,
    PlanStatus.CONFIRMED,
    PlanStatus.SCHEDULED,
)


class PlanSource(models.TextChoices):
    LINES = "lines", "Configuration lines"
    TEMPLATE = "template", "Golden template"
    ROLLBACK = "rollback", "Rollback to a snapshot"
    REMEDIATION = "remediation", "Compliance remediation"


class ChangePlan(CustomerOwned):
    location_paths = via_device("devices__device")
    location_every = "devices__device"
    # set on the plan commit_plan returns (not stored): the findings an override let through
    overridden: list[Any]

    name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=12, choices=PlanSource.choices, default=PlanSource.LINES)
    status = models.CharField(
        max_length=16, choices=PlanStatus.choices, default=PlanStatus.PREVIEWING
    )
    canary = models.PositiveIntegerField(
        default=0,
        help_text="Deploy to the first k devices first; stop if any of them fails (0: all at once)",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    preview_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_hash = models.CharField(max_length=64, blank=True, help_text="sent for approval")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    scheduled_start = models.DateTimeField(null=True, blank=True)
    scheduled_end = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule_reason = models.CharField(
        max_length=500, blank=True, help_text="why the booked start did not happen"
    )
    confirmed_hash = models.CharField(max_length=64, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    commit_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or f"plan {self.pk}"


class PlanDeviceStatus(models.TextChoices):
    PENDING = "pending", "Pending preview"
    READY = "ready", "Ready"
    NO_CHANGE = "no_change", "No change"
    PREVIEW_FAILED = "preview_failed", "Preview failed"
    DEPLOYED = "deployed", "Deployed"
    FAILED = "failed", "Failed"
    ROLLED_BACK = "rolled_back", "Failed, rolled back"
    ROLLBACK_FAILED = "rollback_failed", "Rollback failed, device needs attention"
    SKIPPED = "skipped", "Skipped"


class PlanDevice(CustomerOwned):
    location_paths = via_device()

    plan = models.ForeignKey(ChangePlan, on_delete=models.CASCADE, related_name="devices")
    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    intent = models.JSONField(default=dict)
    commands = models.JSONField(default=list)
    diff = models.TextField(blank=True)
    pre_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=PlanDeviceStatus.choices, default=PlanDeviceStatus.PENDING
    )
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "device"], name="unique_plan_device")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.device_id} {self.status}"


def content_hash(rows: list[PlanDevice]) -> str:
    """sha256 over (device, commands, pre-state) of the devices that will change."""
    body = [
        [row.device_id, row.commands, row.pre_hash]
        for row in sorted(rows, key=lambda r: r.device_id)
        if row.status == PlanDeviceStatus.READY
    ]
    return hashlib.sha256(json.dumps(body, separators=(",", ":")).encode()).hexdigest()


def plan_rows(plan: ChangePlan) -> list[PlanDevice]:
    return list(
        PlanDevice.objects.for_customer(plan.customer_id).filter(plan=plan).select_related("device")
    )


def current_hash(plan: ChangePlan) -> str:
    return content_hash(plan_rows(plan))


def booked_slot(plan: ChangePlan) -> tuple[datetime, datetime] | None:
    """[start, end) of the slot the plan is booked into, None when it is not booked."""
    if plan.scheduled_start is None or plan.scheduled_end is None:
        return None
    return plan.scheduled_start, plan.scheduled_end
