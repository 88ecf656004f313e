"""Embedded mode (no broker): a job worker process beside the web server, fed from the database.

`manage.py serve` starts `manage.py jobworker` as its child (WEBNET_EXECUTOR=worker, the
default): the web process only writes Job rows; the worker claims queued jobs (runner.run_job
starts a whole job only from queued, so two workers never run one job), runs them on its own
event loop, calls scheduler.tick() every WEBNET_SCHEDULER_INTERVAL seconds and runs the
registered background services (core.background: polling, receivers, deliveries). A big job then
costs the web process nothing but the database; live views follow it by polling the database
(api.consumers), since the in-memory channel layer does not cross processes. The worker writes
its PID file in the state dir and stops with the server (or when it finds its parent gone);
jobs it leaves running are handed to the reaper at once.

With WEBNET_EXECUTOR=local jobs run on the web server's own loop instead: `start()` binds that
loop for the local executor and starts the same timer when `manage.py serve` starts the server.
The ASGI application only binds the loop on its first connection: a test's sockets must not start
a tick whose database thread outlives the test and races its flush.
"""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from webnet.core import background, metrics
from webnet.jobs import executors, scheduler
from webnet.jobs.dbthread import run_db
from webnet.jobs.models import Job, JobStatus
from webnet.jobs.runner import run_job

logger = logging.getLogger("webnet.jobs")

_timer: asyncio.Task | None = None
_background: list[asyncio.Task] = []
CLAIM_BATCH = 50
STOP_GRACE_SECONDS = 20.0
WORKER_NICENESS = 10


async def _tick_forever() -> None:
    while True:
        try:
            result = await run_db(scheduler.tick)
            if result["started"] or result["reaped"]:
                logger.info("scheduler tick: %s", result)
        except Exception:  # the timer must survive a failed tick (e.g. database restarting)
            logger.exception("scheduler tick failed")
        await asyncio.sleep(settings.WEBNET_SCHEDULER_INTERVAL)


def start_background() -> None:
    """WEBNET_EXECUTOR=local under `manage.py serve`: the background services (core.background)
    on the serving loop, since no worker process runs them. Never from the ASGI middleware, so
    a test's application binds no receiver ports and polls nothing."""
    global _background
    if settings.WEBNET_EXECUTOR == "local" and not _background:
        _background = background.start_all()


def start(loop: asyncio.AbstractEventLoop | None = None) -> None:
    global _timer
    if settings.WEBNET_EXECUTOR != "local" or (_timer is not None and not _timer.done()):
        return
    loop = loop or asyncio.get_event_loop()
    executors.bind_loop(loop)
    _timer = loop.create_task(_tick_forever())
    logger.info(
        "embedded job engine started (scheduler every %ss)", settings.WEBNET_SCHEDULER_INTERVAL
    )


class EmbeddedJobsMiddleware:
    """ASGI middleware: jobs the local executor starts run on the serving loop."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if settings.WEBNET_EXECUTOR == "local" and executors.bound_loop() is None:
            executors.bind_loop(asyncio.get_running_loop())
        return await self.app(scope, receive, send)


def pid_file() -> Path:
    return settings.STATE_DIR / "jobworker.pid"


def spawn_worker() -> subprocess.Popen:
    """The worker as a child of the server (its output goes where the server's goes)."""
    return subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "jobworker"],
        env={**os.environ, **metrics.fresh_processes_dir()},
    )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_GRACE_SECONDS + 5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _queued(skip: set[int]) -> list[int]:
    """The oldest queued jobs this worker is not already starting (the status index)."""
    ids = (
        Job.objects.filter(status=JobStatus.QUEUED, cancel_requested=False)
        .exclude(pk__in=skip)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return list(ids[:CLAIM_BATCH])


def _hand_to_reaper(worker: str) -> list[int]:
    """Jobs this worker leaves running: expire their leases and reap them now."""
    now = timezone.now()
    expired = now - timedelta(seconds=1)
    Job.objects.filter(status=JobStatus.RUNNING, worker=worker).update(lease_expires_at=expired)
    return scheduler.reap(now)


class Worker:
    """Claims queued jobs and runs each as a task on this loop until asked to stop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.running: dict[int, asyncio.Task] = {}
        self.stopping = asyncio.Event()
        self.parent = os.getppid()

    def stop(self) -> None:
        self.stopping.set()

    def _launch(self, job_id: int) -> None:
        task = asyncio.create_task(run_job(job_id, worker=self.name))
        self.running[job_id] = task
        task.add_done_callback(lambda done: self._finished(job_id, done))

    def _finished(self, job_id: int, task: asyncio.Task) -> None:
        self.running.pop(job_id, None)
        if not task.cancelled() and task.exception() is not None:
            logger.error("job %s crashed", job_id, exc_info=task.exception())

    async def run(self) -> None:
        ticker = asyncio.create_task(_tick_forever())
        services = background.start_all()
        try:
            while not self.stopping.is_set() and os.getppid() == self.parent:
                try:
                    for job_id in await run_db(_queued, set(self.running)):
                        self._launch(job_id)
                except Exception:  # e.g. the database restarting: try again next round
                    logger.exception("claiming queued jobs failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self.stopping.wait(), timeout=settings.WEBNET_WORKER_POLL_SECONDS
                    )
        finally:
            ticker.cancel()
            for service in services:
                service.cancel()
            await self._drain()

    async def _drain(self) -> None:
        tasks = list(self.running.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
        reaped = await run_db(_hand_to_reaper, self.name)
        if reaped:
            logger.warning("stopped with jobs running; reaped %s", reaped)


async def serve_worker() -> None:
    """The worker process's main: PID file, signals, the claim loop. It runs below the server's
    CPU priority: on a small machine pages answer first and jobs take the CPU that is left."""
    os.nice(WORKER_NICENESS)
    worker = Worker(f"embedded@{socket.gethostname()}:{os.getpid()}")
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, worker.stop)
    path = pid_file()
    path.write_text(f"{os.getpid()}\n")
    logger.info("job worker %s started", worker.name)
    try:
        await worker.run()
    finally:
        path.unlink(missing_ok=True)
