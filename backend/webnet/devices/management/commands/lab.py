"""manage.py lab start|stop|status|run — the device lab as a background process of webnet.

`start` launches `python -m webnet.lab` detached (PID file and log in $WEBNET_STATE_DIR/lab),
waits for its inventory CSV and imports it into a customer (existing hostnames are left alone),
so a new install has devices to run jobs on. `run` runs the lab in the foreground with any of
`python -m webnet.lab`'s options.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from webnet.customers.models import Customer
from webnet.devices import importer

START_TIMEOUT = 60.0


def lab_dir() -> Path:
    return settings.STATE_DIR / "lab"


def running_pid() -> int | None:
    """The lab's PID from its PID file, if that process is alive."""
    try:
        pid = int((lab_dir() / "lab.pid").read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


class Command(BaseCommand):
    help = "Start, stop or run the simulated device lab; `start` registers it in a customer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status", "run"])
        parser.add_argument("--count", type=int, default=20)
        parser.add_argument("--base-port", type=int, default=10001, help="0: ephemeral ports")
        parser.add_argument("--customer", default="demo", help="customer slug to register into")
        parser.add_argument(
            "lab_args", nargs="*", help="extra options for python -m webnet.lab (after --)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run":
            command = self._command(options) + options["lab_args"]
            raise SystemExit(subprocess.call(command))
        getattr(self, f"_{action}")(options)

    def _command(self, options: dict[str, Any]) -> list[str]:
        return [
            sys.executable,
            "-m",
            "webnet.lab",
            "--count",
            str(options["count"]),
            "--base-port",
            str(options["base_port"]),
            "--state-dir",
            str(lab_dir()),
        ]

    def _start(self, options: dict[str, Any]) -> None:
        customer = Customer.objects.filter(slug=options["customer"]).first()
        if customer is None:
            raise CommandError(f"no customer with slug {options['customer']!r}")
        inventory = lab_dir() / "inventory.csv"
        if running_pid() is None:
            lab_dir().mkdir(parents=True, exist_ok=True)
            inventory.unlink(missing_ok=True)
            log = (lab_dir() / "lab.log").open("ab")
            process = subprocess.Popen(
                self._command(options) + options["lab_args"],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=settings.BASE_DIR,
            )
            self._wait_for(inventory, process)
            self.stdout.write(
                f"lab started (pid {process.pid}, {options['count']} devices, "
                f"log {lab_dir() / 'lab.log'})"
            )
        else:
            self.stdout.write(f"lab already running (pid {running_pid()})")
        report = importer.commit(None, inventory.read_bytes(), customer, on_existing="skip")
        if not report.committed:
            raise CommandError(f"lab inventory did not import: {report.as_dict()}")
        added = sum(1 for row in report.rows if not row.skipped)
        self.stdout.write(f"registered {added} new lab device(s) in {customer.name}")

    @staticmethod
    def _wait_for(inventory: Path, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not inventory.exists():
            if process.poll() is not None:
                raise CommandError(
                    f"the lab exited ({process.returncode}); see {lab_dir() / 'lab.log'}"
                )
            if time.monotonic() > deadline:
                process.terminate()
                raise CommandError("the lab did not start within a minute")
            time.sleep(0.2)

    def _stop(self, options: dict[str, Any]) -> None:
        pid = running_pid()
        if pid is None:
            self.stdout.write("lab not running")
            return
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if running_pid() is None:
                break
            time.sleep(0.1)
        self.stdout.write(f"lab stopped (pid {pid})")

    def _status(self, options: dict[str, Any]) -> None:
        pid = running_pid()
        self.stdout.write(f"lab running (pid {pid})" if pid else "lab not running")
