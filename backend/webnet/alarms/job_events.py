"""Job outcomes as events (a jobs.outcomes result listener, in the writer's transaction).

Each outcome names a condition whose later success clears it, so the alarm lasts as long as the
problem: a failed backup raises backup.failed and the next good backup clears it; a backup that
found an out-of-band change raises config.drift until a backup holds a deployed configuration; a
compliance rule that fails raises compliance.rule_failing (per rule) until it passes or is
waived; a deploy that had to roll back raises deploy.rolled_back until a deploy succeeds.
"""

from typing import Any

from webnet.alarms import conditions
from webnet.alarms.ingest import EventIn, record_events
from webnet.alarms.models import OPEN_STATES, Alarm
from webnet.compliance.evaluator import FAIL, PASS, WAIVED
from webnet.config_mgmt.models import ChangeKind
from webnet.jobs.registry import DeviceOutcome


def _event(
    job: Any,
    device: Any,
    condition: str,
    raised: bool,
    severity: str,
    message: str,
    resource: str = "",
    **data: Any,
) -> EventIn:
    return EventIn(
        job.customer_id,
        "job",
        device_id=device.pk,
        condition=condition,
        action="raise" if raised else "clear",
        severity=severity if raised else "info",
        message=message,
        resource=resource,
        data={"job": job.pk, "kind": job.kind, **data},
    )


def _backup(job: Any, device: Any, outcome: DeviceOutcome) -> list[EventIn]:
    if not outcome.ok:
        message = f"backup failed: {outcome.error_message or outcome.error_code}"
        return [_event(job, device, conditions.BACKUP_FAILED, True, "major", message)]
    items = [_event(job, device, conditions.BACKUP_FAILED, False, "", "backup succeeded")]
    kind = outcome.data.get("change_kind") if outcome.data.get("changed") else None
    if kind == ChangeKind.OUT_OF_BAND:
        message = "configuration changed out of band (not by a webnet deploy)"
        snapshot = outcome.data.get("snapshot")
        items.append(
            _event(
                job, device, conditions.CONFIG_DRIFT, True, "warning", message, snapshot=snapshot
            )
        )
    elif kind == ChangeKind.DEPLOY:
        items.append(_event(job, device, conditions.CONFIG_DRIFT, False, "", "deployed config"))
    return items


def _deploy(job: Any, device: Any, outcome: DeviceOutcome) -> list[EventIn]:
    plan = job.params.get("plan")
    if outcome.ok:
        return [_event(job, device, conditions.DEPLOY_ROLLED_BACK, False, "", "deploy succeeded")]
    if outcome.data.get("rollback_failed"):
        message = f"deploy failed and its rollback failed: {outcome.error_message}"
        return [
            _event(job, device, conditions.DEPLOY_ROLLED_BACK, True, "critical", message, plan=plan)
        ]
    if outcome.data.get("rolled_back"):
        message = f"deploy rolled back: {outcome.error_message}"
        return [
            _event(job, device, conditions.DEPLOY_ROLLED_BACK, True, "major", message, plan=plan)
        ]
    return []


COMPLIANCE_SEVERITY = {"low": "minor", "medium": "minor", "high": "major", "critical": "critical"}


def _compliance(job: Any, device: Any, outcome: DeviceOutcome) -> list[EventIn]:
    items = []
    for row in outcome.data.get("results") or []:
        if row["status"] not in (FAIL, PASS, WAIVED):
            continue  # an evaluation error says nothing about the configuration
        failing = row["status"] == FAIL
        resource = f"device:{device.pk}/compliance-rule:{row['rule']}"
        message = f"compliance rule {row['rule_name']}: {row['status']} {row['message']}".strip()
        severity = COMPLIANCE_SEVERITY.get(row["severity"], "minor")
        items.append(
            _event(
                job,
                device,
                conditions.COMPLIANCE_FAILING,
                failing,
                severity,
                message,
                resource,
                policy=row["policy"],
                rule=row["rule"],
            )
        )
    return items


BY_KIND = {"config.backup": _backup, "config.deploy": _deploy, "compliance.check": _compliance}


def record_job_outcomes(job: Any, items: list[tuple[Any, DeviceOutcome]]) -> None:
    events = BY_KIND.get(job.kind)
    if events is None:
        return
    batch = [event for device, outcome in items for event in events(job, device, outcome)]
    batch = _without_idle_clears(job.customer_id, batch)
    if batch:
        record_events(batch)


def _key(item: EventIn) -> str:
    resource = item.resource or conditions.resource_of(item.device_id, None, "", "")
    return f"{resource}|{item.condition}"


def _without_idle_clears(customer_id: int, batch: list[EventIn]) -> list[EventIn]:
    """Every good backup would clear backup.failed: store a clear only where an alarm is open
    (one query), so a routine job of a thousand devices does not write a thousand events."""
    clears = {_key(item) for item in batch if item.action == "clear"}
    if not clears:
        return batch
    open_keys = set(
        Alarm.objects.for_customer(customer_id)
        .filter(dedup_key__in=clears, state__in=OPEN_STATES)
        .values_list("dedup_key", flat=True)
    )
    return [item for item in batch if item.action != "clear" or _key(item) in open_keys]
