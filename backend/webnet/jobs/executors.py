"""Where a job runs: the embedded worker process, the server's own loop, or Celery workers.

One runner, one code path for job logic; the executor only decides where `runner.run_job` runs.
`worker` (embedded default): nothing to do — the Job row is queued and the embedded worker
(jobs.embedded) claims it from the database. `local`: the ASGI server binds its loop
(`bind_loop`); a job submitted from a request thread is scheduled onto that loop, so broadcasts
reach the in-memory channel layer of the same loop. Without a bound loop (a management command, a
test) the job runs on a fresh loop in a thread. `celery`: chunks sent to workers by task name.
"""

import asyncio
import logging
import threading

from django.conf import settings

from webnet.core.celery import app
from webnet.jobs import registry
from webnet.jobs.models import Job
from webnet.jobs.runner import run_job

logger = logging.getLogger("webnet.jobs")

_loop: asyncio.AbstractEventLoop | None = None


def bind_loop(loop: asyncio.AbstractEventLoop) -> None:
    global _loop
    _loop = loop


def bound_loop() -> asyncio.AbstractEventLoop | None:
    return _loop if _loop is not None and not _loop.is_closed() else None


def chunks(device_ids: list[int], size: int) -> list[list[int]]:
    return [device_ids[start : start + size] for start in range(0, len(device_ids), size)] or [[]]


def submit(job_id: int) -> None:
    """Start a queued job wherever this deployment runs jobs."""
    if settings.WEBNET_EXECUTOR == "celery":
        _submit_celery(job_id)
    elif settings.WEBNET_EXECUTOR == "local":
        _submit_local(job_id)


def _submit_local(job_id: int) -> None:
    loop = bound_loop()
    if loop is not None:
        asyncio.run_coroutine_threadsafe(run_job(job_id), loop)
        return
    thread = threading.Thread(
        target=asyncio.run, args=(run_job(job_id),), name=f"webnet-job-{job_id}", daemon=True
    )
    thread.start()


RUN_JOB_CHUNK = "webnet.jobs.run_job_chunk"  # jobs/tasks.py registers it; sent by name


def _submit_celery(job_id: int) -> None:
    kind_name, device_ids = Job.objects.values_list("kind", "device_ids").get(pk=job_id)
    kind = registry.get(kind_name)
    # A destructive job stays in one process (canary ordering needs all of its devices
    # together); an address job (a scan) is not split by device.
    whole = kind.destructive or kind.resolve_addresses is not None
    size = len(device_ids) if whole else settings.WEBNET_JOB_CHUNK_SIZE
    for chunk in chunks(list(device_ids), max(size, 1)):
        app.send_task(RUN_JOB_CHUNK, args=(job_id, chunk))
