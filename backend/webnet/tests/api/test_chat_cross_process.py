"""Edits and deletes another process makes reach the open room sockets of this one, live.

Embedded, the job worker is a second process with its own in-memory channel layer: what it
broadcasts no socket here hears. The changes are made here by a real child process (`manage.py
shell` on the test database, through the same services), and the sockets are Channels'
communicators over the real ASGI application of this process: each change must arrive once, in
the room's change order, whether it came through the room watcher, a local broadcast or the
database read a gap in the change numbers causes.
"""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings

from webnet.incidents import rooms
from webnet.tests.api.test_chat_consumer import _connect, _frames, _setup
from webnet.tests.conftest import client_for
from webnet.tests.database import database_url

pytestmark = pytest.mark.django_db(transaction=True)

_CHANGE = """
import json
from django.contrib.auth import get_user_model
from webnet.incidents import rooms
from webnet.incidents.models import Room
for kind, user_id, room_id, seq, body in json.loads({changes!r}):
    user = get_user_model().objects.get(pk=user_id)
    message = rooms.message_at(user, Room.objects.get(pk=room_id), seq)
    if kind == "edit":
        rooms.edit_message(user, message, body)
    else:
        rooms.delete_message(user, message)
"""


async def _elsewhere(*changes: tuple[str, int, int, int, str | None]) -> None:
    """(kind, user id, room id, seq, body) edits and deletes, made in that order by another
    process (it broadcasts them on a channel layer of its own, as the embedded worker does)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ENCRYPTION_KEY": ",".join(django_settings.ENCRYPTION_KEYS),
    }
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    script = _CHANGE.format(changes=json.dumps(changes))
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(manage), "shell", "-c", script],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


async def _frames_until_quiet(ws) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every frame but typing and read markers, until the socket falls quiet for a second
    (several watcher polls: a change sent twice would show)."""
    found = []
    while not await ws.receive_nothing(timeout=1.0):
        frame = await ws.receive_json_from(timeout=10)
        if frame["type"] not in ("typing", "read"):
            found.append(frame)
    return found


def _changes(frames: list[dict]) -> list[tuple]:
    assert {frame["type"] for frame in frames} <= {"update"}, frames
    return [
        (m["change"], m["seq"], m["body"], m["deleted"]) for m in (f["message"] for f in frames)
    ]


async def _room_of_three(settings, poll_seconds: float):  # type: ignore[no-untyped-def]
    """given a team channel with three messages, the viewer's socket and the operator's."""
    settings.WEBNET_WS_POLL_SECONDS = poll_seconds
    room, operator, viewer, _, _ = await _setup()
    for i in (1, 2, 3):
        await database_sync_to_async(rooms.post_message)(operator, room, f"m{i}")
    sockets = []
    for user in (viewer, operator):
        ws, connected, _ = await _connect(f"/ws/chat/{room.pk}/", user)
        assert connected
        assert [m["seq"] for m in (await _frames(ws, "messages"))["messages"]] == [1, 2, 3]
        sockets.append(ws)
    return room, operator, sockets


async def test_changes_another_process_makes_reach_the_sockets_once_in_order(settings) -> None:  # type: ignore[no-untyped-def]
    room, operator, sockets = await _room_of_three(settings, poll_seconds=0.1)
    # when another process edits m1, deletes m2 and edits m3 (nothing broadcast here)
    await _elsewhere(
        ("edit", operator.pk, room.pk, 1, "m1 from afar"),
        ("delete", operator.pk, room.pk, 2, None),
        ("edit", operator.pk, room.pk, 3, "m3 from afar"),
    )
    # then the room watcher finds them: each socket gets each change once, in order
    for ws in sockets:
        assert _changes(await _frames_until_quiet(ws)) == [
            (1, 1, "m1 from afar", False),
            (2, 2, "", True),
            (3, 3, "m3 from afar", False),
        ]
    # and a reconnect gets the messages after its seq, then every change in the latest state
    # (at least once: `after_seq` is no change cursor, and an update replaces by seq)
    viewer = sockets[0]
    await viewer.disconnect()
    latest = {1: ("update", 1, 1), 2: ("update", 2, 2), 3: ("update", 3, 3)}
    for after, expected in (
        (3, [latest[1], latest[2], latest[3]]),
        (1, [("messages", 2, 2), ("messages", 3, 3), latest[1]]),
    ):
        ws, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq={after}", operator)
        frames = await _frames_until_quiet(ws)
        seen = [
            (f["type"], m["seq"], m["change"])
            for f in frames
            for m in f.get("messages", [f.get("message")])
        ]
        assert seen == expected
        await ws.disconnect()
    await sockets[1].disconnect()


async def test_local_and_remote_changes_interleave_without_duplicates(settings) -> None:  # type: ignore[no-untyped-def]
    """Changes this process pushed itself are not sent again when the watcher sees the room's
    change counter move; those of the other process come between them, in their order."""
    room, operator, sockets = await _room_of_three(settings, poll_seconds=0.1)
    author = sockets[1]
    # when the author edits m1 over its socket (pushed at once), another process edits m2 and
    # m1 again, and the author edits m3 over REST (a broadcast of this process again)
    await author.send_json_to({"type": "edit", "seq": 1, "body": "m1 here"})
    for ws in sockets:
        assert (await _frames(ws, "update"))["message"]["change"] == 1
    await _elsewhere(
        ("edit", operator.pk, room.pk, 2, "m2 from afar"),
        ("edit", operator.pk, room.pk, 1, "m1 from afar"),
    )
    client = client_for(operator)
    url = f"/api/v1/rooms/{room.pk}/messages/3/"
    patch = database_sync_to_async(lambda: client.patch(url, {"body": "m3 here"}, format="json"))
    assert (await patch()).status_code == 200
    # then every socket gets every later change once, in the room's order
    for ws in sockets:
        assert _changes(await _frames_until_quiet(ws)) == [
            (2, 2, "m2 from afar", False),
            (3, 1, "m1 from afar", False),
            (4, 3, "m3 here", False),
        ]
        await ws.disconnect()


async def test_changes_no_broadcast_told_of_come_before_the_next_one_from_the_database(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """The watcher stays out of it (a long poll): a local change two numbers past the socket's
    cursor makes it read what lies between. A message changed twice since comes once, as it is
    now, so the text a later delete removed is never sent."""
    room, operator, sockets = await _room_of_three(settings, poll_seconds=30)
    await _elsewhere(
        ("edit", operator.pk, room.pk, 1, "m1 says hunter2"),
        ("delete", operator.pk, room.pk, 1, None),
        ("edit", operator.pk, room.pk, 2, "m2 from afar"),
    )
    edit = database_sync_to_async(rooms.edit_message)
    await edit(operator, await database_sync_to_async(room.messages.get)(seq=3), "m3 here")
    for ws in sockets:
        frames = await _frames_until_quiet(ws)
        assert _changes(frames) == [
            (2, 1, "", True),
            (3, 2, "m2 from afar", False),
            (4, 3, "m3 here", False),
        ]
        assert "hunter2" not in json.dumps(frames)
        await ws.disconnect()
