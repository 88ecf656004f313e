"""A throwaway scaled-out stack for soaks and benches that kill workers: PostgreSQL and Redis
from scripts/pg-redis.sh under `root`, migrated, and named child processes (Celery workers,
beat, producers) logging to `root/<name>.log`. Stopping it stops everything it started."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from webnet.tests.scaled.stack import BACKEND, SERVICES


class CeleryStack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: dict[str, subprocess.Popen] = {}
        self.env: dict[str, str] = {}

    def _services(self, action: str) -> str:
        done = subprocess.run(
            ["bash", str(SERVICES), action, str(self.root / "services")],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg-redis.sh {action} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start(self, env: dict[str, str]) -> None:
        """PostgreSQL and Redis up, `env` on top of theirs for every child, the schema migrated."""
        exports = self._services("start")
        urls = dict(line.removeprefix("export ").split("=", 1) for line in exports.splitlines())
        self.env = {
            **os.environ, **urls, **env,
            "DJANGO_SETTINGS_MODULE": "webnet.settings",
            "WEBNET_STATE_DIR": str(self.root / "state"),
        }  # fmt: skip
        self.env.pop("CELERY_BROKER_URL", None)
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=BACKEND, env=self.env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"migrate failed: {done.stderr[-3000:]}")

    def spawn(self, name: str, *args: str) -> subprocess.Popen:
        """`python <args>` in the backend folder, as `name` (a later spawn of it replaces it)."""
        log = (self.root / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, *args], cwd=BACKEND, env=self.env, stdout=log, stderr=log
        )
        self.processes[name] = process
        return process

    def celery(self, name: str, *args: str) -> subprocess.Popen:
        return self.spawn(
            name, "-m", "celery", "-A", "webnet.core.celery", *args, "--loglevel", "WARNING"
        )

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.env["DATABASE_URL"]) as db:
            return db.execute(sql, params).fetchall()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self._services("stop")
