"""Escalation runs: steps as rows with `due_at`, fired by the tick exactly once.

A step is claimed (a token and a lease, under `select_for_update(skip_locked)` where the database
has it; SQLite's IMMEDIATE transactions serialise the claim) and then fired in its own
transaction that re-checks the claim, marks it fired and enqueues the page in the outbox — so it
fires once or not at all. A tick that dies between claim and fire leaves a lease that expires
(LEASE_SECONDS), and the next tick fires the step. A tick claims in batches (BATCH) small
enough to fire well within a lease, so a killed worker delays only its last batch, by the lease.
A step with nobody to page (nobody on call) is held and flagged, and fires on the first tick
someone is. Stopping a run (acknowledge, pause, resolve) cancels its pending and held steps in
the caller's transaction.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from webnet.core import access
from webnet.incidents import schedules
from webnet.incidents.log import append_event
from webnet.incidents.models import (
    EscalationRun,
    EscalationRunStep,
    EventKind,
    Incident,
    RunState,
    RunStepStatus,
    TargetKind,
)
from webnet.notifications import outbox

LEASE_SECONDS = 10  # a tick that died mid-fire delays its steps by at most this (plus a tick)
BATCH = 20  # steps claimed at a time: firing one takes a few seconds on a loaded machine
WAITING = (RunStepStatus.PENDING, RunStepStatus.HELD)
PRIORITY_SEVERITY = {"p1": "critical", "p2": "major", "p3": "minor", "p4": "warning"}


def _log(incident: Incident, value: str, at: datetime, **data: Any) -> None:
    append_event(incident, EventKind.ESCALATION, value, at=at, data=data)


def start_run(incident: Incident, at: datetime) -> EscalationRun | None:
    """A new run of the incident's chain, one step row per chain step (waits add up)."""
    chain = incident.escalation_chain
    if chain is None or incident.escalation_runs.filter(state=RunState.ACTIVE).exists():
        return None
    generation = (incident.escalation_runs.aggregate(g=Max("generation"))["g"] or 0) + 1
    run = EscalationRun.objects.create(
        customer_id=incident.customer_id,
        incident=incident,
        chain=chain,
        generation=generation,
        started_at=at,
    )
    due = at
    rows = []
    for step in chain.steps.order_by("position"):
        due += timedelta(seconds=step.wait_seconds)
        rows.append(
            EscalationRunStep(
                customer_id=incident.customer_id,
                run=run,
                step=step,
                position=step.position,
                due_at=due,
            )
        )
    EscalationRunStep.objects.bulk_create(rows)
    _log(incident, "started", at, run=generation, chain=chain.name)
    return run


def stop_runs(incident: Incident, at: datetime, reason: str) -> int:
    """Stop every active run and cancel its waiting steps (claimed ones too); returns how many
    steps were cancelled."""
    runs = incident.escalation_runs.filter(state=RunState.ACTIVE)
    if not runs.exists():
        return 0
    cancelled = EscalationRunStep.objects.filter(run__in=runs, status__in=WAITING).update(
        status=RunStepStatus.CANCELLED, claim_token=None, claimed_until=None
    )
    runs.update(state=RunState.STOPPED, stopped_at=at, stop_reason=reason[:40])
    _log(incident, "stopped", at, reason=reason, cancelled=cancelled)
    return cancelled


def _lock(rows: QuerySet) -> QuerySet:
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True, of=("self",))
    return rows


def _claimable(now: datetime) -> Q:
    return Q(status__in=WAITING, due_at__lte=now, run__state=RunState.ACTIVE) & (
        Q(claim_token__isnull=True) | Q(claimed_until__lt=now)
    )


