"""Compliance results: overview (score, trend, what fails), a run's results, a device's
compliance with its remediation preview, and the "Run compliance" button (operator)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.compliance import reports, runs
from webnet.compliance.models import (
    CompliancePolicy,
    ComplianceResult,
    ComplianceRun,
    ComplianceWaiver,
    ResultStatus,
)
from webnet.compliance.redact import Redactor
from webnet.compliance.remediation import remediation_lines
from webnet.core import access
from webnet.devices.models import Device
from webnet.jobs.services import JobService
from webnet.ui.crud import active_customer, paginate, require, scoped
from webnet.ui.errors import get_or_404

SPARK_WIDTH, SPARK_HEIGHT = 240, 48


def sparkline(scores: list[float | None]) -> str:
    """SVG polyline points for scores 0–100 (gaps skipped), drawn server-side: no script."""
    values = [s for s in scores if s is not None]
    if len(values) < 2:
        return ""
    step = SPARK_WIDTH / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - value / 100 * SPARK_HEIGHT:.1f}"
        for i, value in enumerate(values)
    )


def _redacted(request: HttpRequest, results: Any) -> list[ComplianceResult]:
    """Rows to render, with quoted secrets masked for users who may not see them (not saved)."""
    redactor = Redactor(request.user)
    rows = list(results)
    for row in rows:
        row.message, row.details = redactor.result(row.customer_id, row.message, row.details)
    return rows


def _can(request: HttpRequest, resource: str, action: str) -> bool:
    return access.can(request.user, resource, action, active_customer(request).pk)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    runs = scoped(request, ComplianceRun)
    summary = reports.summary(runs, scoped(request, ComplianceResult))
    context = {
        "nav": "compliance",
        "summary": summary,
        "spark": sparkline([row["score"] for row in summary["trend"]]),
        "spark_width": SPARK_WIDTH,
        "spark_height": SPARK_HEIGHT,
        "recent_runs": runs.select_related("job").order_by("-started_at", "-id")[:10],
        "policy_count": scoped(request, CompliancePolicy).filter(enabled=True).count(),
        "can_run": _can(request, "job", "add"),
        "can_schedule": _can(request, "schedule", "add"),
    }
    return render(request, "compliance/overview.html", context)


@login_required
@require_POST
def run_compliance(request: HttpRequest) -> HttpResponse:
    """Start a compliance job on every enabled device of the active customer."""
    require(request, "job", "add")
    params = {"fresh": request.POST.get("fresh") == "on"}
    try:
        job = JobService.create_job(
            request.user, active_customer(request), "compliance.check", {"all": True}, params
        )
    except ValidationError as exc:
        messages.error(request, f"Could not start compliance: {' '.join(exc.messages)}.")
        return HttpResponseRedirect(reverse("ui:compliance_overview"))
    messages.success(request, f"Compliance run queued (job {job.pk}).")
    return HttpResponseRedirect(reverse("ui:job_detail", args=[job.pk]))


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_or_404(request, scoped(request, ComplianceRun).select_related("job"), pk)
    results = scoped(request, ComplianceResult).filter(run=run).select_related("device", "policy")
    status = request.GET.get("status", "")
    if status in ResultStatus.values:
        results = results.filter(status=status)
    page = paginate(request, results.order_by("device__hostname", "rule_name"), 100)
    page.object_list = _redacted(request, page.object_list)
    context = {
        "nav": "compliance",
        "run": run,
        "page": page,
        "status": status,
        "statuses": ResultStatus.values,
    }
    return render(request, "compliance/run.html", context)


def _remediation(
    request: HttpRequest, device: Device, results: list[ComplianceResult]
) -> dict[str, Any]:
    """Fix lines to show, and the query that prefills a change with them — only when nothing
    was masked, so a masked secret can never end up in a deployed change."""
    try:
        lines = remediation_lines(device, results)
    except ValidationError as exc:
        return {"lines": [], "error": " ".join(exc.messages), "change_query": ""}
    shown = Redactor(request.user).lines(device.customer_id, lines)
    query = {"device": device.pk, "name": f"compliance fix {device.hostname}"}
    if shown == lines:
        query["lines"] = "\n".join(lines)
    return {"lines": shown, "error": "", "change_query": urlencode(query)}


@login_required
def device_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(scoped(request, Device), pk=pk)
    history = reports.device_history(
        device, scoped(request, ComplianceRun), scoped(request, ComplianceResult)
    )
    failing = [r for r in history["results"] if r.status == ResultStatus.FAIL]
    history["results"] = _redacted(request, history["results"])
    waivers = scoped(request, ComplianceWaiver).filter(device=device).select_related("rule__policy")
    context = {
        "nav": "devices",
        "device": device,
        "history": history,
        "in_scope": bool(runs.policies_for(device)),
        "spark": sparkline([row["score"] for row in history["scores"]]),
        "spark_width": SPARK_WIDTH,
        "spark_height": SPARK_HEIGHT,
        "remediation": _remediation(request, device, failing) if failing else {},
        "waivers": waivers,
        "can_waive": _can(request, "compliancewaiver", "add"),
        "can_deploy": _can(request, "job", "add"),
    }
    return render(request, "compliance/device.html", context)
