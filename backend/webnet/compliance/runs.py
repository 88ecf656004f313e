"""The database side of a compliance job: what a device is checked against, and storing results.

`prepare` runs in the job runner's database thread and hands the (ORM-free) handler plain
data; `store_results` is the kind's persist step. Scores: a device's is passed / applicable rules
(waived rules are not applicable), a run's is over all its results, plus one weighted by severity.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from webnet.compliance.evaluator import score, weighted_score
from webnet.compliance.models import (
    CompliancePolicy,
    ComplianceResult,
    ComplianceRun,
    ResultStatus,
)
from webnet.compliance.services import active_waivers_of
from webnet.config_mgmt.snapshots import newest_snapshots
from webnet.devices.groups import member_ids
from webnet.devices.models import Device
from webnet.jobs.registry import DeviceOutcome, DeviceTarget


def applies(
    policy: CompliancePolicy,
    device: Device,
    tag_ids: set[int],
    members: dict[int, set[int]] | None = None,
) -> bool:
    """Scope: every non-empty dimension (platforms, tags, groups) must match (any of its values).

    `members` (group id → device ids) lets a job compute each group's members once.
    """
    if policy.platforms and device.platform not in policy.platforms:
        return False
    policy_tags = {tag.pk for tag in policy.tags.all()}
    if policy_tags and not policy_tags & tag_ids:
        return False
    groups = list(policy.groups.all())
    if members is None:
        members = {group.pk: set(member_ids(group)) for group in groups}
    return not groups or any(device.pk in members[group.pk] for group in groups)


def _policies(customer_id: int, policy_ids: list[int] | None) -> list[CompliancePolicy]:
    policies = CompliancePolicy.objects.for_customer(customer_id).prefetch_related(
        "tags", "groups", "rules"
    )
    policies = policies.filter(pk__in=policy_ids) if policy_ids else policies.filter(enabled=True)
    return list(policies)


def policies_for(device: Device, policy_ids: list[int] | None = None) -> list[CompliancePolicy]:
    tag_ids = set(device.tags.values_list("pk", flat=True))
    return [p for p in _policies(device.customer_id, policy_ids) if applies(p, device, tag_ids)]


def _plain(policy: CompliancePolicy) -> dict[str, Any]:
    return {
        "id": policy.pk,
        "name": policy.name,
        "rules": [
            {
                "id": rule.pk,
                "name": rule.name,
                "kind": rule.kind,
                "parameters": rule.parameters,
                "severity": rule.severity,
                "context": rule.context,
            }
            for rule in policy.rules.all()
        ],
    }


def prepare(job: Any, targets: list[DeviceTarget], scrubber: Any) -> dict[str, dict[str, Any]]:
    """Per device, as plain data: the applicable policies and rules (loaded once per job), the
    latest snapshot and the active waivers. `fresh` or no snapshot → the handler reads the
    running configuration; otherwise it evaluates the snapshot without opening a session."""
    device_ids = [target.id for target in targets if target.id is not None]
    devices = (
        Device.objects.for_customer(job.customer_id)
        .filter(pk__in=device_ids)
        .prefetch_related("tags")
    )
    policies = _policies(job.customer_id, job.params.get("policies"))
    members = {
        group.pk: set(member_ids(group)) for policy in policies for group in policy.groups.all()
    }
    plain = {policy.pk: _plain(policy) for policy in policies}
    snapshots = {
        row["device_id"]: row
        for row in newest_snapshots(job.customer_id, device_ids).values("id", "device_id", "text")
    }
    waivers = active_waivers_of(job.customer_id, device_ids)
    inputs: dict[str, dict[str, Any]] = {}
    for device in devices:
        tag_ids = {tag.pk for tag in device.tags.all()}
        applicable = [plain[p.pk] for p in policies if applies(p, device, tag_ids, members)]
        snapshot = snapshots.get(device.pk)
        inputs[str(device.pk)] = {
            "policies": applicable,
            "snapshot": None if job.params.get("fresh") else snapshot,
            "waivers": waivers.get(device.pk, {}),
        }
    return inputs


def needs_running_config(inputs: Any) -> bool:
    """A session only when there is something to check and no snapshot to check it on."""
    return bool(inputs and inputs["policies"] and inputs["snapshot"] is None)


def _run_for(job: Any) -> ComplianceRun:
    run = ComplianceRun.objects.for_customer(job.customer_id).filter(job=job).first()
    if run is not None:
        return run
    try:
        with transaction.atomic():
            return ComplianceRun.objects.create(customer_id=job.customer_id, job=job)
    except IntegrityError:  # another chunk of the same job created it first
        return ComplianceRun.objects.for_customer(job.customer_id).get(job=job)


def store_results(job: Any, device: Device, outcome: DeviceOutcome) -> list[dict]:
    """One result row per rule; the scores are computed once, when the job ends."""
    run = _run_for(job)
    rows = outcome.data.pop("results", [])
    # Only a device some policy covers can fail: prepare gives an out-of-scope device no
    # policies, so it needs no session and ends "not applicable" (no row, never a 0.0 score).
    if not outcome.ok:
        rows = [
            {
                "policy": None,
                "rule": None,
                "rule_name": "(device)",
                "severity": "medium",
                "status": ResultStatus.ERROR,
                "message": f"{outcome.error_code}: {outcome.error_message}",
                "details": {},
            }
        ]
    ComplianceResult.objects.bulk_create(
        ComplianceResult(
            customer_id=job.customer_id,
            run=run,
            device=device,
            policy_id=row["policy"],
            rule_id=row["rule"],
            rule_name=row["rule_name"][:100],
            severity=row["severity"],
            status=row["status"],
            message=row["message"],
            details=row["details"],
        )
        for row in rows
    )
    return []


def finish_run(job: Any) -> None:
    """The device and run scores from every result row, once (chunks never overwrite each other)."""
    run = ComplianceRun.objects.for_customer(job.customer_id).filter(job=job).first()
    if run is None:
        return
    results = ComplianceResult.objects.for_customer(job.customer_id).filter(run=run)
    rows = list(results.values_list("device_id", "status", "severity"))
    by_device: dict[int, list[str]] = {}
    for device_id, status, _ in rows:
        by_device.setdefault(device_id, []).append(status)
    run.device_scores = {str(pk): score(statuses) for pk, statuses in by_device.items()}
    run.score = score(status for _, status, _ in rows)
    run.weighted_score = weighted_score((status, severity) for _, status, severity in rows)
    run.finished_at = timezone.now()
    run.save(update_fields=["device_scores", "score", "weighted_score", "finished_at"])
