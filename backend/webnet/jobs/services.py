"""JobService: the front door of the job engine — create, cancel, rerun — and schedules.

create_job checks the role and resolves targets through the gate, then submits after commit.
append_log and set_status keep the seed's names: they store through `lifecycle` (the records,
which the runner uses directly on its own loop) and broadcast synchronously.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.core import access, audit, broadcasts, changes
from webnet.core.scrub import Scrubber
from webnet.customers.models import Customer
from webnet.jobs import executors, lifecycle, registry, targets
from webnet.jobs.cron import next_run
from webnet.jobs.lifecycle import LogEntry
from webnet.jobs.models import Job, JobLog, JobStatus, Schedule

MAX_CONCURRENCY = 1000


def clean_params(kind: registry.Kind, params: dict[str, Any]) -> dict[str, Any]:
    """The kind's own parameters, plus the runner's `concurrency` (sessions at once)."""
    if not isinstance(params, dict):
        raise ValidationError({"params": "must be an object"})
    params = dict(params)
    concurrency = params.pop("concurrency", None)
    clean = kind.clean_params(params)
    if concurrency is not None:
        if not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ValidationError({"concurrency": f"a whole number from 1 to {MAX_CONCURRENCY}"})
        clean["concurrency"] = concurrency
    return clean


def _resolve_targets(
    user: Any, customer: Customer, kind: registry.Kind, spec: Any
) -> tuple[Any, dict[int, str], list[str]]:
    """(the stored spec, device id → platform, host:port addresses), through the gate."""
    if kind.resolve_addresses is not None:
        found = kind.resolve_addresses(user, customer.pk, spec)
        if not found:
            raise ValidationError({"targets": "no address to probe in the ranges you may use"})
        return spec, {}, [registry.address_key(host, port) for host, port in found]
    clean_targets = targets.clean(spec)
    devices = dict(targets.resolve(user, customer.pk, clean_targets).values_list("pk", "platform"))
    if not devices:
        raise ValidationError({"targets": "no enabled device you may use matches"})
    return clean_targets, devices, []


def broadcast_status(job: Job) -> None:
    """Tell the job's page and the customer's live views about a status change."""
    message = broadcasts.job_status_message(job)
    broadcasts.send_sync(broadcasts.job_group(job.pk), message)
    broadcasts.send_sync(broadcasts.customer_group(job.customer_id), message)


class JobService:
    @staticmethod
    def create_job(
        user: Any,
        customer: Customer,
        kind: str,
        targets_spec: dict[str, Any],
        params: dict[str, Any] | None = None,
        *,
        schedule: Any = None,
        rerun_of: Job | None = None,
        submit: bool = True,
        owner: bool = False,
    ) -> Job:
        """Validate, resolve targets as `user`, store a queued job and submit it after commit.

        `owner=True` only from the service that owns a kind with `started_by` (deploy), after
        its own checks (a confirmed plan's hash); every other caller may not start such kinds.
        """
        if not access.can(user, "job", "add", customer.pk):
            raise PermissionDenied("Your role in this customer does not allow running jobs.")
        job_kind = registry.get(kind) if owner else registry.startable(kind)
        job_params = clean_params(job_kind, params or {})
        clean_targets, devices, addresses = _resolve_targets(user, customer, job_kind, targets_spec)
        if job_kind.check_platforms is not None:
            job_kind.check_platforms(job_params, set(devices.values()))
        device_ids = list(devices)
        with transaction.atomic():
            job = Job.objects.create(
                customer=customer,
                kind=job_kind.name,
                requested_by=user if user else None,
                schedule=schedule,
                rerun_of=rerun_of,
                targets=clean_targets,
                device_ids=sorted(device_ids),
                addresses=addresses,
                params=job_params,
                total=len(device_ids) + len(addresses),
            )
            job.target_devices.set(device_ids)
            audit.record(
                "create",
                actor=user,
                customer_id=customer.pk,
                obj=job,
                changes={
                    "kind": [None, job_kind.name],
                    "targets": [None, clean_targets],
                    "devices": [None, len(device_ids) + len(addresses)],
                },
            )
            if submit:
                transaction.on_commit(lambda: executors.submit(job.pk))
        return job

    @staticmethod
    def append_log(
        job: Job, entries: Iterable[LogEntry], scrub: Scrubber | None = None
    ) -> list[JobLog]:
        """Store lines (lifecycle.append_log), then broadcast them to the job's live views."""
        rows = lifecycle.append_log(job, entries, scrub)
        if rows:
            broadcasts.send_sync(
                broadcasts.job_group(job.pk),
                broadcasts.job_log_message([lifecycle.log_line(row) for row in rows]),
            )
        return rows

    @staticmethod
    def set_status(job: Job, status: str, **fields: Any) -> Job:
        """Move the job (lifecycle.set_status), then tell the job's and the customer's views."""
        lifecycle.set_status(job, status, **fields)
        broadcast_status(job)
        return job

    @staticmethod
    def cancel(user: Any, job: Job) -> Job:
        """Ask a job to stop: queued jobs end at once; running ones stop their sessions."""
        if not access.can(user, "job", "cancel", job.customer_id):
            raise PermissionDenied("Your role in this customer does not allow cancelling jobs.")
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            if locked.is_finished:
                raise ValidationError({"status": f"job is already {locked.status}"})
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
            locked.cancel_requested = True
            audit.record("cancel", actor=user, customer_id=locked.customer_id, obj=locked)
        if locked.status == JobStatus.QUEUED:
            JobService.set_status(locked, JobStatus.CANCELLED, cancelled=locked.total)
        return locked

    @staticmethod
    def rerun(user: Any, job: Job, failed_only: bool = False) -> Job:
        """A new job with the same inputs (optionally only the devices that did not succeed);
        a kind with its own `rerun` decides what re-running means."""
        spec, devices = job.targets, job.device_ids
        if failed_only:
            succeeded = set(
                job.results.filter(status="success").values_list("device_id", flat=True)
            )
            devices = [pk for pk in job.device_ids if pk not in succeeded]
            if not devices:
                raise ValidationError({"failed_only": "no device failed in this job"})
            spec = {"devices": devices}
        kind = registry.get(job.kind)
        if kind.rerun is not None:
            return kind.rerun(user, job, devices)
        return JobService.create_job(user, job.customer, job.kind, spec, job.params, rerun_of=job)


def _with_next_run(data: dict[str, Any], schedule: Schedule | None = None) -> dict[str, Any]:
    cron = data.get("cron", schedule.cron if schedule else "")
    enabled = data.get("enabled", schedule.enabled if schedule else True)
    data["next_run_at"] = next_run(cron, timezone.now()) if enabled else None
    return data


def create_schedule(actor: Any, data: dict[str, Any]) -> Schedule:
    """A schedule owned by its creator: it will run with the creator's permissions."""
    return changes.create(actor, Schedule, _with_next_run({**data, "owner": actor}))


def update_schedule(actor: Any, schedule: Schedule, data: dict[str, Any]) -> Schedule:
    return changes.update(actor, schedule, _with_next_run(dict(data), schedule))
