"""Buffered job output: log lines and device results go to the database in batches.

The runner calls `log()` and `result()` from many device coroutines; a flusher writes every
FLUSH_INTERVAL seconds (or when the buffer is large) in the database thread, then broadcasts the
stored lines — with their seq — on the runner's loop.
"""

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from webnet.core import broadcasts
from webnet.devices.models import Device, DeviceStatus
from webnet.drivers import HostKey
from webnet.jobs import lifecycle, outcomes
from webnet.jobs.dbthread import run_db
from webnet.jobs.hostkeys import pin_host_keys
from webnet.jobs.lifecycle import LogEntry, log_line
from webnet.jobs.models import Job, JobDeviceResult, ResultStatus
from webnet.jobs.plan import JobPlan
from webnet.jobs.registry import DeviceOutcome, DeviceTarget

FLUSH_INTERVAL = 0.25
FLUSH_SIZE = 500
# The job counter a result adds to (every other status counts as failed).
TALLY_OF: dict[str, str] = {ResultStatus.SUCCESS: "succeeded", ResultStatus.CANCELLED: "cancelled"}


@dataclass
class PendingResult:
    target: DeviceTarget | None
    device_id: int | None
    hostname: str
    status: str
    outcome: DeviceOutcome
    started_at: datetime | None
    finished_at: datetime


class JobWriter:
    def __init__(self, plan: JobPlan) -> None:
        self.plan = plan
        self.job = plan.job
        self._logs: list[LogEntry] = []
        self._results: list[PendingResult] = []
        self._host_keys: list[tuple[int, HostKey]] = []
        self._wake = asyncio.Event()
        self._closed = False

    def log(
        self, message: str, level: str = "info", target: DeviceTarget | None = None, **extra: Any
    ) -> None:
        self._logs.append(
            LogEntry(
                message=message,
                level=level,
                device_id=target.id if target else None,
                hostname=target.hostname if target else "",
                extra=extra,
            )
        )
        if len(self._logs) >= FLUSH_SIZE:
            self._wake.set()

    def result(
        self, target: DeviceTarget, status: str, outcome: DeviceOutcome, started_at: datetime | None
    ) -> None:
        self._results.append(
            PendingResult(
                target, target.id, target.hostname, status, outcome, started_at, timezone.now()
            )
        )

    def pin_host_key(self, target: DeviceTarget, key: HostKey) -> None:
        """Trust on first use: pin the key a session just saw (with the next batch, before its
        device's result row: a device never has a result without its learned key)."""
        if target.id is not None:
            self._host_keys.append((target.id, key))

    def missing(self, device_id: int) -> None:
        self._results.append(
            PendingResult(
                None,
                None,
                f"#{device_id}",
                ResultStatus.SKIPPED,
                DeviceOutcome.failure("device_deleted", "the device was deleted"),
                None,
                timezone.now(),
            )
        )

    async def run(self) -> None:
        """Flush periodically until closed, then once more."""
        while not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), FLUSH_INTERVAL)
            self._wake.clear()
            await self.flush()
        await self.flush()

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    async def flush(self) -> None:
        logs, self._logs = self._logs, []
        results, self._results = self._results, []
        keys, self._host_keys = self._host_keys, []
        if not logs and not results and not keys:
            return
        lines, messages = await run_db(self._store, logs, results, keys)
        if lines:
            await broadcasts.send(
                broadcasts.job_group(self.job.pk), broadcasts.job_log_message(lines)
            )
        for message in messages:
            await broadcasts.send(broadcasts.customer_group(self.job.customer_id), message)

    def _store(
        self,
        logs: list[LogEntry],
        results: list[PendingResult],
        keys: list[tuple[int, HostKey]],
    ) -> tuple[list, list]:
        scrub = self.plan.scrubber
        with transaction.atomic():
            pin_host_keys(self.job.customer_id, keys)
            rows = lifecycle.append_log(self.job, logs, scrub)
            devices = Device.objects.for_customer(self.job.customer_id).in_bulk(
                [r.device_id for r in results if r.device_id]
            )
            # persist first: it stores bulky data (e.g. a config) elsewhere and drops it from
            # the outcome, so result rows stay small.
            messages = self._persist(results, devices)
            JobDeviceResult.objects.bulk_create(
                [
                    JobDeviceResult(
                        customer_id=self.job.customer_id,
                        job_id=self.job.pk,
                        device_id=r.device_id,
                        hostname=r.hostname,
                        status=r.status,
                        error_code=r.outcome.error_code,
                        error_message=scrub(r.outcome.error_message),
                        output=scrub(r.outcome.output),
                        data=scrub.deep(r.outcome.data),
                        started_at=r.started_at,
                        finished_at=r.finished_at,
                        duration_ms=int((r.finished_at - r.started_at).total_seconds() * 1000)
                        if r.started_at
                        else 0,
                    )
                    for r in results
                ]
            )
            self._count(results)
            messages += self._mark_seen(results, devices)
        return [log_line(row) for row in rows], messages

    def _count(self, results: list[PendingResult]) -> None:
        tally = {"succeeded": 0, "failed": 0, "cancelled": 0}
        for r in results:
            tally[TALLY_OF.get(r.status, "failed")] += 1
        Job.objects.filter(pk=self.job.pk).update(**{k: F(k) + v for k, v in tally.items() if v})

    def _mark_seen(self, results: list[PendingResult], devices: dict[int, Device]) -> list[dict]:
        """Every session outcome moves status and last seen: one update per status for the
        whole batch, a broadcast for each device whose status changed."""
        status_of = {True: DeviceStatus.REACHABLE, False: DeviceStatus.UNREACHABLE}
        changed: dict[str, list[int]] = {DeviceStatus.REACHABLE: [], DeviceStatus.UNREACHABLE: []}
        for r in results:
            if r.outcome.seen is not None and r.device_id in devices:
                changed[status_of[r.outcome.seen]].append(r.device_id)
        scoped = Device.objects.for_customer(self.job.customer_id)
        now = timezone.now()
        messages = []
        for status, ids in changed.items():
            if not ids:
                continue
            seen = {"last_seen_at": now} if status == DeviceStatus.REACHABLE else {}
            scoped.filter(pk__in=ids).update(status=status, **seen)
            if status == DeviceStatus.REACHABLE:
                outcomes.notify_seen(self.job.customer_id, ids, now)
            for device_id in ids:
                device = devices[device_id]
                if device.status != status:
                    device.status = status
                    messages.append(broadcasts.device_status_message(device))
        return messages

    def _persist(self, results: list[PendingResult], devices: dict[int, Device]) -> list[dict]:
        """The kind stores its results, then the result listeners hear the inventory ones."""
        items = []
        for r in results:
            subject = devices.get(r.device_id) if r.device_id else r.target
            if subject is not None and r.status in (ResultStatus.SUCCESS, ResultStatus.FAILED):
                items.append((subject, r.outcome))
        persist = self.plan.kind.persist
        messages = (persist(self.job, items) or []) if persist is not None and items else []
        outcomes.notify_results(self.job, [(s, o) for s, o in items if isinstance(s, Device)])
        return messages
