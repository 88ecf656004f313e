"""`manage.py radius`: render FreeRADIUS's configuration from the NAS registry and run Debian's
`freeradius` on it (foreground; `--background` lets it daemonize with its PID file in the state
directory; `--stop` ends that one). Restart it after the NAS registry changes."""

import contextlib
import os
import signal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from webnet.aaa import radiusconf
from webnet.aaa.nas import radius_clients, radius_database


def config_directory() -> Path:
    return Path(settings.STATE_DIR) / "radius"


class Command(BaseCommand):
    help = "Render the FreeRADIUS configuration into the state directory and start freeradius."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--render-only", action="store_true")
        parser.add_argument("--background", action="store_true")
        parser.add_argument("--stop", action="store_true")

    def handle(self, *args, render_only: bool, background: bool, stop: bool, **options) -> None:  # type: ignore[no-untyped-def]
        directory = config_directory()
        if stop:
            self._stop(directory / "run" / "radiusd.pid")
            return
        radiusconf.render(
            directory,
            clients=radius_clients(),
            auth_port=settings.WEBNET_RADIUS_AUTH_PORT,
            acct_port=settings.WEBNET_RADIUS_ACCT_PORT,
            database=radius_database(),
            threads=settings.WEBNET_RADIUS_THREADS,
        )
        self.stdout.write(f"FreeRADIUS configuration in {directory}")
        if render_only:
            return
        argv = ["freeradius", "-d", str(directory)] + ([] if background else ["-f"])
        if background:
            os.spawnvp(os.P_WAIT, argv[0], argv)  # noqa: S606  (a fixed program, no shell)
            return
        os.execvp(argv[0], argv)  # noqa: S606

    def _stop(self, pid_file: Path) -> None:
        if not pid_file.exists():
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        pid_file.unlink(missing_ok=True)
