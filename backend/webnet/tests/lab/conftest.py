"""Fixtures: a lab fleet running in a background thread (for blocking clients like netmiko),
and helpers to start small fleets inside the test's own event loop."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Iterator

import pytest

from webnet.lab import Fleet, LabServer

ALL_PLATFORMS = [
    "cisco_ios",
    "cisco_iosxe",
    "cisco_nxos",
    "arista_eos",
    "juniper_junos",
    "cisco_iosxr",
]


class ThreadedLab:
    """A LabServer on its own event loop thread; stop() tears it down."""

    def __init__(self, fleet: Fleet, **kwargs) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = LabServer(fleet, **kwargs)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(30)

    def device(self, hostname: str):
        return self.server.device(hostname)

    def by_platform(self, platform: str, nth: int = 0):
        return [d for d in self.server.devices if d.platform == platform][nth]

    def runtime(self, hostname: str):
        return self.server.runtime(hostname)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture(scope="session")
def client_key(tmp_path_factory) -> dict:
    """An ed25519 key pair made by OpenSSH's ssh-keygen (the client side of key auth)."""
    d = tmp_path_factory.mktemp("sshkey")
    key = d / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    return {"private": key, "public": key.with_suffix(".pub")}


@pytest.fixture(scope="session")
def lab(client_key) -> Iterator[ThreadedLab]:
    """Two devices of every platform: R1-R6 for netmiko, R7-R12 for scrapli/ssh."""
    fleet = Fleet.generate(count=12, platforms=",".join(ALL_PLATFORMS), seed=42)
    threaded = ThreadedLab(fleet, authorized_keys=client_key["public"], minute_seconds=0.5)
    yield threaded
    threaded.stop()
