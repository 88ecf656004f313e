"""The records of a job: its log lines (gap-free `seq`) and its status.

This layer only stores. Callers broadcast: the runner on its own event loop, JobService (the
seed's names) synchronously from request threads. Nothing here submits or runs a job.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from webnet.core.scrub import Scrubber
from webnet.jobs import registry
from webnet.jobs.models import Job, JobLog, JobStatus, LogLevel


@dataclass
class LogEntry:
    message: str
    level: str = LogLevel.INFO
    device_id: int | None = None
    hostname: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    time: datetime = field(default_factory=timezone.now)


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


def append_log(
    job: Job, entries: Iterable[LogEntry], scrub: Scrubber | None = None
) -> list[JobLog]:
    """Store lines with the job's next seq numbers (gap-free under concurrent writers)."""
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
    return rows


FINAL_STATUSES = (JobStatus.SUCCESS, JobStatus.PARTIAL, JobStatus.FAILED, JobStatus.CANCELLED)


def set_status(job: Job, status: str, **fields: Any) -> Job:
    """Move the job to `status` (with timestamps); a final status runs the kind's on_finish."""
    now = timezone.now()
    updates: dict[str, Any] = {"status": status, **fields}
    if status == JobStatus.RUNNING and job.started_at is None:
        updates["started_at"] = now
    if status in FINAL_STATUSES:
        updates.setdefault("finished_at", now)
        updates["lease_expires_at"] = None
    Job.objects.filter(pk=job.pk).update(**updates)
    for name, value in updates.items():
        setattr(job, name, value)
    on_finish = registry.get(job.kind).on_finish
    if on_finish is not None and job.is_finished:
        on_finish(job)
    return job
