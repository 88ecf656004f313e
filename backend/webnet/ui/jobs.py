"""Job pages: the filtered list, a job's detail (summary, results, live log), cancel and re-run.

Why partials: a running job changes under the page, so its summary, its result table and the
list's rows are small templates that HTMX re-fetches (polling while something runs, and on the
live-log island's `webnet:job-finished` event); the log itself streams through the island.
"""

import json
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from webnet.config_mgmt.redact import Redactor
from webnet.core import access
from webnet.devices.models import Device, DeviceGroup
from webnet.jobs import progress, registry
from webnet.jobs.models import Job, JobDeviceResult, JobLog, JobStatus
from webnet.jobs.services import JobService
from webnet.ui.clock import clock_props
from webnet.ui.crud import ScopedListView, ScopedMixin, active_customer, paginate, require, scoped
from webnet.ui.errors import get_or_404
from webnet.ui.forms.jobs import JobFilterSet
from webnet.ui.monitoring import states_of

RESULTS_PER_PAGE = 100
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobMixin(ScopedMixin):
    model = Job
    nav = "jobs"
    url_prefix = "job"
    title_plural = "Jobs"

    def get_job(self, pk: int) -> Job:
        """The job if visible in the active customer, else 404 (never 403)."""
        queryset = self.queryset("view").select_related("requested_by", "schedule", "rerun_of")
        return cast(Job, get_or_404(self.request, queryset, pk))


def kind_labels() -> dict[str, str]:
    return {kind.name: kind.label for kind in registry.all_kinds()}


class JobListView(JobMixin, ScopedListView):
    """Filter by kind, status and start date; the table polls itself while a job is active."""

    template_name = "jobs/list.html"
    table_template = "jobs/_job_table.html"

    def rows(self) -> QuerySet:
        jobs = self.queryset("view").select_related("requested_by", "schedule")
        self.filterset = JobFilterSet(self.request.GET, queryset=jobs)
        return self.filterset.qs if self.filterset.is_valid() else jobs.none()

    def extra_context(self) -> dict[str, Any]:
        labels = kind_labels()
        jobs = list(self.page.object_list)  # evaluates (and caches) the page's queryset
        for job in jobs:
            job.kind_label = labels.get(job.kind, job.kind)  # type: ignore[attr-defined]
        return {
            "filterset": self.filterset,
            "any_active": any(job.status in ACTIVE for job in jobs),
            "poll_url": self.request.get_full_path(),
        }


