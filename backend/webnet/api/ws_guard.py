"""Admission for every WebSocket: users.sessions' rules on connect, and again while it is open.

A socket joins its user's and its session's groups (core.broadcasts). A logout, a membership or
customer-rule change, an enrolment or a password change is broadcast there as `session.recheck`;
every WEBNET_WS_RECHECK_SECONDS the socket asks itself the same (a broadcast can be lost, a
session can expire). A re-check reads the session afresh — logged out, expired or invalidated
closes with 4401 — then asks the consumer whether the gate still lets the user see what the
socket streams (4404 otherwise).
"""

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from webnet.core import broadcasts
from webnet.users import sessions

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


class GuardedConsumer(AsyncWebsocketConsumer):
    """Base of every consumer (JSON ones list it before AsyncJsonWebsocketConsumer)."""

    _guard_groups: tuple[str, ...] = ()
    _recheck_timer: asyncio.Task | None = None

    async def admit(self) -> Any | None:
        """The signed-in user, the socket joined to its re-check groups; None once refused."""
        user = self.scope.get("user")
        session = self.scope.get("session")
        if (
            user is None
            or not user.is_authenticated
            or session is None
            or not session.session_key
            or await database_sync_to_async(sessions.refusal)(user, session)
        ):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return None
        self._guard_groups = (
            broadcasts.user_group(user.pk),
            broadcasts.session_group(session.session_key),
        )
        for group in self._guard_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self._recheck_timer = asyncio.create_task(self._tick())
        return user

    async def _tick(self) -> None:
        """Queue a re-check on the socket's own channel: handled in turn with its other events."""
        while True:
            await asyncio.sleep(settings.WEBNET_WS_RECHECK_SECONDS)
            await self.channel_layer.send(self.channel_name, dict(broadcasts.RECHECK))

    async def session_recheck(self, event: dict[str, Any]) -> None:
        user = await database_sync_to_async(sessions.signed_in_user)(
            self.scope["session"].session_key
        )
        if user is None or user.pk != self.scope["user"].pk:
            await self.revoke(CLOSE_UNAUTHENTICATED, "You were signed out.")
            return
        self.scope["user"] = user
        if not await self.still_allowed(user):
            await self.revoke(CLOSE_NOT_FOUND, "Your access to this has been removed.")

    async def still_allowed(self, user: Any) -> bool:
        """Whether the gate still shows `user` what this socket streams (adjusting if needed)."""
        raise NotImplementedError

    async def revoke(self, code: int, message: str) -> None:
        """End the socket after a failed re-check; consumers with more to close extend it."""
        self.stop_rechecks()
        await self.close(code=code)

    def stop_rechecks(self) -> None:
        """For a consumer that closes the socket itself."""
        if self._recheck_timer is not None:
            self._recheck_timer.cancel()
            self._recheck_timer = None

    async def leave_guard(self) -> None:
        """For disconnect(): stop re-checking and leave the re-check groups."""
        self.stop_rechecks()
        for group in self._guard_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
