"""The Celery executor with real processes: Redis, two worker processes, the lab, a chunked job.

Runs everything outside pytest-django's test database (workers are other processes): a state
directory of its own with a SQLite file, `manage.py` for setup, and `celery worker` subprocesses.
Skipped with a reason when redis-server is not installed (make test installs it).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import webnet

BACKEND = Path(webnet.__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server is not installed (make test installs it)",
)

START_JOB = """
from webnet.customers.models import Customer
from webnet.jobs.services import JobService
from webnet.users.models import User
job = JobService.create_job(User.objects.get(username="admin"), Customer.objects.get(slug="demo"),
                            "config.backup", {"all": True})
print(job.pk)
"""
JOB_STATE = """
import json
from webnet.jobs.models import Job
job = Job.objects.get(pk={job_id})
chunks = job.logs.filter(message__contains=" device(s) on ").count()
print(json.dumps({{"status": job.status, "succeeded": job.succeeded, "total": job.total,
                  "snapshots": job.config_snapshots.count(), "chunks": chunks}}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scaled_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = _free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "WEBNET_STATE_DIR": str(tmp_path / "state"),
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "WEBNET_JOB_CHUNK_SIZE": "2",
        "WEBNET_ADMIN_PASSWORD": "a-long-test-passphrase",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "webnet.settings",
    }
    env.pop("DATABASE_URL", None)
    workers: list[subprocess.Popen] = []
    try:
        _manage(env, "migrate", "--no-input")
        _manage(env, "seed_demo")
        _manage(env, "lab", "start", "--count", "4", "--base-port", "0")  # ephemeral ports
        for index in range(2):
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "webnet.core.celery",
                        "worker",
                        "--concurrency",
                        "1",
                        "--pool",
                        "solo",
                        "-n",
                        f"w{index}@%h",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=BACKEND,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        yield env
    finally:
        for worker in workers:
            worker.terminate()
        _manage(env, "lab", "stop", check=False)
        for worker in workers:
            worker.wait(timeout=20)
        redis.terminate()
        redis.wait(timeout=10)


def _manage(env: dict[str, str], *args: str, check: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def test_chunked_job_runs_on_two_celery_workers(scaled_env: dict[str, str]) -> None:
    job_id = int(_manage(scaled_env, "shell", "-c", START_JOB).strip().splitlines()[-1])
    deadline = time.monotonic() + 60
    state: dict = {}
    while time.monotonic() < deadline:
        state = json.loads(
            _manage(scaled_env, "shell", "-c", JOB_STATE.format(job_id=job_id))
            .strip()
            .splitlines()[-1]
        )
        if state["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert state == {"status": "success", "succeeded": 4, "total": 4, "snapshots": 4, "chunks": 2}
