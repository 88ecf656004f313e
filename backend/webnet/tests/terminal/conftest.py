"""The lab fixture of the job tests, and a small terminal client over the real ASGI stack."""

import asyncio
import json
import re
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from webnet.asgi import application
from webnet.tests.jobs.conftest import LabWorld, start_lab

__all__ = ["LabWorld", "Term", "open_terminal", "start_lab"]


def _cookie(user: Any) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    return [(b"cookie", f"sessionid={session}".encode()), (b"origin", b"http://127.0.0.1")]


class Term:
    """Reads the terminal socket: bytes into `screen`, JSON status messages into `statuses`."""

    def __init__(self, ws: WebsocketCommunicator) -> None:
        self.ws = ws
        self.screen = ""
        self.statuses: list[dict[str, Any]] = []
        self.closed_code: int | None = None

    async def send(self, text: str) -> None:
        await self.ws.send_to(bytes_data=text.encode())

    async def resize(self, cols: int, rows: int) -> None:
        await self.ws.send_to(text_data=json.dumps({"type": "resize", "cols": cols, "rows": rows}))

    async def _receive(self, timeout: float) -> None:
        message = await asyncio.wait_for(self.ws.output_queue.get(), timeout)
        if message["type"] == "websocket.close":
            self.closed_code = message.get("code")
        elif message.get("bytes") is not None:
            self.screen += message["bytes"].decode("utf-8", "replace")
        elif message.get("text") is not None:
            self.statuses.append(json.loads(message["text"]))

    async def expect(self, pattern: str, timeout: float = 10.0) -> re.Match:
        """Wait until the screen (since the last expect) matches `pattern`."""
        regex = re.compile(pattern)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            match = regex.search(self.screen)
            if match:
                self.screen = self.screen[match.end() :]
                return match
            if self.closed_code is not None:
                raise AssertionError(f"closed ({self.closed_code}) waiting for {pattern!r}")
            await self._receive(max(deadline - loop.time(), 0.01))

    async def until_closed(self, timeout: float = 10.0) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.closed_code is None:
            await self._receive(max(deadline - loop.time(), 0.01))
        return self.closed_code


async def open_terminal(
    device_id: int, user: Any = None, query: str = ""
) -> tuple[Term, bool, Any]:
    headers = (
        await database_sync_to_async(_cookie)(user) if user else [(b"origin", b"http://127.0.0.1")]
    )
    ws = WebsocketCommunicator(application, f"/ws/devices/{device_id}/ssh/{query}", headers=headers)
    connected, code = await ws.connect(timeout=10)
    return Term(ws), connected, code