def _describe_targets(request: HttpRequest, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Targets as the user asked for them, with names (through the gate) instead of ids."""
    rows: list[dict[str, Any]] = []
    if spec.get("all"):
        rows.append({"label": "All", "text": "every enabled device"})
    if spec.get("devices"):
        devices = scoped(request, Device).filter(pk__in=spec["devices"]).order_by("hostname")
        links = [(reverse("ui:device_detail", args=[d.pk]), d.hostname) for d in devices]
        hidden = len(spec["devices"]) - len(links)
        rows.append({"label": "Devices", "links": links, "hidden": hidden})
    if spec.get("tags"):
        rows.append({"label": "Tags", "text": ", ".join(spec["tags"])})
    if spec.get("groups"):
        groups = scoped(request, DeviceGroup).filter(pk__in=spec["groups"]).order_by("name")
        links = [(reverse("ui:group_detail", args=[g.pk]), g.name) for g in groups]
        hidden = len(spec["groups"]) - len(links)
        rows.append({"label": "Groups", "links": links, "hidden": hidden})
    if spec.get("filter"):
        rows.append({"label": "Filter", "text": json.dumps(spec["filter"], sort_keys=True)})
    return rows


def summary_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    customer = active_customer(request)
    can_run = access.can(request.user, "job", "add", customer.pk)
    return {
        "job": job,
        "kind_label": kind_labels().get(job.kind, job.kind),
        "is_active": job.status in ACTIVE,
        "can_cancel": job.status in ACTIVE
        and not job.cancel_requested
        and access.can(request.user, "job", "cancel", customer.pk),
        "can_rerun": can_run,
        "can_rerun_failed": can_run and job.is_finished and job.succeeded < job.total,
        "targets": _describe_targets(request, job.targets),
        "params_json": json.dumps(
            Redactor(request.user).value(job.customer_id, job.params), indent=2, sort_keys=True
        )
        if job.params
        else "",
        "device_count": len(job.device_ids),
        "progress": progress.counts(_device_rows(request, job)),
    }


def _device_rows(request: HttpRequest, job: Job) -> list[progress.DeviceRow]:
    hostnames = dict(
        scoped(request, Device).filter(pk__in=job.device_ids).values_list("pk", "hostname")
    )
    return progress.device_rows(
        job,
        scoped(request, JobDeviceResult).filter(job=job).select_related("device"),
        scoped(request, JobLog).filter(job=job),
        hostnames,
    )


def results_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    """Every target device with its state (queued, running, done…) and readable output;
    configuration text in it (output, data, errors) is masked unless the user may see secrets."""
    page: Page = paginate(request, _device_rows(request, job), RESULTS_PER_PAGE)
    redactor = Redactor(request.user)
    for row in page.object_list:
        if row.result is not None:
            platform = row.result.device.platform if row.result.device else ""
            row.output, row.error_message, row.commands, row.data_json = redactor.value(
                job.customer_id,
                [row.output, row.error_message, row.commands, row.data_json],
                platform,
            )
    states = states_of(request, (row.device_id for row in page.object_list))
    return {
        "job": job,
        "results_page": page,
        "result_rows": [(row, states.get(row.device_id or 0)) for row in page.object_list],
        "is_active": job.status in ACTIVE,
    }


def _log_props(job: Job) -> dict[str, Any]:
    return {
        "jobId": job.pk,
        "wsPath": f"/ws/jobs/{job.pk}/",
        "logsUrl": reverse("api:job-logs", args=[job.pk]),
        "jobUrl": reverse("api:job-detail", args=[job.pk]),
        "finished": job.is_finished,
        "status": job.status,
        "clock": clock_props(),
    }


class JobDetailView(JobMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_job(pk)
        parts = {**summary_context(request, job), **results_context(request, job)}
        context = self.base_context(object=job, log_props=_log_props(job), **parts)
        return render(request, "jobs/detail.html", context)


class JobSummaryView(JobMixin, View):
    """The header partial; once it shows a finished job it tells the page (HX-Trigger)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_job(pk)
        response = render(request, "jobs/_job_summary.html", summary_context(request, job))
        if job.is_finished:
            response["HX-Trigger"] = "webnet:job-finished"
        patch_vary_headers(response, ["HX-Request"])
        return response


class JobResultsView(JobMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_job(pk)
        return render(request, "jobs/_results.html", results_context(request, job))


class JobCancelView(JobMixin, View):
    """GET asks for confirmation; POST asks the job to stop (operator)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_job(pk)
        require(request, "job", "cancel")
        return render(request, "jobs/confirm_cancel.html", self.base_context(job=job, object=job))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_job(pk)
        require(request, "job", "cancel")
        try:
            JobService.cancel(request.user, job)
        except ValidationError as exc:
            messages.info(request, f"Nothing to cancel: {' '.join(exc.messages)}.")
        else:
            messages.success(request, f"Cancellation of job {job.pk} requested.")
        return HttpResponseRedirect(reverse("ui:job_detail", args=[job.pk]))


class JobRerunView(JobMixin, View):
    """POST: a new job with the same inputs; `failed_only` keeps devices that did not succeed."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_job(pk)
        require(request, "job", "add")
        failed_only = request.POST.get("failed_only") in ("1", "true", "on")
        try:
            new = JobService.rerun(request.user, job, failed_only=failed_only)
        except ValidationError as exc:
            messages.error(request, f"Could not re-run: {' '.join(exc.messages)}.")
            return HttpResponseRedirect(reverse("ui:job_detail", args=[job.pk]))
        if new.kind == "config.preview":  # a deploy is re-run as a new plan, previewed afresh
            messages.success(
                request,
                f"A new preview of the change of job {job.pk}: review the diff, then confirm it.",
            )
            return HttpResponseRedirect(reverse("ui:plan_detail", args=[new.params["plan"]]))
        which = "failed devices of " if failed_only else ""
        messages.success(request, f"Job {new.pk} started: a re-run of {which}job {job.pk}.")
        return HttpResponseRedirect(reverse("ui:job_detail", args=[new.pk]))
