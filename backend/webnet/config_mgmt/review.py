"""The approval workflow of a change plan: submit → approve/reject → (confirm, commit).

Why a plan goes back to draft: an approval vouches for one content hash. When the plan's hash
moves (re-preview, rows rewritten, a device's pre-state), every approval is voided and the plan
waits in draft to be submitted again. The change gates (freeze windows, conflicts, registered
by the calendar) are asked before approving, scheduling and committing. Booking a confirmed
plan into a slot, and its start by the tick, are in booking.py.
"""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.config_mgmt import change_gates
from webnet.config_mgmt.approvals import ApprovalPolicy, Decision, PlanApproval
from webnet.config_mgmt.plans import (
    IN_REVIEW,
    ChangePlan,
    PlanDevice,
    PlanDeviceStatus,
    PlanStatus,
    booked_slot,
    current_hash,
)
from webnet.core import access, audit
from webnet.customers.roles import Role

COMMIT_SPAN = timedelta(minutes=30)  # the time a commit started now is assumed to take


def _locked(plan: ChangePlan) -> ChangePlan:
    return (
        ChangePlan.objects.select_for_update(of=("self",))
        .select_related("preview_job")
        .get(pk=plan.pk)
    )


def policy_for(plan: ChangePlan) -> ApprovalPolicy | None:
    """The customer's policy if it covers this plan (by device count or a risky tag), else None."""
    policy = ApprovalPolicy.objects.for_customer(plan.customer_id).first()
    if policy is None:
        return None
    if policy.min_devices is None and policy.risky_tag_id is None:
        return policy
    ready = PlanDevice.objects.for_customer(plan.customer_id).filter(
        plan=plan, status=PlanDeviceStatus.READY
    )
    if policy.min_devices is not None and ready.count() > policy.min_devices:
        return policy
    if policy.risky_tag_id is not None and ready.filter(device__tags=policy.risky_tag_id).exists():
        return policy
    return None


def approvals_needed(plan: ChangePlan) -> int:
    policy = policy_for(plan)
    return policy.required_approvers if policy else 0


def live_approvals(plan: ChangePlan, digest: str) -> list[PlanApproval]:
    """Approvals not voided and given for `digest`."""
    return list(
        PlanApproval.objects.for_customer(plan.customer_id)
        .filter(plan=plan, decision=Decision.APPROVED, voided_at__isnull=True, content_hash=digest)
        .select_related("user")
    )


def approvals_met(plan: ChangePlan, digest: str) -> bool:
    return len(live_approvals(plan, digest)) >= approvals_needed(plan)


def return_to_draft(plan: ChangePlan, reason: str, *, actor: Any = None) -> bool:
    """Void the plan's approvals and send it back to draft if it was in review (idempotent)."""
    voided = (
        PlanApproval.objects.for_customer(plan.customer_id)
        .filter(plan=plan, voided_at__isnull=True)
        .update(voided_at=timezone.now(), void_reason=reason[:200])
    )
    moved = (
        ChangePlan.objects.for_customer(plan.customer_id)
        .filter(pk=plan.pk, status__in=IN_REVIEW)
        .update(
            status=PlanStatus.PREVIEWED,
            submitted_hash="",
            confirmed_hash="",
            scheduled_start=None,
            scheduled_end=None,
        )
    )
    if voided or moved:
        audit.record(
            "return_to_draft",
            actor=actor,
            customer_id=plan.customer_id,
            obj=plan,
            changes={"reason": [None, reason], "approvals_voided": [None, voided]},
        )
    return bool(voided or moved)


def ensure_unchanged(plan: ChangePlan, *, actor: Any = None) -> None:
    """Refuse (400) a step on a plan whose hash moved since it was submitted or confirmed.

    The return to draft is committed before the refusal, so it sticks.
    """
    with transaction.atomic():
        plan = _locked(plan)
        bound = plan.submitted_hash or plan.confirmed_hash
        if plan.status not in IN_REVIEW or not bound or current_hash(plan) == bound:
            return
        return_to_draft(plan, "the plan changed after it was submitted", actor=actor)
    raise ValidationError(
        {"content_hash": "the plan changed since it was submitted: it is back in draft"}
    )


def enforce_gates(
    user: Any,
    plan: ChangePlan,
    starts: datetime,
    ends: datetime,
    *,
    override_reason: str = "",
    override: change_gates.Override | None = None,
) -> list[change_gates.GateFinding]:
    """Ask every change gate; refuse (400, naming them) on blocking findings.

    An admin may pass blocking findings that are all overridable, by giving a reason now or by
    an `override` given earlier (a scheduled change's): its admin must still be one, and it
    covers only the items it names. Audited. Returns the findings it let through (overridden).
    """
    found = change_gates.findings(plan, starts, ends)
    blocking = [finding for finding in found if finding.blocking]
    if not blocking:
        return []
    earlier = override is not None
    if override is None and override_reason.strip():
        override = change_gates.Override(user, override_reason.strip())
    refusal = _override_refusal(plan, blocking, override, earlier=earlier)
    if refusal is not None or override is None:
        raise ValidationError(
            {"gates": [f"{finding.gate}: {finding.message}{refusal}" for finding in blocking]}
        )
    audit.record(
        "override_gates",
        actor=override.by,
        customer_id=plan.customer_id,
        obj=plan,
        changes={
            "findings": [None, [f.message for f in blocking]],
            "reason": [None, override.reason],
        },
    )
    return blocking


