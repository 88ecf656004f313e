"""JobService: the one way jobs are created, logged and moved through their lifecycle.

create_job checks the role and resolves targets through the gate; append_log gives each line the
next `seq` of its job, scrubs secrets, bulk-inserts and then broadcasts; set_status moves the job
and tells the customer's live views.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.core import access, audit, broadcasts, changes
from webnet.core.scrub import Scrubber
from webnet.customers.models import Customer
from webnet.jobs import registry, targets
from webnet.jobs.cron import next_run
from webnet.jobs.models import Job, JobLog, JobStatus, LogLevel, Schedule


@dataclass
class LogEntry:
    message: str
    level: str = LogLevel.INFO
    device_id: int | None = None
    hostname: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    time: datetime = field(default_factory=timezone.now)


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


def log_line(entry: JobLog) -> dict[str, Any]:
    """The wire form of a stored line (REST and WebSocket alike)."""
    return {
        "seq": entry.seq,
        "time": entry.time.isoformat(),
        "level": entry.level,
        "device": entry.device_id,
        "hostname": entry.hostname,
        "message": entry.message,
        "extra": entry.extra,
    }


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
        clean_targets = targets.clean(targets_spec)
        job_params = clean_params(job_kind, params or {})
        devices = dict(
            targets.resolve(user, customer.pk, clean_targets).values_list("pk", "platform")
        )
        if not devices:
            raise ValidationError({"targets": "no enabled device you may use matches"})
        if job_kind.check_platforms is not None:
            job_kind.check_platforms(job_params, set(devices.values()))
        device_ids = list(devices)
        with transaction.atomic():
            job = Job.objects.create(
                customer=customer,
                kind=kind,
                requested_by=user if user else None,
                schedule=schedule,
                rerun_of=rerun_of,
                targets=clean_targets,
                device_ids=sorted(device_ids),
                params=job_params,
                total=len(device_ids),
            )
            audit.record(
                "create",
                actor=user,
                customer_id=customer.pk,
                obj=job,
                changes={
                    "kind": [None, kind],
                    "targets": [None, clean_targets],
                    "devices": [None, len(device_ids)],
                },
            )
            if submit:
                from webnet.jobs.executors import submit as submit_job

                transaction.on_commit(lambda: submit_job(job.pk))
        return job

    @staticmethod
    def append_log(
        job: Job,
        entries: Iterable[LogEntry],
        scrub: Scrubber | None = None,
        broadcast: bool = True,
    ) -> list[JobLog]:
        """Store lines with the job's next seq numbers (gap-free), then broadcast them.

        The async runner passes broadcast=False and sends on its own event loop.
        """
        entries = list(entries)
        if not entries:
            return []
        scrub = scrub or Scrubber()
        with transaction.atomic():
            locked = Job.objects.select_for_update().only("log_seq").get(pk=job.pk)
            first = locked.log_seq + 1
            Job.objects.filter(pk=job.pk).update(log_seq=locked.log_seq + len(entries))
            rows = [
                JobLog(
                    customer_id=job.customer_id,
                    job_id=job.pk,
                    seq=first + index,
                    time=entry.time,
                    level=entry.level,
                    device_id=entry.device_id,
                    hostname=entry.hostname,
                    message=scrub(entry.message),
                    extra=scrub.deep(entry.extra),
                )
                for index, entry in enumerate(entries)
            ]
            JobLog.objects.bulk_create(rows)
        job.log_seq = first + len(entries) - 1
        if broadcast:
            broadcasts.send_sync(
                broadcasts.job_group(job.pk),
                broadcasts.job_log_message([log_line(row) for row in rows]),
            )
        return rows

    @staticmethod
    def set_status(job: Job, status: str, broadcast: bool = True, **fields: Any) -> Job:
        """Move the job to `status` (with timestamps) and tell live views."""
        now = timezone.now()
        updates: dict[str, Any] = {"status": status, **fields}
        if status == JobStatus.RUNNING and job.started_at is None:
            updates["started_at"] = now
        if status in (JobStatus.SUCCESS, JobStatus.PARTIAL, JobStatus.FAILED, JobStatus.CANCELLED):
            updates.setdefault("finished_at", now)
            updates["lease_expires_at"] = None
        Job.objects.filter(pk=job.pk).update(**updates)
        for name, value in updates.items():
            setattr(job, name, value)
        on_finish = registry.get(job.kind).on_finish
        if on_finish is not None and job.is_finished:
            on_finish(job)
        if broadcast:
            message = broadcasts.job_status_message(job)
            broadcasts.send_sync(broadcasts.job_group(job.pk), message)
            broadcasts.send_sync(broadcasts.customer_group(job.customer_id), message)
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
        """A new job with the same inputs (optionally only the devices that did not succeed)."""
        spec = job.targets
        if failed_only:
            succeeded = set(
                job.results.filter(status="success").values_list("device_id", flat=True)
            )
            failed = [pk for pk in job.device_ids if pk not in succeeded]
            if not failed:
                raise ValidationError({"failed_only": "no device failed in this job"})
            spec = {"devices": failed}
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