def claim(now: datetime, limit: int = BATCH, skip: Iterable[int] = ()) -> uuid.UUID:
    """Take up to `limit` due steps (not in `skip`) for this tick: a token and a lease on each."""
    token = uuid.uuid4()
    # a long tick's later batches are leased from when they are claimed, not from its start
    lease = max(now, timezone.now()) + timedelta(seconds=LEASE_SECONDS)
    with transaction.atomic():
        due = EscalationRunStep.objects.filter(_claimable(now)).exclude(pk__in=list(skip))
        due = due.order_by("due_at", "pk")
        ids = list(_lock(due.values_list("pk", flat=True))[:limit])
        EscalationRunStep.objects.filter(_claimable(now), pk__in=ids).update(
            claim_token=token, claimed_until=lease
        )
    return token


def targets(row: EscalationRunStep, now: datetime) -> list[Any]:
    """Who this step pages now: its user, its team's members, or whoever is on call — each
    active and still able to see the incident's customer."""
    step = row.step
    if step is None:
        return []
    if step.target_kind == TargetKind.USER:
        people = [step.user] if step.user is not None else []
    elif step.target_kind == TargetKind.TEAM:
        people = list(step.team.members.all()) if step.team is not None else []
    else:
        on_call = schedules.on_call_user(step.schedule, now) if step.schedule else None
        people = [on_call] if on_call is not None else []
    return [p for p in people if p.is_active and access.can(p, "incident", "view", row.customer_id)]


def page_key(row: EscalationRunStep) -> str:
    return f"incident:{row.run.incident_id}:run{row.run.generation}:step{row.position}"


def _fire_one(row_id: int, token: uuid.UUID, now: datetime) -> str:
    """Fire (or hold) one claimed step; "" when the claim was lost (cancelled, re-claimed).

    The incident is locked before the step, the order the services take them in (an
    acknowledgement locks the incident, then cancels its steps): the other order deadlocks."""
    incident_id = EscalationRunStep.objects.filter(pk=row_id).values("run__incident_id")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk__in=incident_id).first()
        row = (
            EscalationRunStep.objects.select_for_update(of=("self",))
            .filter(pk=row_id, claim_token=token, status__in=WAITING)
            .select_related("run__incident__customer", "step__user", "step__team", "step__schedule")
            .first()
        )
        if row is None or incident is None:
            return ""
        people = targets(row, now)
        if not people:
            first_hold = row.status != RunStepStatus.HELD
            row.status = RunStepStatus.HELD
            row.held_since = row.held_since or now
            row.held_reason = "nobody to notify (nobody on call)"
            row.claim_token = row.claimed_until = None
            row.save()
            if first_hold:
                _log(incident, "held", now, step=row.position, reason=row.held_reason)
            return "held"
        row.outbox_key = page_key(row)
        outbox.enqueue(
            customer=incident.customer,
            topic="incident",
            key=row.outbox_key,
            state="firing",
            severity=PRIORITY_SEVERITY.get(incident.priority, "major"),
            title=f"INC-{incident.number} {incident.title}",
            payload={
                "incident": incident.pk,
                "number": incident.number,
                "priority": incident.priority,
                "status": incident.status,
                "step": row.position,
            },
            page=people,
        )
        row.status = RunStepStatus.FIRED
        row.fired_at = now
        row.claim_token = row.claimed_until = None
        row.save()
        row.notified.set(people)
        _log(
            incident,
            "fired",
            now,
            step=row.position,
            notified=[p.get_username() for p in people],
        )
        if not row.run.steps.filter(status__in=WAITING).exists():
            row.run.state = RunState.DONE
            row.run.save(update_fields=["state"])
        return "fired"


def tick(now: datetime | None = None) -> dict[str, int]:
    """The periodic escalation pass: claim a batch of due steps, fire (or hold) each, until none
    is left that this tick has not tried (a held step waits for the next tick)."""
    now = now or timezone.now()
    result = {"fired": 0, "held": 0}
    tried: set[int] = set()
    while True:
        token = claim(now, skip=tried)
        batch = list(
            EscalationRunStep.objects.filter(claim_token=token).values_list("pk", flat=True)
        )
        if not batch:
            return result
        tried.update(batch)
        for row_id in batch:
            outcome = _fire_one(row_id, token, now)
            if outcome:
                result[outcome] += 1
