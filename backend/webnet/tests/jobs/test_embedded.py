"""The embedded worker: claims queued jobs from the database, one runner per job even with two
workers, hands jobs it leaves running to the reaper. (`manage.py serve` running it as its child,
and a job's live log from it in the browser: tests/terminal/test_browser_terminal.py.)"""

import asyncio
import time
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

import webnet
from webnet.jobs import embedded
from webnet.jobs.dbthread import run_db
from webnet.jobs.models import Job, JobLog
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
BACKEND = Path(webnet.__file__).resolve().parent.parent


@sync_to_async
def _queued_job(hosts: list[tuple[str, int]]) -> Job:
    """A reachability job over devices at `hosts` (loopback: nothing leaves the machine)."""
    operator = f.MembershipFactory(role="operator").user
    customer = operator.memberships.get().customer
    for index, (host, port) in enumerate(hosts):
        f.DeviceFactory(customer=customer, hostname=f"w{index}", management_host=host, port=port)
    return JobService.create_job(
        operator, customer, "devices.check_reachability", {"all": True}, submit=False
    )


def _read_state(job: Job) -> tuple[Job, int]:
    starts = JobLog.objects.filter(job=job, message__contains=" device(s) on ").count()
    return Job.objects.get(pk=job.pk), starts


async def _state(job: Job) -> tuple[Job, int]:
    """(the job afresh, how many runs started it: each logs one '... device(s) on ...' line),
    read in the runner's database thread (the test database's tables lock across threads)."""
    return await run_db(_read_state, job)


async def _until_finished(job: Job, seconds: float = 15.0) -> tuple[Job, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        fresh, starts = await _state(job)
        if fresh.is_finished:
            return fresh, starts
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job.pk} still {fresh.status}")


async def test_a_whole_job_starts_once_however_many_runners_claim_it() -> None:
    job = await _queued_job([("127.1.0.1", 1), ("127.1.0.2", 1)])
    await asyncio.gather(run_job(job.pk, worker="a"), run_job(job.pk, worker="b"))
    fresh, starts = await _state(job)
    assert starts == 1 and fresh.status == "failed" and fresh.failed == 2


async def test_two_workers_run_each_queued_job_exactly_once(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WEBNET_WORKER_POLL_SECONDS = 0.05
    jobs = [await _queued_job([(f"127.1.1.{i}", 1)]) for i in range(1, 4)]
    workers = [embedded.Worker("w1"), embedded.Worker("w2")]
    running = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        for job in jobs:
            fresh, starts = await _until_finished(job)
            assert starts == 1 and fresh.status == "failed" and fresh.worker in ("w1", "w2")
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.gather(*running)


async def test_a_stopping_worker_hands_its_running_jobs_to_the_reaper(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WEBNET_WORKER_POLL_SECONDS = 0.05
    silent = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)  # no banner
    port = silent.sockets[0].getsockname()[1]
    job = await _queued_job([("127.0.0.1", port)])
    worker = embedded.Worker("w1")
    running = asyncio.create_task(worker.run())
    try:
        while (await _state(job))[0].status != "running":
            await asyncio.sleep(0.05)
        worker.stop()
        await asyncio.wait_for(running, timeout=10)
    finally:
        silent.close()
    fresh, _ = await _state(job)
    assert fresh.status == "failed" and fresh.summary["reaped"] is True
    assert fresh.lease_expires_at is None
