"""One terminal session end to end: browser keystrokes ↔ PTY bridge, with audit and limits.

The WebSocket consumer owns a Relay and feeds it input and resizes; the relay sends device
output and status messages back through the two callbacks it was given, and tells the consumer
to close the socket (with a readable reason) when the device goes away or the user is idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from webnet.drivers import DriverError
from webnet.jobs.hostkeys import remember_host_key
from webnet.terminal import services
from webnet.terminal.bridge import PtyBridge
from webnet.terminal.connect import Destination, destination
from webnet.terminal.models import EndReason
from webnet.terminal.services import HEARTBEAT_SECONDS
from webnet.terminal.transcript import LineRecorder

logger = logging.getLogger("webnet.terminal")

ENABLE_COMMAND = re.compile(r"^\s*en(a(b(le?)?)?)?(\s+\d+)?\s*$", re.I)
CLOSE_DEVICE_GONE = 4000
CLOSE_IDLE = 4408
CLOSE_FAILED = 4502

SendBytes = Callable[[bytes], Awaitable[None]]
SendStatus = Callable[[dict[str, Any]], Awaitable[None]]
CloseSocket = Callable[[int], Awaitable[None]]


class Relay:
    def __init__(
        self,
        session_id: int,
        device_id: int,
        size: tuple[int, int],
        send_bytes: SendBytes,
        send_status: SendStatus,
        close_socket: CloseSocket,
    ) -> None:
        self.session_id = session_id
        self.device_id = device_id
        self.size = size
        self.send_bytes = send_bytes
        self.send_status = send_status
        self.close_socket = close_socket
        self.recorder = LineRecorder()
        self.bytes_in = 0
        self.bytes_out = 0
        self.idle_seconds = float(settings.WEBNET_TERMINAL_IDLE_SECONDS)
        self.last_input = time.monotonic()
        self.bridge: PtyBridge | None = None
        self.enable_secret: str | None = None
        self._awaiting_enable = False
        self._tasks: list[asyncio.Task] = []
        self._ended = False

    async def start(self, hostname: str) -> None:
        await self.send_status({"state": "connecting", "message": f"Connecting to {hostname}…"})
        try:
            dest: Destination = await database_sync_to_async(destination)(self.device_id)
            self.enable_secret = dest.params.enable_secret
            self.bridge = PtyBridge(dest.params, *self.size)
            await self.bridge.open()
        except DriverError as exc:
            await self.finish(EndReason.ERROR, f"Could not connect: {exc}", CLOSE_FAILED)
            return
        except Exception as exc:
            logger.exception("terminal %s: connect failed", self.session_id)
            await self.finish(
                EndReason.ERROR, f"Could not connect ({type(exc).__name__}).", CLOSE_FAILED
            )
            return
        if self.bridge.learned_key is not None:
            await database_sync_to_async(remember_host_key)(dest.target, self.bridge.learned_key)
        await self.send_status({"state": "connected", "message": f"Connected to {hostname}."})
        self._tasks = [
            asyncio.create_task(self._pump()),
            asyncio.create_task(self._watch()),
        ]

    async def _pump(self) -> None:
        assert self.bridge is not None
        while True:
            data = await self.bridge.read()
            if not data:
                await self.finish(
                    EndReason.DEVICE, "The device closed the session.", CLOSE_DEVICE_GONE
                )
                return
            self.bytes_out += len(data)
            self.recorder.output(data)
            await self.send_bytes(data)
            self._answer_enable()

    def _answer_enable(self) -> None:
        """After `enable`, answer the device's secret prompt with the stored enable secret, so
        operators gain privilege without ever learning the secret."""
        if (
            self._awaiting_enable
            and self.enable_secret
            and self.recorder.at_secret_prompt
            and not self.recorder.typing
            and self.bridge is not None
        ):
            self._awaiting_enable = False
            self.bridge.write(self.enable_secret.encode() + b"\r")
            self.recorder.record("(stored enable secret sent)", masked=True)

    async def _watch(self) -> None:
        """Idle timeout, and a heartbeat that saves the transcript so far."""
        tick = max(min(self.idle_seconds / 4, 5.0), 0.05)
        last_beat = time.monotonic()
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            if now - self.last_input >= self.idle_seconds:
                await self.send_bytes(b"\r\n")
                await self.finish(
                    EndReason.IDLE,
                    f"Closed after {self.idle_seconds:g} s without input.",
                    CLOSE_IDLE,
                )
                return
            if now - last_beat >= HEARTBEAT_SECONDS:
                last_beat = now
                await database_sync_to_async(services.heartbeat)(
                    self.session_id, self.recorder.as_list(), self.bytes_in, self.bytes_out
                )

    def input(self, data: bytes) -> None:
        if self.bridge is None or self._ended:
            return
        self.last_input = time.monotonic()
        self.bytes_in += len(data)
        for line in self.recorder.input(data):
            if not line.masked:
                self._awaiting_enable = bool(ENABLE_COMMAND.match(line.text))
        self.bridge.write(data)

    def resize(self, cols: int, rows: int) -> None:
        if self.bridge is not None:
            self.bridge.resize(cols, rows)

    async def finish(self, reason: str, message: str, close_code: int | None = None) -> None:
        """End once: close the device side, store the audit row, tell and close the browser."""
        if self._ended:
            return
        self._ended = True
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        if self.bridge is not None:
            self.bridge.close()
        await database_sync_to_async(services.end_session)(
            self.session_id,
            reason=reason,
            message=message,
            transcript=self.recorder.as_list(),
            bytes_in=self.bytes_in,
            bytes_out=self.bytes_out,
        )
        if close_code is not None:
            with contextlib.suppress(Exception):
                await self.send_status({"state": "closed", "reason": reason, "message": message})
                await self.close_socket(close_code)
