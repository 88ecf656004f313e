"""`manage.py radius`: Debian's `freeradius` on webnet's database, its clients from the NAS
registry, under a supervisor that restarts it when a NAS is added, changed or removed
(aaa/supervisor.py; `--poll` seconds between registry checks, 0 turns the watch off).

Foreground by default (Ctrl-C stops both); `--background` starts the supervisor detached with its
PID file and log in the state directory and returns once FreeRADIUS answers; `--stop` ends it;
`--render-only` writes the configuration and exits."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from webnet.aaa import supervisor

STOP_TIMEOUT = 15.0
READY_LINE = b"FreeRADIUS on 127.0.0.1:"


def config_directory() -> Path:
    return Path(settings.STATE_DIR) / "radius"


def pid_file() -> Path:
    return config_directory() / "run" / "supervisor.pid"


def running_pid() -> int | None:
    """The supervisor's PID from its PID file, if that process is alive and still the
    supervisor (a PID left by a crash may since belong to another program)."""
    try:
        pid = int(pid_file().read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid if b"radius" in command and any(p.endswith(b"manage.py") for p in command) else None


class Command(BaseCommand):
    help = "Run FreeRADIUS on webnet's database, restarted when the NAS registry changes."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--render-only", action="store_true")
        parser.add_argument("--background", action="store_true")
        parser.add_argument("--stop", action="store_true")
        parser.add_argument(
            "--poll",
            type=float,
            default=settings.WEBNET_RADIUS_POLL_SECONDS,
            help="seconds between NAS registry checks (0: never restart for a NAS change)",
        )

    def handle(
        self,
        *args: Any,
        render_only: bool,
        background: bool,
        stop: bool,
        poll: float,
        **options: Any,
    ) -> None:  # type: ignore[override]
        if poll < 0:
            raise CommandError("--poll is a number of seconds, 0 or more.")
        directory = config_directory()
        if stop:
            self._stop()
        elif render_only:
            supervisor.render(directory)
            self.stdout.write(f"FreeRADIUS configuration in {directory}")
        elif background:
            self._background(poll)
        else:
            self._foreground(directory, poll)

    def _foreground(self, directory: Path, poll: float) -> None:
        if running_pid() is not None:
            raise CommandError(f"FreeRADIUS is already supervised (pid {running_pid()}).")
        watch = supervisor.Supervisor(directory, poll)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: watch.stop())
        pid_file().parent.mkdir(parents=True, exist_ok=True)
        pid_file().write_text(str(os.getpid()))
        try:
            watch.start()
            self.stdout.write(
                f"FreeRADIUS on 127.0.0.1:{settings.WEBNET_RADIUS_AUTH_PORT}/"
                f"{settings.WEBNET_RADIUS_ACCT_PORT}, configuration in {directory}",
            )
            self.stdout.flush()
            watch.watch()
        except supervisor.StartFailed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            pid_file().unlink(missing_ok=True)

    def _background(self, poll: float) -> None:
        if running_pid() is not None:
            self.stdout.write(f"FreeRADIUS already supervised (pid {running_pid()})")
            return
        log_dir = config_directory() / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / "supervisor.log"
        offset = log_path.stat().st_size if log_path.exists() else 0
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, manage, "radius", "--poll", str(poll)],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=settings.BASE_DIR,
            )
        deadline = time.monotonic() + supervisor.START_TIMEOUT + 15
        while READY_LINE not in log_path.read_bytes()[offset:]:
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                raise CommandError(f"FreeRADIUS did not start; see {log_path}")
            time.sleep(0.1)
        self.stdout.write(f"FreeRADIUS supervised in the background (pid {process.pid})")

    def _stop(self) -> None:
        pid = running_pid()
        if pid is None:
            self.stdout.write("FreeRADIUS not running")
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while running_pid() is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        self.stdout.write(f"FreeRADIUS stopped (pid {pid})")
