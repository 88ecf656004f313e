"""The room socket (/ws/chat/<room>/): messages, typing and read markers, resumable by seq.

Admission is the HTTP rules (ws_guard) plus incidents.rooms.visible_rooms — the gate and room
membership — on connect, on every re-check AND on every frame the client sends: a member removed
mid-session is refused at their next message (an `error` frame, then close 4404). A room of
another customer, a room the user is not in and a missing room all close with 4404.

Replay works like the job log: join the room's group, send the stored messages after `after_seq`,
then forward broadcasts, skipping seqs already sent and refilling from the database when a
broadcast reveals a gap. With the in-memory layer other processes' posts never arrive as
broadcasts, so one watcher per process reads the `last_seq` of every room with an open socket
(one query per WEBNET_WS_POLL_SECONDS, however many sockets) and tells a room's sockets when it
moved; each then replays from the database what it has not sent.

Client frames: {"type": "message", "body"}, {"type": "typing"}, {"type": "read", "seq"},
{"type": "resume", "after_seq"}. Server frames: {"type": "messages", "messages": [...]},
{"type": "update", "message"}, {"type": "typing", "user"}, {"type": "read", "user", "seq"},
{"type": "error", "errors"}, {"type": "command", ...} (what a slash command answered).
"""

import asyncio
from collections import Counter
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from webnet.api.consumers import _query_int
from webnet.api.ws_guard import CLOSE_NOT_FOUND, GuardedConsumer
from webnet.incidents import chat, rooms
from webnet.incidents.models import Room


@database_sync_to_async
def _room(user: Any, room_id: int) -> Room | None:
    return rooms.room_for(user, room_id)


@database_sync_to_async
def _last_seqs(room_ids: list[int]) -> dict[int, int]:
    return dict(Room.objects.filter(pk__in=room_ids).values_list("pk", "last_seq"))


class RoomWatcher:
    """The in-memory layer's stand-in for broadcasts from other processes: one task per event
    loop polls the watched rooms' counters and sends `chat.moved` to a room that moved."""

    def __init__(self) -> None:
        self.rooms: Counter[int] = Counter()
        self.seen: dict[int, int] = {}
        self.task: asyncio.Task | None = None

    def watch(self, room_id: int, last_seq: int) -> None:
        self.rooms[room_id] += 1
        self.seen.setdefault(room_id, last_seq)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._run())

    def unwatch(self, room_id: int) -> None:
        self.rooms[room_id] -= 1
        if self.rooms[room_id] <= 0:
            del self.rooms[room_id]
            self.seen.pop(room_id, None)

    async def _run(self) -> None:
        while self.rooms:
            await asyncio.sleep(settings.WEBNET_WS_POLL_SECONDS)
            for room_id, last in (await _last_seqs(list(self.rooms))).items():
                if last > self.seen.get(room_id, last):
                    await get_channel_layer().group_send(
                        rooms.chat_group(room_id), {"type": "chat.moved", "last_seq": last}
                    )
                self.seen[room_id] = last


watcher = RoomWatcher()


_stored = database_sync_to_async(rooms.messages_after)
_say = database_sync_to_async(chat.say)
_mark_read = database_sync_to_async(rooms.mark_read)


def _errors(exc: ValidationError) -> dict[str, Any]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}


class ChatConsumer(GuardedConsumer, AsyncJsonWebsocketConsumer):
    room: Room | None = None
    sent_seq = 0
    watched: int | None = None

    async def connect(self) -> None:
        user = await self.admit()
        if user is None:
            return
        room_id = self.scope["url_route"]["kwargs"]["room_id"]
        self.room = await _room(user, room_id)
        if self.room is None:
            await self.revoke(CLOSE_NOT_FOUND, "Room not found.")
            return
        self.user = user
        self.sent_seq = _query_int(self.scope, "after_seq")
        self.group = rooms.chat_group(self.room.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._replay()
        if isinstance(self.channel_layer, InMemoryChannelLayer):
            self.watched = self.room.pk
            watcher.watch(self.room.pk, self.sent_seq)

    async def _replay(self) -> None:
        while True:
            batch = await _stored(self.room, self.sent_seq)
            if not batch:
                return
            self.sent_seq = batch[-1]["seq"]
            await self.send_json({"type": "messages", "messages": batch})
            if len(batch) < rooms.REPLAY_BATCH:
                return

    async def chat_moved(self, event: dict[str, Any]) -> None:
        if event["last_seq"] > self.sent_seq:
            await self._replay()

    async def still_allowed(self, user: Any) -> bool:
        self.user = user
        return await _room(user, self.room.pk) is not None

    async def _refused(self) -> None:
        await self.send_json({"type": "error", "errors": {"room": ["You are not a member."]}})
        await self.revoke(CLOSE_NOT_FOUND, "Room not found.")

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.room is None or not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "message":  # chat.say checks the gate and membership itself
            await self._send_message(content.get("body"))
            return
        if not await self.still_allowed(self.user):
            await self._refused()
            return
        if kind == "typing":
            await self.channel_layer.group_send(
                self.group, {"type": "chat.typing", "user": self.user.get_username()}
            )
        elif kind == "read" and isinstance(content.get("seq"), int):
            await self._read(content["seq"])
        elif kind == "resume" and isinstance(content.get("after_seq"), int):
            self.sent_seq = max(content["after_seq"], 0)
            await self._replay()

    async def _send_message(self, body: Any) -> None:
        try:
            await _say(self.user, self.room, body)
        except ValidationError as exc:
            await self.send_json({"type": "error", "errors": _errors(exc)})
        except PermissionDenied:
            await self._refused()

    async def _read(self, seq: int) -> None:
        try:
            await _mark_read(self.user, self.room, seq)
        except PermissionDenied:
            await self._refused()

    async def disconnect(self, code: int) -> None:
        if self.watched is not None:
            watcher.unwatch(self.watched)
            self.watched = None
        await self.leave_guard()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def chat_message(self, event: dict[str, Any]) -> None:
        message = event["message"]
        if message["seq"] <= self.sent_seq:
            return
        if message["seq"] != self.sent_seq + 1:
            await self._replay()  # a broadcast was missed: fill the gap from the database
            return
        self.sent_seq = message["seq"]
        await self.send_json({"type": "messages", "messages": [message]})

    async def chat_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "update", "message": event["message"]})

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["user"] != self.user.get_username():
            await self.send_json({"type": "typing", "user": event["user"]})

    async def chat_read(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "read", "user": event["user"], "seq": event["seq"]})
