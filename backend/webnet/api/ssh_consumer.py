"""/ws/devices/<id>/ssh/: the browser terminal's socket (SSHConsumer).

Binary frames carry terminal bytes both ways; text frames carry JSON control messages:
client → server `{"type": "resize", "cols": C, "rows": R}`, server → client
`{"type": "status", "state": "connecting|connected|closed", "message": "..."}`.
Refusals follow the job log socket: 4401 not signed in (or the session fails the rules of
api.ws_guard), 4404 device not visible (another customer's device is "not found"), 4403 role too
low; 4429 (after a readable message) when the
user already has the maximum number of sessions open. The stored credential stays server-side:
the relay decrypts it in its database thread and only device output reaches this socket.
An open terminal ends (4401/4404/4403, audited as "revoked") as soon as a re-check finds the
session logged out or the user no longer allowed on the device.
"""

import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from webnet.api.ws_guard import GuardedConsumer
from webnet.terminal import services
from webnet.terminal.models import EndReason
from webnet.terminal.relay import Relay

DEFAULT_SIZE = (80, 24)
MAX_COLS, MAX_ROWS = 500, 200


def _dimension(value: Any, default: int, ceiling: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, 1), ceiling)


def _initial_size(scope: dict[str, Any]) -> tuple[int, int]:
    query = parse_qs(scope.get("query_string", b"").decode())
    return (
        _dimension(query.get("cols", [None])[0], DEFAULT_SIZE[0], MAX_COLS),
        _dimension(query.get("rows", [None])[0], DEFAULT_SIZE[1], MAX_ROWS),
    )


class SSHConsumer(GuardedConsumer):
    relay: Relay | None = None

    async def connect(self) -> None:
        user = await self.admit()
        if user is None:
            return
        client = self.scope.get("client") or [None]
        device_id = int(self.scope["url_route"]["kwargs"]["device_id"])
        try:
            session = await database_sync_to_async(services.start_session)(
                user, device_id, client[0]
            )
        except services.TerminalRefused as refused:
            self.stop_rechecks()
            if refused.code == services.TOO_MANY:
                await self.accept()
                await self._status({"state": "closed", "message": refused.message})
            await self.close(code=refused.code)
            return
        await self.accept()
        self.device_id = device_id
        self.relay = Relay(
            session.pk,
            device_id,
            _initial_size(self.scope),
            self._bytes,
            self._status,
            self._close,
        )
        await self.relay.start(session.device_hostname)

    async def still_allowed(self, user: Any) -> bool:
        try:
            await database_sync_to_async(services.allowed_device)(user, self.device_id)
        except services.TerminalRefused:
            return False
        return True

    async def revoke(self, code: int, message: str) -> None:
        """End the device session (audited) and tell the browser why, then close."""
        if self.relay is not None:
            await self.relay.finish(EndReason.REVOKED, message)
            await self._status({"state": "closed", "reason": EndReason.REVOKED, "message": message})
        await super().revoke(code, message)

    async def _bytes(self, data: bytes) -> None:
        await self.send(bytes_data=data)

    async def _status(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps({"type": "status", **message}))

    async def _close(self, code: int) -> None:
        await self.close(code=code)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.relay is None:
            return
        if bytes_data is not None:
            self.relay.input(bytes_data)
            return
        try:
            message = json.loads(text_data or "")
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if message.get("type") == "resize":
            self.relay.resize(
                _dimension(message.get("cols"), DEFAULT_SIZE[0], MAX_COLS),
                _dimension(message.get("rows"), DEFAULT_SIZE[1], MAX_ROWS),
            )
        elif message.get("type") == "input" and isinstance(message.get("data"), str):
            self.relay.input(message["data"].encode())

    async def disconnect(self, code: int) -> None:
        """The tab closed (or the socket dropped): close the device session too."""
        await self.leave_guard()
        if self.relay is not None:
            await self.relay.finish(EndReason.CLIENT, "The browser closed the terminal.")
