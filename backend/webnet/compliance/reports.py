"""Read models for the results overview: a customer's score, its trend, what fails where.

Callers pass querysets already narrowed by the gate (`restrict(user, "view")`), so these
functions never decide who sees what.
"""

from typing import Any

from django.db.models import Count, Q, QuerySet

from webnet.compliance.models import ComplianceResult, ComplianceRun, ResultStatus
from webnet.devices.models import Device

TREND_RUNS = 20


def trend(runs: QuerySet[ComplianceRun], limit: int = TREND_RUNS) -> list[dict[str, Any]]:
    """The last `limit` runs, oldest first (what a sparkline draws)."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in runs.order_by("-started_at", "-id").values(
            "id", "job_id", "started_at", "finished_at", "score", "weighted_score"
        )[:limit]
    ]
    return rows[::-1]


def failing_devices(run: ComplianceRun, results: QuerySet[ComplianceResult]) -> list[dict]:
    rows = (
        results.filter(run=run)
        .values("device_id", "device__hostname")
        .annotate(
            failed=Count("id", filter=Q(status=ResultStatus.FAIL)),
            errors=Count("id", filter=Q(status=ResultStatus.ERROR)),
        )
        .filter(Q(failed__gt=0) | Q(errors__gt=0))
        .order_by("-failed", "device__hostname")
    )
    return [
        {
            "device": row["device_id"],
            "hostname": row["device__hostname"],
            "failed": row["failed"],
            "errors": row["errors"],
            "score": run.device_scores.get(str(row["device_id"])),
        }
        for row in rows
    ]


def failing_rules(run: ComplianceRun, results: QuerySet[ComplianceResult]) -> list[dict]:
    rows = (
        results.filter(run=run, status=ResultStatus.FAIL)
        .values("rule_id", "rule_name", "severity", "policy__name")
        .annotate(devices=Count("device", distinct=True))
        .order_by("-devices", "rule_name")
    )
    return [
        {
            "rule": row["rule_id"],
            "rule_name": row["rule_name"],
            "policy": row["policy__name"],
            "severity": row["severity"],
            "devices": row["devices"],
        }
        for row in rows
    ]


def summary(runs: QuerySet[ComplianceRun], results: QuerySet[ComplianceResult]) -> dict[str, Any]:
    """Latest score, trend, and the failing devices and rules of the latest run."""
    latest = runs.order_by("-started_at", "-id").first()
    if latest is None:
        return {"latest_run": None, "score": None, "weighted_score": None, "trend": []}
    return {
        "latest_run": latest.pk,
        "score": latest.score,
        "weighted_score": latest.weighted_score,
        "trend": trend(runs),
        "failing_devices": failing_devices(latest, results),
        "failing_rules": failing_rules(latest, results),
    }


def device_history(
    device: Device, runs: QuerySet[ComplianceRun], results: QuerySet[ComplianceResult]
) -> dict[str, Any]:
    """A device's results in its latest run, and its score per run (for the device page)."""
    recent = list(
        runs.filter(results__device=device).distinct().order_by("-started_at", "-id")[:TREND_RUNS]
    )
    if not recent:
        return {"run": None, "results": [], "scores": []}
    scores = [
        {
            "run": run.pk,
            "started_at": run.started_at,
            "score": run.device_scores.get(str(device.pk)),
        }
        for run in reversed(recent)
    ]
    latest = recent[0]
    rows = (
        results.filter(device=device, run=latest)
        .select_related("rule", "policy")
        .order_by("status", "rule_name")
    )
    return {"run": latest, "results": list(rows), "scores": scores}
