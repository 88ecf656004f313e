"""Celery entry points (ids only). Each runs the same async runner as the embedded executor."""

import asyncio
import socket

from celery import shared_task

from webnet.jobs import scheduler
from webnet.jobs.runner import run_job


@shared_task(name="webnet.jobs.run_job_chunk", acks_late=False)
def run_job_chunk(job_id: int, device_ids: list[int]) -> None:
    """Run one chunk of a job's devices. Never retried: a lost worker is the reaper's business."""
    asyncio.run(run_job(job_id, device_ids, worker=f"celery@{socket.gethostname()}"))


@shared_task(name="webnet.jobs.tick")
def tick() -> None:
    """Called by Celery beat every minute: due schedules and the reaper."""
    scheduler.tick()
