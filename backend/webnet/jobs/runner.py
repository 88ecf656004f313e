"""The one async runner for every kind: sessions with bounded concurrency, results, lifecycle.

run_job() loads the plan (database thread), marks the job running with a lease, runs the kind's
handler per device under a global and a per-job semaphore, turns every per-device failure into a
result row (never a crashed job), watches for cancel and renews the lease, and finally sets the
status: success, partial, failed or cancelled.
"""

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webnet.core import broadcasts
from webnet.drivers import DriverError, InvalidParams, open_session
from webnet.jobs import lifecycle
from webnet.jobs.dbthread import handler_scope, run_db
from webnet.jobs.models import Job, JobDeviceResult, JobStatus, ResultStatus
from webnet.jobs.plan import DevicePlan, JobPlan, load
from webnet.jobs.registry import DeviceContext, DeviceOutcome
from webnet.jobs.writer import JobWriter

logger = logging.getLogger("webnet.jobs")

WATCH_INTERVAL = 1.0

_global_limits: dict[int, asyncio.Semaphore] = {}


def _global_limit() -> asyncio.Semaphore:
    """One semaphore per event loop: the process-wide cap on concurrent device sessions."""
    loop_id = id(asyncio.get_running_loop())
    if loop_id not in _global_limits:
        _global_limits[loop_id] = asyncio.Semaphore(settings.WEBNET_MAX_SESSIONS)
    return _global_limits[loop_id]


def _lease() -> Any:
    return timezone.now() + timedelta(seconds=settings.WEBNET_JOB_LEASE_SECONDS)


def _start(job_id: int, worker: str, claim: bool) -> bool:
    """Mark running under a lease; False if the job was cancelled or finished meanwhile, or
    (`claim`: a whole-job run) if it is no longer queued — of two workers only one starts it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.is_finished or job.cancel_requested or (claim and job.status != JobStatus.QUEUED):
            return False
        lifecycle.set_status(job, JobStatus.RUNNING, worker=worker, lease_expires_at=_lease())
    return True


def _watch(job_id: int) -> bool:
    """Renew the lease; return whether cancel was requested."""
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(lease_expires_at=_lease())
    return bool(Job.objects.filter(pk=job_id).values_list("cancel_requested", flat=True).first())


def final_status(job: Job, results: dict[str, int]) -> str:
    if job.cancel_requested:
        return JobStatus.CANCELLED
    succeeded = results.get(ResultStatus.SUCCESS, 0)
    if succeeded == job.total:
        return JobStatus.SUCCESS
    return JobStatus.PARTIAL if succeeded else JobStatus.FAILED


def _finish(job_id: int) -> Job | None:
    """Set the final status once every device has a result (the last chunk does it)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        counts: dict[str, int] = {}
        for status in (
            JobDeviceResult.objects.for_customer(job.customer_id)
            .filter(job_id=job_id)
            .values_list("status", flat=True)
        ):
            counts[status] = counts.get(status, 0) + 1
        if job.is_finished or sum(counts.values()) < job.total:
            return None
        summary = {**job.summary, "results": counts}
        return lifecycle.set_status(job, final_status(job, counts), summary=summary)


async def _handle(
    plan: JobPlan, device: DevicePlan, ctx: DeviceContext, writer: JobWriter
) -> DeviceOutcome:
    if device.problem is not None:
        return DeviceOutcome.failure(*device.problem)
    if device.connect is None:
        with handler_scope():
            return await plan.kind.handler(ctx)
    ctx.session = session = open_session(device.connect)
    async with session:
        if session.host_key_trust == "first_use" and session.host_key is not None:
            writer.pin_host_key(device.target, session.host_key)  # stored with the next batch
            ctx.log(f"learned host key {session.host_key.fingerprint} (trust on first use)")
        with handler_scope():
            outcome = await plan.kind.handler(ctx)
    outcome.seen = True
    return outcome


def _answered(ctx: DeviceContext, exc: Exception) -> bool | None:
    """After a failure: the device answered if it showed its SSH host key (a refused login, a
    hung command); it did not if it never got that far; our own bad parameters say nothing."""
    if ctx.session is None or isinstance(exc, InvalidParams):
        return None
    if ctx.session.host_key is not None:
        return True
    return False if isinstance(exc, DriverError) else None


