"""Cron schedules and the reaper, both driven by one idempotent `tick()`.

The embedded server calls tick() on a timer; Celery beat calls it when scaled out. A schedule
fires by moving its next_run_at forward with a conditional UPDATE: of two ticks in the same
minute (or on two machines) exactly one wins and starts the job. The job runs with the
schedule owner's permissions, resolved when it fires.
"""

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.core import audit
from webnet.devices.models import Device
from webnet.jobs import periodic
from webnet.jobs.cron import next_run
from webnet.jobs.models import Job, JobDeviceResult, JobStatus, ResultStatus, Schedule
from webnet.jobs.services import JobService

logger = logging.getLogger("webnet.jobs")


def _fire(schedule: Schedule, now: datetime) -> Job | None:
    claimed = Schedule.objects.filter(pk=schedule.pk, next_run_at=schedule.next_run_at).update(
        next_run_at=next_run(schedule.cron, now), last_run_at=now
    )
    if not claimed:
        return None  # another tick got it
    try:
        job = JobService.create_job(
            schedule.owner,
            schedule.customer,
            schedule.kind,
            schedule.targets,
            schedule.params,
            schedule=schedule,
        )
    except (PermissionDenied, ValidationError) as exc:
        logger.warning("schedule %s did not start: %s", schedule.pk, exc)
        audit.record(
            "schedule_failed",
            actor=schedule.owner,
            customer_id=schedule.customer_id,
            obj=schedule,
            changes={"error": [None, str(exc)[:500]]},
        )
        return None
    Schedule.objects.filter(pk=schedule.pk).update(last_job=job)
    return job


def run_due_schedules(now: datetime) -> list[Job]:
    started = []
    due = Schedule.objects.filter(enabled=True, next_run_at__lte=now).select_related(
        "owner", "customer"
    )
    for schedule in due:
        with transaction.atomic():
            job = _fire(schedule, now)
        if job is not None:
            started.append(job)
    return started


def reap(now: datetime) -> list[int]:
    """Fail running jobs whose lease expired (their worker died). Never re-run them."""
    reaped = []
    for job in Job.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now):
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            if locked.status != JobStatus.RUNNING or locked.lease_expires_at >= now:
                continue
            done = set(
                JobDeviceResult.objects.for_customer(locked.customer_id)
                .filter(job=locked)
                .values_list("device_id", flat=True)
            )
            lost = [pk for pk in locked.device_ids if pk not in done]
            names = dict(
                Device.objects.for_customer(locked.customer_id)
                .filter(pk__in=lost)
                .values_list("pk", "hostname")
            )
            JobDeviceResult.objects.bulk_create(
                [
                    JobDeviceResult(
                        customer_id=locked.customer_id,
                        job=locked,
                        device_id=pk if pk in names else None,
                        hostname=names.get(pk, f"#{pk}"),
                        status=ResultStatus.FAILED,
                        error_code="worker_lost",
                        error_message="the worker running this device stopped",
                    )
                    for pk in lost
                ]
            )
            succeeded = (
                JobDeviceResult.objects.for_customer(locked.customer_id)
                .filter(job=locked, status=ResultStatus.SUCCESS)
                .count()
            )
            status = JobStatus.PARTIAL if succeeded else JobStatus.FAILED
            JobService.set_status(
                locked,
                status,
                failed=locked.total - succeeded,
                summary={**locked.summary, "reaped": True, "lost": len(lost)},
            )
        reaped.append(job.pk)
    return reaped


def tick(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    jobs = run_due_schedules(now)
    return {
        "started": [job.pk for job in jobs],
        "reaped": reap(now),
        "periodic": periodic.run_all(now),
    }
