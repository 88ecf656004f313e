"""Booked change plans: a confirmed (and approved) plan booked into a slot [start, end) is
started by the scheduler's tick at the slot's start — never before, never after its end.

`start_in_slot` is the one way a booked change starts: a plan booked here and a change
scheduled into a maintenance window (maintenance.scheduling) both go through it, so both re-check
at start what a commit checks (the booker's role, approvals of the confirmed hash, the plan
unchanged — else it returns to draft —, every change gate over the slot). A slot the tick reaches
only after it closed expires the booking; every outcome is audited with its reason.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.config_mgmt import change_gates, deploy, review
from webnet.config_mgmt.plans import ChangePlan, PlanStatus, booked_slot
from webnet.core import access, audit

STARTED, MISSED, FAILED = "started", "missed", "failed"


@dataclass(frozen=True)
class SlotStart:
    """What became of one start: `outcome` (started | missed | failed), why, and the plan a
    started outcome committed (its `overridden` lists what an override let through)."""

    outcome: str
    reason: str = ""
    plan: ChangePlan | None = None


def start_in_slot(
    actor: Any,
    plan: ChangePlan,
    span: tuple[datetime, datetime] | None,
    now: datetime,
    *,
    override: change_gates.Override | None = None,
    closed: str = "The slot closed before it started.",
) -> SlotStart:
    """Commit `plan` for `span` as `actor` if the slot is still open; call inside a transaction.
    A plan edited since it was booked goes back to draft (`commit_plan` checks the hash before
    its own savepoint, so that return outlives the refusal)."""
    if span is None or span[1] <= now:
        return SlotStart(MISSED, closed)
    if actor is None:
        return SlotStart(FAILED, "The user who booked it no longer exists.")
    try:
        started = deploy.commit_plan(actor, plan, override=override, span=span)
    except (ValidationError, PermissionDenied) as exc:
        return SlotStart(FAILED, reason_of(exc))
    return SlotStart(STARTED, plan=started)


def reason_of(exc: Exception) -> str:
    messages = getattr(exc, "messages", None) or [str(exc)]
    return "; ".join(str(m) for m in messages)


def _locked(plan: ChangePlan) -> ChangePlan:
    return (
        ChangePlan.objects.select_for_update(of=("self",))
        .select_related("scheduled_by", "customer")
        .get(pk=plan.pk)
    )


def schedule_plan(user: Any, plan: ChangePlan, *, starts: datetime, ends: datetime) -> ChangePlan:
    """Book a confirmed (and approved) plan into [starts, ends); the tick starts it at `starts`
    as `user`. The gates must pass for the slot now (they are asked again at the start)."""
    access.require(user, "changeplan", "commit", plan.customer_id, "booking this change")
    if timezone.is_naive(starts) or timezone.is_naive(ends) or ends <= starts:
        raise ValidationError({"ends": "give aware start and end times, the end after the start"})
    if ends <= timezone.now():
        raise ValidationError({"ends": "that slot is already over"})
    review.ensure_unchanged(plan, actor=user)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.CONFIRMED:
            raise ValidationError(
                {"status": f"only a confirmed plan can be scheduled ({plan.status})"}
            )
        if not review.approvals_met(plan, plan.confirmed_hash):
            raise ValidationError({"approvals": "the plan does not have its approvals"})
        review.enforce_gates(user, plan, starts, ends)
        plan.status, plan.scheduled_by, plan.schedule_reason = PlanStatus.SCHEDULED, user, ""
        plan.scheduled_start, plan.scheduled_end = starts, ends
        plan.save(
            update_fields=[
                "status",
                "scheduled_start",
                "scheduled_end",
                "scheduled_by",
                "schedule_reason",
            ]
        )
        audit.record(
            "schedule",
            actor=user,
            customer_id=plan.customer_id,
            obj=plan,
            changes={"starts": [None, starts.isoformat()], "ends": [None, ends.isoformat()]},
        )
    return plan


def cancel_booking(user: Any, plan: ChangePlan) -> ChangePlan:
    """Take a booked plan off its slot: it is confirmed again (commit it now or book anew)."""
    access.require(user, "changeplan", "commit", plan.customer_id, "booking this change")
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.SCHEDULED:
            raise ValidationError({"status": f"only a booked plan can be unbooked ({plan.status})"})
        slot = [moment.isoformat() for moment in booked_slot(plan) or ()]
        plan.status, plan.scheduled_by = PlanStatus.CONFIRMED, None
        plan.scheduled_start = plan.scheduled_end = None
        plan.save(update_fields=["status", "scheduled_start", "scheduled_end", "scheduled_by"])
        audit.record(
            "cancel_schedule",
            actor=user,
            customer_id=plan.customer_id,
            obj=plan,
            changes={"slot": [slot, None], "status": [PlanStatus.SCHEDULED, plan.status]},
        )
    return plan


def start_due(now: datetime) -> dict[str, int]:
    """The tick's work: start every booked plan whose slot has begun; expire the ones whose slot
    closed before a tick reached them. Idempotent: ticks overlap when scaled out."""
    counts = {STARTED: 0, "expired": 0, FAILED: 0}
    due = ChangePlan.objects.filter(
        status=PlanStatus.SCHEDULED, scheduled_start__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        outcome = _start_booked(pk, now)
        if outcome:
            counts[outcome] += 1
    return counts


@transaction.atomic
def _start_booked(pk: int, now: datetime) -> str:
    plan = _locked(ChangePlan(pk=pk))
    slot = booked_slot(plan)
    if plan.status != PlanStatus.SCHEDULED or slot is None or slot[0] > now:
        return ""  # another tick (or a cancel, an edit) got here first
    start = start_in_slot(plan.scheduled_by, plan, slot, now)
    if start.outcome == STARTED:
        job_id = start.plan.commit_job_id if start.plan else None
        _record(plan, "booking_started", PlanStatus.COMMITTING, {"job": [None, job_id]})
        return STARTED
    status = PlanStatus.EXPIRED if start.outcome == MISSED else PlanStatus.FAILED
    # a plan edited since its booking is back in draft already; it keeps that status
    ChangePlan.objects.filter(pk=pk, status=PlanStatus.SCHEDULED).update(status=status)
    ChangePlan.objects.filter(pk=pk).update(schedule_reason=start.reason[:500])
    plan.refresh_from_db(fields=["status"])
    _record(plan, f"booking_{start.outcome}", plan.status, {"reason": [None, start.reason]})
    return "expired" if start.outcome == MISSED else FAILED


def _record(plan: ChangePlan, action: str, status: str, changes: dict[str, Any]) -> None:
    audit.record(
        action,
        customer_id=plan.customer_id,
        obj=plan,
        changes={"status": [PlanStatus.SCHEDULED, status], **changes},
    )
