"""The scaled-out form end to end, with faults: what `make test-scaled` proves in CI.

Given PostgreSQL, Redis, Daphne, two Celery workers, beat and a 100-device lab (see stack.py),
jobs are started over the REST API with a token and followed over a WebSocket like a browser.
"""

import time
from pathlib import Path

import pytest

from webnet.tests.scaled.stack import LAB_DEVICES, Stack, wait_until
from webnet.tests.scaled.wsclient import Closed, WebSocket

FINAL = {"success", "partial", "failed", "cancelled"}
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


class LogFollower:
    """Follows /ws/jobs/<id>/ to the job's end, reconnecting with ?after_seq= when cut off."""

    def __init__(self, stack: Stack, job_id: int) -> None:
        self.stack, self.job_id = stack, job_id
        self.lines: list[dict] = []
        self.reconnects = 0
        self.status = ""
        self.ws: WebSocket | None = None

    @property
    def last_seq(self) -> int:
        return self.lines[-1]["seq"] if self.lines else 0

    def _connect(self) -> None:
        self.ws = WebSocket(
            "127.0.0.1",
            self.stack.port,
            f"/ws/jobs/{self.job_id}/?after_seq={self.last_seq}",
            self.stack.cookie,
            self.stack.url,
        )

    def follow(self, timeout: float, until_lines: int | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if until_lines is not None and len(self.lines) >= until_lines:
                return
            try:
                if self.ws is None:
                    self._connect()
                assert self.ws is not None
                message = self.ws.receive(timeout=5)
            except (Closed, OSError):  # includes timeouts: a quiet socket is resumed too
                if self.ws is not None:
                    self.ws.close()
                    self.ws = None
                    self.reconnects += 1
                time.sleep(0.5)
                continue
            if message["type"] == "lines":
                self.lines.extend(message["lines"])
            elif message["type"] == "status":
                self.status = message["job"]["status"]
                if self.status in FINAL and until_lines is None:
                    self.ws.close()
                    return
        raise AssertionError(f"job {self.job_id} not followed to its end: {self.status!r}")

    def assert_complete(self, log_seq: int) -> None:
        seqs = [line["seq"] for line in self.lines]
        assert seqs == list(range(1, log_seq + 1)), f"gap or repeat in {len(seqs)} seqs"


def test_backup_of_100_devices_runs_on_two_workers_and_streams_every_line(stack: Stack) -> None:
    job_id = stack.start_job("config.backup")
    follower = LogFollower(stack, job_id)
    follower.follow(timeout=180)
    job = stack.job(job_id)
    assert (job["status"], job["succeeded"], job["total"]) == ("success", LAB_DEVICES, LAB_DEVICES)
    follower.assert_complete(job["log_seq"])
    chunk_workers = {
        line["message"].rsplit(" on ", 1)[1].split("@")[0]
        for line in follower.lines
        if " device(s) on " in line["message"]
    }
    assert chunk_workers == {"w0", "w1"}


def test_websocket_from_a_foreign_origin_is_refused(stack: Stack) -> None:
    with pytest.raises(Closed):
        WebSocket("127.0.0.1", stack.port, "/ws/updates/", stack.cookie, "http://evil.example")


def test_redis_restart_mid_job_the_log_resumes_by_after_seq_without_gap(stack: Stack) -> None:
    job_id = stack.start_job("probe.destructive", {"seconds": 0.5, "concurrency": 5})
    follower = LogFollower(stack, job_id)
    follower.follow(timeout=60, until_lines=10)
    stack.services_script("redis-stop")
    time.sleep(2)
    stack.services_script("redis-start")
    follower.follow(timeout=180)
    job = wait_until("the job's end", lambda: (j := stack.job(job_id))["status"] in FINAL and j, 60)
    assert follower.reconnects >= 1
    follower.assert_complete(job["log_seq"])
    assert job["status"] == "success", job


def test_worker_killed_mid_job_is_reaped_within_the_lease_and_never_rerun(stack: Stack) -> None:
    for mark in stack.probe.iterdir():
        mark.unlink()
    job_id = stack.start_job("probe.destructive", {"seconds": 1.0, "concurrency": 5})
    # A destructive job runs as one chunk on one worker: kill that worker once devices are done.
    worker = wait_until(
        "a worker running the job with a device done",
        lambda: stack.results(job_id) and _chunk_worker(stack, job_id),
        60,
    )
    stack.kill_worker(int(worker.removeprefix("w")))
    killed_at = time.monotonic()
    job = wait_until("the reaper", lambda: (j := stack.job(job_id))["status"] in FINAL and j, 90)
    # Lease (6 s) + a tick (2 s), with room for a loaded machine. Nothing else can end it: the
    # only process running it is dead. With acks_late, Redis would hand the task back after its
    # visibility timeout (5 s here, already past) — before the reaper — and the marks would
    # show devices changed twice.
    assert time.monotonic() - killed_at < 30
    assert job["status"] in ("partial", "failed") and job["summary"].get("reaped") is True, job
    lost = [row for row in stack.results(job_id) if row["error_code"] == "worker_lost"]
    assert lost and len(lost) == job["summary"]["lost"]
    stack.start_worker(int(worker.removeprefix("w")))
    time.sleep(12)  # past Redis's visibility timeout (5 s): anything redelivered would run now
    assert _executions(stack.probe) and max(_executions(stack.probe).values()) == 1
    assert stack.job(job_id)["status"] == job["status"]


def test_postgres_stopped_health_reports_down_then_recovers(stack: Stack) -> None:
    assert stack.health()["status"] == "ok"
    stack.services_script("pg-stop")
    try:
        report = wait_until(
            "/health/ to notice", lambda: (h := stack.health())["status"] != "ok" and h, 30
        )
        assert report["status"] in ("down", "degraded")
        assert report["checks"]["database"]["status"] == "down"
        assert report["checks"]["cache"]["status"] == "ok"
    finally:
        stack.services_script("pg-start")
    wait_until("/health/ to recover", lambda: stack.health()["status"] == "ok", 30)


def _chunk_worker(stack: Stack, job_id: int) -> str | None:
    response = stack.api("GET", f"jobs/{job_id}/logs/", params={"limit": 1000})
    for line in response.json()["lines"]:
        if " device(s) on " in line["message"]:
            return line["message"].rsplit(" on ", 1)[1].split("@")[0]
    return None


def _executions(probe: Path) -> dict[str, int]:
    return {path.name: len(path.read_text().splitlines()) for path in probe.iterdir()}
