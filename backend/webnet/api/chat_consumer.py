"""The room socket (/ws/chat/<room>/): messages, edits and deletes, typing and read markers,
resumable by seq.

An edit (the author only) or a delete (the author or an admin of the customer) goes to every
socket of the room as an `update` frame, the replay's shape; what cannot be done is an `error`
frame (its `seq` and field errors), never a close — unless the user is no longer a member.

Admission is the HTTP rules (ws_guard) plus incidents.rooms.visible_rooms — the gate and room
membership — on connect, on every re-check AND on every frame the client sends: a member removed
mid-session is refused at their next message (an `error` frame, then close 4404). A room of
another customer, a room the user is not in and a missing room all close with 4404. Per frame
the socket's `rooms.Admission` re-reads only what that answer came from (two small queries).

Database work: writes (messages, read markers) run on the one database thread, so SQLite's single
writer never waits on a lock; reads (admission on connect, replay, the watcher) run on the pool
(thread_sensitive=False: each is one self-contained query set on that thread's own connection),
so reconnects do not queue in front of messages. A plain message is broadcast by the socket
itself once stored (an edit or delete too), from the event loop: the database thread never
waits for a broadcast.

Replay works like the job log: join the room's group, send the stored messages after `after_seq`
and an `update` for each older message edited or deleted since (`Message.changed_seq`), then
forward broadcasts, skipping seqs already sent and refilling from the database when a
broadcast reveals a gap. Changes follow a second cursor, the room's change number
(`Message.change_no`, unique in the room): the socket reads the room's `last_change` before its
replay, and from then on sends each change past its cursor once, in order — a broadcast one
ahead of the cursor as it comes, one further ahead (a change it never heard of lies between)
by reading the changes since from the database (`rooms.changes_since`). A message the socket
already sent in a newer state (the replay reads current state) is not sent again as an older
one. With the in-memory layer other processes' posts and changes never arrive as broadcasts, so
one watcher per process reads the `last_seq` and `last_change` of every room with an open socket
(one query per WEBNET_WS_POLL_SECONDS, however many sockets) and tells a room's sockets when
either moved; each then reads from the database what it has not sent.

Client frames: {"type": "message", "body"}, {"type": "edit", "seq", "body"},
{"type": "delete", "seq"}, {"type": "typing"}, {"type": "read", "seq"},
{"type": "resume", "after_seq"}. Server frames: {"type": "messages", "messages": [...]},
{"type": "update", "message"}, {"type": "typing", "user"}, {"type": "read", "user", "seq"},
{"type": "error", "errors"} (with "seq" for an edit or delete), {"type": "command", ...} (what a
slash command answered).
"""

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from webnet.api.consumers import _query_int
from webnet.api.ws_guard import CLOSE_NOT_FOUND, GuardedConsumer
from webnet.core import broadcasts
from webnet.core.context import RequestContext, current
from webnet.core.numbers import MAX_INT
from webnet.incidents import chat, rooms
from webnet.incidents.models import Message, MessageKind, Room

# Reads that stand alone (no transaction shared with another call) run on the thread pool.
_on_pool = partial(database_sync_to_async, thread_sensitive=False)


@_on_pool
def _open(user: Any, room_id: int) -> rooms.Admission | None:
    return rooms.Admission.open(user, room_id, ("add", "message"))


@_on_pool
def _allowed(admission: rooms.Admission) -> bool:
    try:
        admission.require()
    except PermissionDenied:
        return False
    return True


@database_sync_to_async
def _say(admission: rooms.Admission, body: Any) -> dict[str, Any] | None:
    """Store what the member said: the wire of a plain message, for the socket to send out; None
    for a command, whose answer the room announced itself."""
    message = chat.say(admission.user, admission.room, body, broadcast=False, admission=admission)
    return rooms.message_wire(message, attachments=()) if message.kind == MessageKind.USER else None