def _override_refusal(
    plan: ChangePlan,
    blocking: list[change_gates.GateFinding],
    override: change_gates.Override | None,
    *,
    earlier: bool,
) -> str | None:
    """None when `override` passes every blocking finding, else the hint to append to each
    (`earlier`: the override was given before, e.g. when the change was scheduled)."""
    if not all(finding.overridable for finding in blocking):
        return ""
    hint = " (an admin may override with a reason)"
    if override is None:
        return hint
    if override.by is None:
        return " (the override's admin was removed)"
    if not access.can(override.by, "changeplan", "override", plan.customer_id):
        if not earlier:
            return hint
        who = override.by.get_username()
        return f" (the override by {who} no longer holds: not an admin of this customer)"
    if override.items and any(finding.item not in override.items for finding in blocking):
        return hint
    return None


def commit_window(plan: ChangePlan) -> tuple[datetime, datetime]:
    """The interval a commit of this plan occupies: its booked window, else now + COMMIT_SPAN."""
    slot = booked_slot(plan)
    if slot is not None:
        return slot
    now = timezone.now()
    return now, now + COMMIT_SPAN


def submit_plan(user: Any, plan: ChangePlan, shown_hash: str) -> ChangePlan:
    """Ask for approval of exactly the previewed change the requester saw."""
    access.require(user, "changeplan", "submit", plan.customer_id, "this approval step")
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status not in (PlanStatus.PREVIEWING, PlanStatus.PREVIEWED) or not (
            plan.preview_job and plan.preview_job.is_finished
        ):
            raise ValidationError({"status": f"the plan cannot be submitted while {plan.status}"})
        if not approvals_needed(plan):
            raise ValidationError({"status": "no approval policy covers this plan: confirm it"})
        if shown_hash != current_hash(plan):
            raise ValidationError({"content_hash": "the plan changed since you looked at it"})
        plan.status, plan.submitted_hash = PlanStatus.PENDING_APPROVAL, shown_hash
        plan.submitted_by, plan.submitted_at = user, timezone.now()
        plan.save(update_fields=["status", "submitted_hash", "submitted_by", "submitted_at"])
        audit.record(
            "submit",
            actor=user,
            customer_id=plan.customer_id,
            obj=plan,
            changes={"content_hash": [None, shown_hash]},
        )
    return plan


def _check_approver(user: Any, plan: ChangePlan, policy: ApprovalPolicy) -> None:
    if user.pk in (plan.created_by_id, plan.submitted_by_id):
        raise PermissionDenied("The requester of a change cannot approve or reject it.")
    held = access.effective_roles(user).get(plan.customer_id, 0)
    if not access.is_staff(user) and held < access.RANK[Role(policy.approver_role)]:
        raise PermissionDenied(f"Approvers of this customer's changes are {policy.approver_role}s.")


def _decide(
    user: Any, plan: ChangePlan, decision: str, shown_hash: str, comment: str
) -> ChangePlan:
    ensure_unchanged(plan, actor=user)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.PENDING_APPROVAL:
            raise ValidationError({"status": f"the plan is not pending approval ({plan.status})"})
        policy = policy_for(plan)
        if policy is None:
            raise ValidationError({"status": "no approval policy covers this plan any more"})
        _check_approver(user, plan, policy)
        if shown_hash != plan.submitted_hash:
            raise ValidationError({"content_hash": "the plan changed since you looked at it"})
        decided = PlanApproval.objects.for_customer(plan.customer_id).filter(
            plan=plan, user=user, voided_at__isnull=True
        )
        if decided.exists():
            raise ValidationError({"status": "you already decided on this version of the plan"})
        PlanApproval.objects.create(
            customer_id=plan.customer_id,
            plan=plan,
            user=user,
            decision=decision,
            content_hash=shown_hash,
            comment=comment[:2000],
        )
        audit.record(
            decision,
            actor=user,
            customer_id=plan.customer_id,
            obj=plan,
            changes={"content_hash": [None, shown_hash], "comment": [None, comment]},
        )
        if decision == Decision.REJECTED:
            return_to_draft(plan, f"rejected by {user.get_username()}", actor=user)
        elif len(live_approvals(plan, shown_hash)) >= policy.required_approvers:
            plan.status = PlanStatus.APPROVED
            plan.save(update_fields=["status"])
    plan.refresh_from_db()
    return plan


def approve_plan(
    user: Any, plan: ChangePlan, shown_hash: str, *, comment: str = "", override_reason: str = ""
) -> ChangePlan:
    """Record one approval of the hash the approver was shown; enough of them approve the plan."""
    access.require(user, "changeplan", "approve", plan.customer_id, "this approval step")
    enforce_gates(user, plan, *commit_window(plan), override_reason=override_reason)
    return _decide(user, plan, Decision.APPROVED, shown_hash, comment)


def reject_plan(user: Any, plan: ChangePlan, shown_hash: str, *, comment: str) -> ChangePlan:
    """Turn the change down with a reason: its approvals are voided and it is back in draft."""
    access.require(user, "changeplan", "reject", plan.customer_id, "this approval step")
    if not comment.strip():
        raise ValidationError({"comment": "say why the change is rejected"})
    return _decide(user, plan, Decision.REJECTED, shown_hash, comment)
