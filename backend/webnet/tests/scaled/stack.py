"""The scaled-out form as real processes: PostgreSQL, Redis, Daphne, two Celery workers, beat, lab.

PostgreSQL and Redis come from scripts/pg-redis.sh (Debian packages, loopback, a temp dir), so a
test can stop and start them. Every other process is a child with its log under the state dir.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

import webnet

BACKEND = Path(webnet.__file__).resolve().parent.parent
SERVICES = BACKEND.parent / "scripts" / "pg-redis.sh"
LAB_DEVICES = 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(what: str, check: Callable[[], Any], timeout: float, every: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(every)


class Stack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.services = root / "services"
        self.state = root / "state"
        self.probe = root / "probe"
        self.probe.mkdir()
        self.processes: dict[str, subprocess.Popen] = {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env: dict[str, str] = {}

    # -- PostgreSQL and Redis -------------------------------------------------------------

    def services_script(self, action: str) -> str:
        done = subprocess.run(
            ["bash", str(SERVICES), action, str(self.services)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"pg-redis.sh {action} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start(self) -> None:
        exports = self.services_script("start")
        urls = dict(
            line.removeprefix("export ").split("=", 1) for line in exports.strip().splitlines()
        )
        self.env = {
            **os.environ,
            **urls,
            "DJANGO_SETTINGS_MODULE": "webnet.tests.scaled.settings",
            "WEBNET_STATE_DIR": str(self.state),
            "WEBNET_PROBE_DIR": str(self.probe),
            "WEBNET_JOB_CHUNK_SIZE": "25",
            "WEBNET_JOB_LEASE_SECONDS": "6",
            "WEBNET_SCHEDULER_INTERVAL": "2",
            "WEBNET_ADMIN_PASSWORD": "a-long-test-passphrase",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "text",
        }
        self.env.pop("CELERY_BROKER_URL", None)
        self.manage("migrate", "--no-input")
        self.manage("seed_demo")
        lab = self.state / "lab"
        self.spawn("lab", "-m", "webnet.lab", "--count", str(LAB_DEVICES), "--platforms",
                   "cisco_ios", "--latency-ms", "20", "--state-dir", str(lab))  # fmt: skip
        wait_until("the lab", (lab / "inventory.csv").exists, 120)
        self.manage("lab", "start", "--customer", "demo")  # registers the running lab
        for index in range(2):
            self.start_worker(index)
        self.spawn(
            "beat",
            "-m",
            "celery",
            "-A",
            "webnet.core.celery",
            "beat",
            "-s",
            str(self.root / "beat-schedule"),
            "--loglevel",
            "WARNING",
        )
        self.spawn("daphne", "manage.py", "serve", "--port", str(self.port))
        wait_until("daphne", self._serving, 60)
        self.token = self.manage("create_token", "admin", "scaled-suite").strip().splitlines()[-1]
        self.cookie = "sessionid=" + self.shell(
            "from django.test import Client\n"
            "from webnet.users.models import User\n"
            "c = Client(); c.force_login(User.objects.get(username='admin'))\n"
            "print(c.cookies['sessionid'].value)"
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.services_script("stop")

    # -- processes ------------------------------------------------------------------------

    def spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.root / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, *args], cwd=BACKEND, env=self.env, stdout=log, stderr=log
        )
        self.processes[name] = process
        return process

    def start_worker(self, index: int) -> subprocess.Popen:
        return self.spawn(
            f"worker{index}", "-m", "celery", "-A", "webnet.core.celery", "worker",
            "--pool", "solo", "--concurrency", "1", "-n", f"w{index}@%h", "--loglevel", "WARNING",
        )  # fmt: skip

    def kill_worker(self, index: int) -> None:
        process = self.processes[f"worker{index}"]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def _serving(self) -> bool:
        try:
            return requests.get(f"{self.url}/health/", timeout=2).status_code in (200, 503)
        except requests.ConnectionError:
            return False

    def manage(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BACKEND,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed: {done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).strip().splitlines()[-1]

    # -- the API --------------------------------------------------------------------------

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}"}
        return requests.request(method, f"{self.url}/api/v1/{path}", headers=headers,
                                timeout=30, **kwargs)  # fmt: skip

    def start_job(self, kind: str, params: dict | None = None) -> int:
        response = self.api(
            "POST", "jobs/", json={"kind": kind, "targets": {"all": True}, "params": params or {}}
        )
        assert response.status_code == 202, response.text
        return response.json()["id"]

    def job(self, job_id: int) -> dict[str, Any]:
        response = self.api("GET", f"jobs/{job_id}/")
        assert response.status_code == 200, response.text
        return response.json()

    def results(self, job_id: int) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        page: str | None = f"jobs/{job_id}/results/"
        while page:
            response = self.api("GET", page)
            assert response.status_code == 200, response.text
            rows.extend(response.json()["results"])
            page = (response.json()["next"] or "").partition("/api/v1/")[2] or None
        return rows

    def health(self) -> dict[str, Any]:
        try:
            return requests.get(f"{self.url}/health/", timeout=10).json()
        except (requests.RequestException, json.JSONDecodeError):
            return {"status": "unreachable"}