@database_sync_to_async
def _change(admission: rooms.Admission, kind: str, seq: int, body: Any) -> dict[str, Any]:
    """Edit or delete the room's message `seq` (the services check who may): its wire, for the
    socket to send out as an update."""
    user = admission.user
    message = rooms.message_at(user, admission.room, seq, admission=admission)
    if kind == "edit":
        message = rooms.edit_message(user, message, body, broadcast=False, admission=admission)
    else:
        message = rooms.delete_message(user, message, broadcast=False, admission=admission)
    return rooms.message_wire(message)


@database_sync_to_async
def _mark_read(admission: rooms.Admission, seq: int) -> int:
    return rooms.mark_read(admission.user, admission.room, seq, admission=admission)


_cursors = _on_pool(rooms.cursors)


class RoomWatcher:
    """The in-memory layer's stand-in for broadcasts from other processes: one task per event
    loop polls the watched rooms' counters (messages and changes) and sends `chat.moved` to a
    room where either moved."""

    def __init__(self) -> None:
        self.rooms: Counter[int] = Counter()
        self.seen: dict[int, tuple[int, int]] = {}
        self.task: asyncio.Task | None = None

    def watch(self, room_id: int, cursors: tuple[int, int]) -> None:
        """Watch a room for a socket whose (sent seq, change cursor) is `cursors`."""
        self.rooms[room_id] += 1
        self.seen.setdefault(room_id, cursors)
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
            for room_id, now in (await _cursors(list(self.rooms))).items():
                if now != self.seen.get(room_id, now):
                    last_seq, last_change = now
                    await get_channel_layer().group_send(
                        rooms.chat_group(room_id),
                        {"type": "chat.moved", "last_seq": last_seq, "last_change": last_change},
                    )
                if room_id in self.rooms:  # (a socket may have left during the await)
                    self.seen[room_id] = now


watcher = RoomWatcher()


_stored = _on_pool(rooms.messages_after)
_changed = _on_pool(rooms.changes_after)
_changed_since = _on_pool(rooms.changes_since)


@contextmanager
def _as_request(scope: dict[str, Any]) -> Iterator[None]:
    """A frame (or the connect) is one unit of work, like a request: its own id for audit and
    logs, and the gate reads the user's memberships once within it."""
    client = scope.get("client") or [None]
    token = current.set(RequestContext(request_id=uuid.uuid4().hex, ip=client[0]))
    try:
        yield
    finally:
        current.reset(token)


def _errors(exc: ValidationError) -> dict[str, Any]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}


def _frame_seq(raw: Any) -> int | None:
    """A frame's seq: a JSON integer (not a boolean, not a string), negative taken as 0; None
    past what a seq column holds (no message has it)."""
    if not isinstance(raw, int) or isinstance(raw, bool) or raw > MAX_INT:
        return None
    return max(raw, 0)


READ_COALESCE_SECONDS = 0.3