async def _attempt(
    plan: JobPlan, device: DevicePlan, ctx: DeviceContext, writer: JobWriter
) -> tuple[DeviceOutcome, str]:
    try:
        outcome = await _handle(plan, device, ctx, writer)
    except DriverError as exc:
        outcome = DeviceOutcome.failure(exc.code, str(exc))
        outcome.seen = _answered(ctx, exc)
        return outcome, ResultStatus.FAILED
    except Exception as exc:  # a handler bug fails one device, never the job
        logger.exception("job %s device %s: handler error", plan.job.pk, device.target.hostname)
        outcome = DeviceOutcome.failure("internal_error", f"{type(exc).__name__} in handler")
        outcome.seen = _answered(ctx, exc)
        return outcome, ResultStatus.FAILED
    return outcome, ResultStatus.SUCCESS if outcome.ok else ResultStatus.FAILED


async def _run_device(
    plan: JobPlan,
    device: DevicePlan,
    writer: JobWriter,
    job_limit: asyncio.Semaphore,
) -> str:
    """One device, start to result row (its status returned); cancellation is a result too."""
    ctx = DeviceContext(
        target=device.target, params=plan.job.params, log_to=writer.log, inputs=device.inputs
    )
    started = None
    clock = time.perf_counter()
    try:
        async with _global_limit(), job_limit:
            started = timezone.now()
            clock = time.perf_counter()
            outcome, status = await _attempt(plan, device, ctx, writer)
    except asyncio.CancelledError:
        outcome, status = (
            DeviceOutcome.failure("cancelled", "job cancelled"),
            (ResultStatus.CANCELLED),
        )
    elapsed = time.perf_counter() - clock
    if status == ResultStatus.SUCCESS:
        ctx.log(f"ok in {elapsed:.2f}s")
    else:
        ctx.log(f"{outcome.error_code}: {outcome.error_message}", level="error")
    writer.result(device.target, status, outcome, started)
    return status


async def _run_devices(
    plan: JobPlan,
    devices: list[DevicePlan],
    writer: JobWriter,
    limit: asyncio.Semaphore,
    tasks: list[asyncio.Task],
) -> list[Any]:
    batch = [asyncio.create_task(_run_device(plan, device, writer, limit)) for device in devices]
    tasks.extend(batch)  # the watcher cancels them all
    return await asyncio.gather(*batch, return_exceptions=True)


async def _run_canary_first(
    plan: JobPlan, writer: JobWriter, limit: asyncio.Semaphore, tasks: list[asyncio.Task]
) -> None:
    """With params["canary"] = k, the first k devices go first; the rest only if all succeeded."""
    canary = int(plan.job.params.get("canary") or 0)
    if not 0 < canary < len(plan.devices):
        await _run_devices(plan, plan.devices, writer, limit, tasks)
        return
    first = await _run_devices(plan, plan.devices[:canary], writer, limit, tasks)
    if all(status == ResultStatus.SUCCESS for status in first):
        await _run_devices(plan, plan.devices[canary:], writer, limit, tasks)
        return
    for device in plan.devices[canary:]:
        writer.log("skipped: a canary device failed", "error", device.target)
        writer.result(
            device.target,
            ResultStatus.FAILED,
            DeviceOutcome.failure("canary_failed", "a canary device failed", skipped=True),
            None,
        )


async def _watch_loop(job_id: int, tasks: list[asyncio.Task]) -> None:
    while True:
        await asyncio.sleep(WATCH_INTERVAL)
        if await run_db(_watch, job_id):
            for task in tasks:
                task.cancel()
            return


async def run_job(job_id: int, device_ids: list[int] | None = None, worker: str = "local") -> None:
    """Run a job (or one chunk of it: `device_ids`) to the end. Never raises for device errors.

    A whole job starts only from queued (an atomic claim); chunks of a running job join it."""
    plan = await run_db(load, job_id, device_ids)
    if plan is None or not await run_db(_start, job_id, worker, device_ids is None):
        return
    job = plan.job
    writer = JobWriter(plan)
    flusher = asyncio.create_task(writer.run())
    await broadcasts.send(
        broadcasts.customer_group(job.customer_id),
        broadcasts.job_status_message(await run_db(Job.objects.get, pk=job_id)),
    )
    writer.log(f"{plan.kind.label}: {len(plan.devices)} device(s) on {worker}")
    for device_id in plan.missing_ids:
        writer.missing(device_id)
    limit = asyncio.Semaphore(int(job.params.get("concurrency") or settings.WEBNET_JOB_CONCURRENCY))
    tasks: list[asyncio.Task] = []
    watcher = asyncio.create_task(_watch_loop(job_id, tasks))
    try:
        await _run_canary_first(plan, writer, limit, tasks)
    finally:
        watcher.cancel()
        writer.close()
        await flusher
    finished = await run_db(_finish, job_id)
    if finished is not None:
        message = broadcasts.job_status_message(finished)
        await broadcasts.send(broadcasts.job_group(job_id), message)
        await broadcasts.send(broadcasts.customer_group(finished.customer_id), message)
