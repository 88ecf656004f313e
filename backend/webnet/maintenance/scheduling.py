"""Changes scheduled into a maintenance window: checked against the calendar's gates when they
are scheduled, and started by the tick at the occurrence's start — never outside it (a tick that
comes after the occurrence closed marks the change missed). The start is config_mgmt's one
`booking.start_in_slot`, as for a plan booked into a slot of its own.
"""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from webnet.config_mgmt import booking, change_gates
from webnet.config_mgmt.change_gates import GateFinding
from webnet.config_mgmt.plans import PlanStatus
from webnet.core import access, audit, changes
from webnet.maintenance.models import MaintenanceWindow, ScheduledChange, ScheduledStatus

Span = tuple[datetime, datetime]


def check_gates(
    actor: Any,
    plan: Any,
    starts: datetime,
    ends: datetime,
    *,
    override: bool = False,
    reason: str = "",
) -> tuple[list[GateFinding], list[GateFinding]]:
    """(warnings, overridden) of running `plan` in [starts, ends). A blocking finding refuses
    (400 naming it) unless every blocking one is overridable, `override` is asked and `actor`
    may override freezes — then the override is audited and the findings come back overridden."""
    found = change_gates.findings(plan, starts, ends)
    blocking = [f for f in found if f.blocking]
    if blocking and not (override and all(f.overridable for f in blocking)):
        raise ValidationError({"plan": [f.message for f in blocking]})
    if blocking:
        access.require(actor, "freezewindow", "override", plan.customer_id)
        audit.record(
            "override_freeze",
            actor=actor,
            customer_id=plan.customer_id,
            obj=plan,
            changes={
                "findings": [None, [f.message for f in blocking]],
                "reason": [None, reason],
            },
        )
    return [f for f in found if not f.blocking], blocking


def occurrence_at(window: MaintenanceWindow, start: datetime) -> Span | None:
    """The window's occurrence that starts exactly at `start` (None: there is none)."""
    spans = window.occurrences(start, start + timedelta(microseconds=1))
    return next((span for span in spans if span[0] == start), None)


@transaction.atomic
def schedule_change(
    actor: Any,
    plan: Any,
    window: MaintenanceWindow,
    occurrence_start: datetime,
    *,
    now: datetime,
    override: bool = False,
    override_reason: str = "",
) -> tuple[ScheduledChange, list[GateFinding]]:
    """Schedule a confirmed plan into one future occurrence of `window`; returns the warnings.
    A freeze override is kept on the scheduled change for the tick that starts it."""
    access.require(actor, "scheduledchange", "add", plan.customer_id)
    if window.customer_id != plan.customer_id:
        raise ValidationError({"window": "The window belongs to another customer."})
    if plan.status != PlanStatus.CONFIRMED:
        raise ValidationError({"plan": f"Only a confirmed plan can be scheduled ({plan.status})."})
    span = occurrence_at(window, occurrence_start)
    if span is None:
        raise ValidationError({"occurrence_start": "The window has no occurrence starting then."})
    if span[1] <= now:
        raise ValidationError({"occurrence_start": "That occurrence is over."})
    warnings, overridden = check_gates(
        actor, plan, span[0], span[1], override=override, reason=override_reason
    )
    scheduled = changes.create(
        actor,
        ScheduledChange,
        {
            "customer_id": plan.customer_id,
            "plan": plan,
            "window": window,
            "occurrence_start": span[0],
            "occurrence_end": span[1],
            "created_by": actor,
            "override_by": actor if overridden else None,
            "override_reason": override_reason.strip() if overridden else "",
            "overridden": [f.item for f in overridden],
        },
    )
    return scheduled, warnings


@transaction.atomic
def cancel_change(actor: Any, scheduled: ScheduledChange) -> ScheduledChange:
    access.require(actor, "scheduledchange", "cancel", scheduled.customer_id)
    if scheduled.status != ScheduledStatus.SCHEDULED:
        raise ValidationError({"status": "Only a scheduled change can be cancelled."})
    return changes.update(actor, scheduled, {"status": ScheduledStatus.CANCELLED})


def start_due(now: datetime) -> dict[str, int]:
    """Start every scheduled change whose occurrence has begun and is still open; mark missed
    the ones whose occurrence closed (or vanished: cancelled, ended early, rule edited)."""
    counts = {"started": 0, "missed": 0, "failed": 0}
    due = ScheduledChange.objects.filter(
        status=ScheduledStatus.SCHEDULED, occurrence_start__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        counts[_start_one(pk, now)] += 1
    return counts


@transaction.atomic
def _start_one(pk: int, now: datetime) -> str:
    scheduled = (
        ScheduledChange.objects.select_for_update(of=("self",))
        .select_related("plan", "window", "created_by", "override_by")
        .get(pk=pk)
    )
    if scheduled.status != ScheduledStatus.SCHEDULED:
        return "started"  # another tick got here first
    span = occurrence_at(scheduled.window, scheduled.occurrence_start)
    start = booking.start_in_slot(
        scheduled.created_by,
        scheduled.plan,
        span,
        now,
        override=_override(scheduled),
        closed="The window closed before it started.",
    )
    if start.outcome == booking.MISSED:
        return _finish(scheduled, ScheduledStatus.MISSED, start.reason)
    if start.plan is None:
        return _finish(scheduled, ScheduledStatus.FAILED, start.reason)
    scheduled.job_id, scheduled.started_at = start.plan.commit_job_id, now
    return _finish(scheduled, ScheduledStatus.STARTED, _overridden_text(scheduled, start.plan))


def _override(scheduled: ScheduledChange) -> change_gates.Override | None:
    """The override given when the change was scheduled (re-checked by the commit: the admin
    must still be one, and it passes only the items they overrode)."""
    if not scheduled.overridden:
        return None
    reason = scheduled.override_reason or f"overridden when scheduled (change #{scheduled.pk})"
    return change_gates.Override(scheduled.override_by, reason, frozenset(scheduled.overridden))


def _overridden_text(scheduled: ScheduledChange, plan: Any) -> str:
    if not plan.overridden:
        return ""
    who = scheduled.override_by.get_username() if scheduled.override_by else "?"
    return f"Started on {who}'s override of: " + "; ".join(f.message for f in plan.overridden)


def _finish(scheduled: ScheduledChange, status: str, reason: str) -> str:
    scheduled.status, scheduled.reason = status, reason
    scheduled.save(update_fields=["status", "reason", "job", "started_at"])
    audit.record(
        f"change_{status}",
        customer_id=scheduled.customer_id,
        obj=scheduled,
        changes={"status": [ScheduledStatus.SCHEDULED, status], "reason": [None, reason]},
    )
    return "started" if status == ScheduledStatus.STARTED else str(status)