class ChatConsumer(GuardedConsumer, AsyncJsonWebsocketConsumer):
    room: Room | None = None
    admission: rooms.Admission
    sent_seq = 0
    sent_change = 0  # the change cursor: every change up to it is reflected in what was sent
    ahead: dict[int, int]  # seq → change_no of a message sent in a state past the cursor
    watched: int | None = None
    read_seq = 0  # the marker as last stored from this socket
    pending_read = 0  # the furthest read frame not stored yet
    read_timer: asyncio.Task | None = None

    async def connect(self) -> None:
        with _as_request(self.scope):
            await self._connect()

    async def _connect(self) -> None:
        user = await self.admit()
        if user is None:
            return
        admission = await _open(user, self.scope["url_route"]["kwargs"]["room_id"])
        if admission is None:
            await self.revoke(CLOSE_NOT_FOUND, "Room not found.")
            return
        self.user, self.admission, self.room = user, admission, admission.room
        after_seq = max(_query_int(self.scope, "after_seq"), 0)
        self.group = rooms.chat_group(self.room.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._resume(after_seq)
        if isinstance(self.channel_layer, InMemoryChannelLayer):
            self.watched = self.room.pk
            watcher.watch(self.room.pk, (self.sent_seq, self.sent_change))

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Each event straight to its handler. Channels' own dispatch first closes stale database
        connections on the database thread — a hop per recipient of every broadcast, queued
        behind the writes there; every database call of this consumer goes through
        database_sync_to_async, which does that on its own thread already."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _resume(self, after_seq: int) -> None:
        """What a client that holds everything up to `after_seq` missed: the messages after it,
        then an `update` for each older message edited or deleted since (no message twice).
        The change cursor is read first: a change made during the replay is past it, and sent
        later unless the replay already carried it."""
        room_id = self.admission.room.pk
        (_, self.sent_change), self.ahead = (await _cursors([room_id]))[room_id], {}
        self.sent_seq = after_seq
        await self._replay()
        above = 0
        while True:
            batch = await _changed(self.room, after_seq, above)
            for message in batch:
                await self._send_update(message)
            if len(batch) < rooms.REPLAY_BATCH:
                return
            above = batch[-1]["seq"]

    async def _replay(self) -> None:
        while True:
            batch = await _stored(self.room, self.sent_seq)
            if not batch:
                return
            self.sent_seq = batch[-1]["seq"]
            for message in batch:
                self._note(message)
            await self.send_json({"type": "messages", "messages": batch})
            if len(batch) < rooms.REPLAY_BATCH:
                return

    def _note(self, message: dict[str, Any]) -> None:
        """Remember a message sent in a state past the change cursor."""
        if message["change"] > self.sent_change:
            self.ahead[message["seq"]] = max(message["change"], self.ahead.get(message["seq"], 0))

    async def _send_update(self, message: dict[str, Any]) -> None:
        """An `update`, unless this socket already sent the message in this state or a newer."""
        if self.ahead.get(message["seq"], 0) >= message["change"]:
            return
        self._note(message)
        await self.send_json({"type": "update", "message": message})

    def _advance_change(self, change: int) -> None:
        self.sent_change = change
        self.ahead = {seq: n for seq, n in self.ahead.items() if n > change}

    async def _catch_up(self) -> None:
        """Every change past the cursor, from the database, in order; messages this socket has
        not sent yet go out first with the replay, in their current state."""
        while True:
            batch = await _changed_since(self.room, self.sent_change)
            if batch and max(message["seq"] for message in batch) > self.sent_seq:
                await self._replay()
            for message in batch:
                await self._send_update(message)
                self._advance_change(message["change"])
            if len(batch) < rooms.REPLAY_BATCH:
                return

    async def chat_moved(self, event: dict[str, Any]) -> None:
        if event["last_seq"] > self.sent_seq:
            await self._replay()
        if event["last_change"] > self.sent_change:
            await self._catch_up()

    async def still_allowed(self, user: Any) -> bool:
        """A re-check (the user read afresh) starts a new admission: the full check again."""
        if self.room is None:
            return False  # a re-check queued before the room was opened: nothing to stream
        self.user = user
        self.admission = rooms.Admission(user, self.room)
        return await _allowed(self.admission)

    async def _refused(self) -> None:
        await self.send_json({"type": "error", "errors": {"room": ["You are not a member."]}})
        await self.revoke(CLOSE_NOT_FOUND, "Room not found.")

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.room is None or not isinstance(content, dict):
            return
        with _as_request(self.scope):
            await self._frame(content)

    async def _frame(self, content: dict[str, Any]) -> None:
        kind = content.get("type")
        if kind == "message":  # chat.say and mark_read check the gate and membership themselves
            await self._send_message(content.get("body"))
            return
        if kind == "read" and isinstance(content.get("seq"), int):
            await self._read(content["seq"])
            return
        if kind in ("edit", "delete"):  # so do the edit and delete services
            await self._change(kind, content)
            return
        if not await _allowed(self.admission):
            await self._refused()
            return
        if kind == "typing":
            await self.channel_layer.group_send(
                self.group, {"type": "chat.typing", "user": self.user.get_username()}
            )
        elif kind == "resume" and (after_seq := _frame_seq(content.get("after_seq"))) is not None:
            await self._resume(after_seq)

    async def _send_message(self, body: Any) -> None:
        try:
            wire = await _say(self.admission, body)
        except ValidationError as exc:
            await self.send_json({"type": "error", "errors": _errors(exc)})
            return
        except PermissionDenied:
            await self._refused()
            return
        if wire is not None:
            await broadcasts.send(self.group, {"type": "chat.message", "message": wire})

    async def _change(self, kind: str, content: dict[str, Any]) -> None:
        """An edit or delete frame; what went wrong is an error frame naming the seq, and a
        member who is no longer one is refused like at a send."""
        seq = _frame_seq(content.get("seq"))
        if seq is None:
            await self._error(None, {"seq": ["Name the message by its seq (a number)."]})
            return
        try:
            wire = await _change(self.admission, kind, seq, content.get("body"))
        except ValidationError as exc:
            await self._error(seq, _errors(exc))
        except Message.DoesNotExist:
            await self._error(seq, {"seq": [f"No message {seq} in this room."]})
        except PermissionDenied as exc:
            if await _allowed(self.admission):  # a member, just not this message's author
                await self._error(seq, {"message": [str(exc)]})
            else:
                await self._refused()
        else:
            await broadcasts.send(self.group, {"type": "chat.update", "message": wire})

    async def _error(self, seq: int | None, errors: dict[str, Any]) -> None:
        await self.send_json({"type": "error", "seq": seq, "errors": errors})

    async def _read(self, seq: int) -> None:
        """Read markers coalesce: a frame that does not move past the stored or pending marker
        costs nothing, and a burst is stored once, READ_COALESCE_SECONDS after its first frame
        (the timer sends this socket a `read.flush` event, so the write runs in turn with the
        frames, never beside them)."""
        if seq <= max(self.read_seq, self.pending_read):
            return
        self.pending_read = seq
        if self.read_timer is None:
            self.read_timer = asyncio.create_task(self._read_later())

    async def _read_later(self) -> None:
        await asyncio.sleep(READ_COALESCE_SECONDS)
        await self.channel_layer.send(self.channel_name, {"type": "read.flush"})

    async def read_flush(self, event: dict[str, Any]) -> None:
        self.read_timer = None
        if self.pending_read and not await self._store_read():
            await self._refused()

    async def _store_read(self) -> bool:
        """Store the pending marker; False when the user is no longer a member."""
        seq, self.pending_read = self.pending_read, 0
        try:
            self.read_seq = max(self.read_seq, await _mark_read(self.admission, seq))
        except PermissionDenied:
            return False
        return True

    async def disconnect(self, code: int) -> None:
        if self.read_timer is not None:
            self.read_timer.cancel()
            self.read_timer = None
        if self.pending_read:  # a burst the client sent just before leaving
            await self._store_read()
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
        """An edited or deleted message: the next change after the cursor goes out as it comes;
        one the cursor passed is not sent again; one further ahead (changes in between never
        broadcast here), or of a message this socket has not sent yet, is read from the
        database with what lies before it."""
        message = event["message"]
        if message["change"] <= self.sent_change:
            return
        if message["change"] > self.sent_change + 1 or message["seq"] > self.sent_seq:
            await self._catch_up()
            return
        await self._send_update(message)
        self._advance_change(message["change"])

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["user"] != self.user.get_username():
            await self.send_json({"type": "typing", "user": event["user"]})

    async def chat_read(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "read", "user": event["user"], "seq": event["seq"]})
