"""A device's live state while the lab runs: running/startup config, files, commit history.

Shared by every session to that device, so what one session pushes the next one reads back.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .fleet import DeviceSpec

if TYPE_CHECKING:
    from .personalities.base import Personality


@dataclass
class LabOptions:
    username: str = "admin"
    password: str = "admin"
    enable_secret: str = "enable"
    latency_ms: float = 0.0
    minute_seconds: float = 60.0  # how long a Junos/XR "minute" lasts (commit confirmed)
    authorized_keys: list[Any] = field(default_factory=list)


class DeviceRuntime:
    def __init__(
        self, spec: DeviceSpec, options: LabOptions, personality_cls: type[Personality]
    ) -> None:
        self.spec = spec
        self.options = options
        self.personality_cls = personality_cls
        self.boot_time = time.time() - spec.uptime_s
        self.running = personality_cls.initial_config(spec)
        self.startup = self.running.copy()
        self.files: dict[str, str] = {}
        self.pending: dict[str, Any] = {}  # EOS configure sessions left uncommitted
        self.history: list[Any] = []  # previous committed configs, newest first
        self.commits: list[tuple[float, str, str]] = []  # (time, user, comment)
        self.last_change = time.time()
        self.last_change_user = options.username
        self.saved_at: float | None = None
        self.tasks: set[asyncio.Task] = set()
        self.sessions: set[Any] = set()
        self.lock = asyncio.Lock()
        # (event, user) callbacks: "change" after every edit, "config" when a config session
        # that changed the running config ends (the SNMP agent sends traps and syslog from these)
        self.observers: list[Callable[[str, str], None]] = []
        # whether the far end of a linked interface is admin up (the lab wires its neighbours)
        self.far_end_up: Callable[[str], bool] = lambda _ifname: True

    @property
    def hostname(self) -> str:
        return self.personality_cls.hostname_of(self.running) or self.spec.hostname

    @property
    def uptime_s(self) -> int:
        return int(time.time() - self.boot_time)

    def touch(self, user: str | None = None) -> None:
        self.last_change = time.time()
        if user:
            self.last_change_user = user
        self.notify("change", self.last_change_user)

    def notify(self, event: str, user: str) -> None:
        for observer in list(self.observers):
            observer(event, user)

    def admin_up(self, ifname: str) -> bool:
        """Whether the running config leaves `ifname` enabled (`shutdown` / Junos `disable`)."""
        if self.spec.platform == "juniper_junos":
            return ("disable",) not in self.running.under("interfaces", ifname)
        node = self.running.section(f"interface {ifname}")
        return node is None or all(child.text != "shutdown" for child in node.children)

    def reboot(self) -> None:
        """A power cycle as the agents see it: uptime and counters restart from zero."""
        self.boot_time = time.time()

    def counter(self, name: str, scale: int = 1) -> int:
        """A believable, ever-growing counter for interface statistics."""
        seed = zlib.crc32(f"{self.spec.hostname}/{name}".encode()) % 997 + 3
        return seed * scale * (self.uptime_s // 60 + 1)

    def spawn(self, coro) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def cancel_tasks(self) -> None:
        for task in list(self.tasks):
            task.cancel()


def uptime_text(seconds: int, style: str = "cisco") -> str:
    years, rem = divmod(seconds, 365 * 86400)
    weeks, rem = divmod(rem, 7 * 86400)
    days, rem = divmod(rem, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    parts = []
    for value, unit in (
        (years, "year"),
        (weeks, "week"),
        (days, "day"),
        (hours, "hour"),
        (minutes, "minute"),
    ):
        if value or unit == "minute":
            parts.append(f"{value} {unit}{'s' if value != 1 else ''}")
    return ", ".join(parts)
