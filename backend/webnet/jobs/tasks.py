"""Celery entry points (ids only). Each runs the same async runner as the embedded executor."""

import asyncio
import socket

from webnet.core.celery import app
from webnet.jobs import executors, scheduler
from webnet.jobs.runner import run_job


@app.task(name=executors.RUN_JOB_CHUNK, bind=True, acks_late=False)
def run_job_chunk(self, job_id: int, device_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Run one chunk of a job's devices. Never retried: a lost worker is the reaper's business."""
    worker = self.request.hostname or f"celery@{socket.gethostname()}"
    asyncio.run(run_job(job_id, device_ids, worker=worker))


@app.task(name="webnet.jobs.tick")
def tick() -> None:
    """Called by Celery beat every minute: due schedules and the reaper."""
    scheduler.tick()
