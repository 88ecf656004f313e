"""Keep the running FreeRADIUS in step with the NAS registry.

FreeRADIUS reads its clients once, at start (a HUP reloads modules, not clients; `read_clients`
is off because the secrets are encrypted), so a NAS added, changed or removed in webnet needs a
restart. The supervisor runs `freeradius -f` as its child, polls a fingerprint of the registry
and, when the clients it would render differ from the running ones, renders again and restarts
the child (about a second without RADIUS); a child that dies is started again. Polling the
database, rather than a signal from the web process, sees every writer: UI, API, Celery workers,
the admin, a shell.
"""

import hashlib
import logging
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections

from webnet.aaa import radiusconf
from webnet.aaa.models import Nas
from webnet.aaa.nas import radius_clients, radius_database
from webnet.core import crypto

log = logging.getLogger("webnet.aaa.supervisor")
READY = "Ready to process requests"
START_TIMEOUT = 15.0


def registry_fingerprint() -> str:
    """Changes whenever a NAS is added, removed, readdressed, re-keyed or moves customer (one
    cheap query, no decryption)."""
    rows = Nas.objects.order_by("pk").values_list(
        "pk", "nasname", "customer_id", "secret_encrypted"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def render(directory: Path) -> str:
    """Render the configuration from the registry and settings; returns clients.conf's text."""
    radiusconf.render(
        directory,
        clients=radius_clients(),
        auth_port=settings.WEBNET_RADIUS_AUTH_PORT,
        acct_port=settings.WEBNET_RADIUS_ACCT_PORT,
        database=radius_database(),
        threads=settings.WEBNET_RADIUS_THREADS,
    )
    return (directory / "clients.conf").read_text()


class StartFailed(RuntimeError):
    """freeradius exited, or was not ready in time; the message ends with its log."""


class Supervisor:
    """`run()` until `stop()`: FreeRADIUS as a child, restarted when the clients change."""

    def __init__(self, directory: Path, poll_seconds: float) -> None:
        self.directory = directory
        self.poll_seconds = poll_seconds
        self.restarts = 0
        self.child: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._clients = ""
        self._fingerprint = ""

    @property
    def log_file(self) -> Path:
        return self.directory / "log" / "radius.log"

    def start(self) -> None:
        """Render and start FreeRADIUS; returns once it answers requests."""
        self._fingerprint = registry_fingerprint()
        self._clients = render(self.directory)
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        self.child = subprocess.Popen(
            ["freeradius", "-f", "-d", str(self.directory)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready(offset):
            if self.child.poll() is not None or time.monotonic() > deadline:
                self._end_child()
                raise StartFailed(f"freeradius did not start: {self._log_tail(offset)}")
            time.sleep(0.05)

    def watch(self) -> None:
        """After `start()`: check every `poll_seconds` (0: once a second, for a dead child only)
        until `stop()`, then end the child."""
        try:
            while not self._stopping.wait(self.poll_seconds or 1.0):
                try:
                    self.check()
                except (DatabaseError, crypto.DecryptionError, StartFailed):
                    # The running server keeps its clients; the next poll tries again.
                    log.exception("NAS registry check failed")
        finally:
            self._end_child()

    def check(self) -> bool:
        """One poll: restart if the child died or the clients changed; True if it restarted."""
        close_old_connections()
        assert self.child is not None
        if self.child.poll() is not None:
            log.warning("freeradius exited (%s); starting it again", self.child.returncode)
            return self._restart()
        if not self.poll_seconds:
            return False
        fingerprint = registry_fingerprint()
        if fingerprint == self._fingerprint:
            return False
        self._fingerprint = fingerprint
        if render_clients_text() == self._clients:
            return False
        log.info("NAS registry changed; restarting freeradius")
        return self._restart()

    def stop(self) -> None:
        self._stopping.set()

    def _restart(self) -> bool:
        self._end_child()
        self.start()
        self.restarts += 1
        return True

    def _ready(self, offset: int) -> bool:
        if not self.log_file.exists():
            return False
        with self.log_file.open("rb") as text:
            text.seek(offset)
            return READY.encode() in text.read()

    def _log_tail(self, offset: int) -> str:
        if not self.log_file.exists():
            return "(no log)"
        with self.log_file.open("rb") as text:
            text.seek(offset)
            return text.read()[-2000:].decode(errors="replace")

    def _end_child(self) -> None:
        if self.child is None or self.child.poll() is not None:
            return
        self.child.terminate()
        try:
            self.child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()


def render_clients_text() -> str:
    """clients.conf as the registry would render it now (secrets decrypted in memory only)."""
    return "".join(radiusconf.client_block(client) for client in radius_clients())
