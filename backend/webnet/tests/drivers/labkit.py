"""Helpers for the driver suite: the lab on its own event loop thread (the client under test
runs in the test's loop), a record of every authentication attempt, and ConnectParams for lab
devices.

Fleet layout (round robin over six platforms, so R1-R6 are one clean device per platform):

    R7  auth_failure        R10 disconnect_mid_output   R13 legacy_kex       R16 slow_output
    R8  hang_at_banner      R11 garbage_output          R14 host_key_change  R17, R18 clean
    R9  hang_after_command  R12 huge_output:20000       R15 latency:300
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

import asyncssh

from webnet.drivers import ConnectParams, Timeouts
from webnet.lab import Fleet, LabServer
from webnet.lab import server as lab_server

PLATFORMS = [
    "cisco_ios",
    "cisco_iosxe",
    "cisco_nxos",
    "arista_eos",
    "juniper_junos",
    "cisco_iosxr",
]
FAULTS = [
    "R7=auth_failure",
    "R8=hang_at_banner",
    "R9=hang_after_command",
    "R10=disconnect_mid_output",
    "R11=garbage_output",
    "R12=huge_output:20000",
    "R13=legacy_kex",
    "R14=host_key_change",
    "R15=latency:300",
    "R16=slow_output:40000",
]
FAST = Timeouts(connect=3.0, auth=3.0, command=5.0)


@dataclass
class AuthLog:
    """(hostname, method) for every userauth request that reached a lab server."""

    attempts: list[tuple[str, str]] = field(default_factory=list)

    def for_host(self, hostname: str) -> list[str]:
        return [method for host, method in self.attempts if host == hostname]


def _record_auth(log: AuthLog) -> dict[str, object]:
    """Wrap the lab server's auth hooks (the lab has no attempt counter of its own yet)."""
    cls = lab_server._DeviceSSHServer
    saved = {n: cls.__dict__[n] for n in ("begin_auth", "validate_password", "validate_public_key")}

    def begin_auth(self, username: str) -> bool:  # type: ignore[no-untyped-def]
        log.attempts.append((self.spec.hostname, "begin"))
        return saved["begin_auth"](self, username)  # type: ignore[operator]

    def validate_password(self, username: str, password: str) -> bool:  # type: ignore[no-untyped-def]
        log.attempts.append((self.spec.hostname, "password"))
        return saved["validate_password"](self, username, password)  # type: ignore[operator]

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:  # type: ignore[no-untyped-def]
        log.attempts.append((self.spec.hostname, "publickey"))
        return saved["validate_public_key"](self, username, key)  # type: ignore[operator]

    cls.begin_auth = begin_auth  # type: ignore[method-assign]
    cls.validate_password = validate_password  # type: ignore[method-assign]
    cls.validate_public_key = validate_public_key  # type: ignore[method-assign]
    return saved


class ThreadedLab:
    """A LabServer running on a private event loop thread."""

    def __init__(self, fleet: Fleet, **kwargs: object) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = LabServer(fleet, **kwargs)  # type: ignore[arg-type]
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(60)

    def device(self, hostname: str):  # type: ignore[no-untyped-def]
        return self.server.device(hostname)

    def running_config_lines(self, hostname: str) -> list[str]:
        return self.server.runtime(hostname).running.lines()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def params_for(lab: ThreadedLab | LabServer, hostname: str, **overrides: object) -> ConnectParams:
    """ConnectParams for a lab device with the lab's credentials and short timeouts."""
    dev = lab.device(hostname)
    values: dict[str, object] = {
        "host": dev.host,
        "port": dev.port,
        "platform": dev.platform,
        "username": dev.username,
        "password": dev.password,
        "enable_secret": dev.enable_secret,
        "timeouts": FAST,
        **overrides,
    }
    return ConnectParams(**values)  # type: ignore[arg-type]
