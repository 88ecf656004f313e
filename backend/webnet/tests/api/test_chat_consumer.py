"""The room socket over the real ASGI stack: who gets in, who is refused mid-session, resume."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from webnet.api import chat_consumer
from webnet.asgi import application
from webnet.core.models import AuditEvent
from webnet.incidents import rooms
from webnet.incidents.models import RoomMember
from webnet.tests import factories as f
from webnet.tests.api.test_consumers import _headers
from webnet.tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def _setup():  # type: ignore[no-untyped-def]
    """given a team channel of an operator and a viewer, and users who must not get in."""
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    viewer = f.MembershipFactory(customer=customer).user
    colleague = f.MembershipFactory(customer=customer).user
    outsider = f.MembershipFactory(role="admin").user
    room = rooms.create_room(operator, customer, kind="team", name="noc", member_ids=[viewer.pk])
    return room, operator, viewer, colleague, outsider


async def _connect(path: str, user):  # type: ignore[no-untyped-def]
    ws = WebsocketCommunicator(application, path, headers=await _headers(user))
    connected, code = await ws.connect()
    return ws, connected, code


async def _frames(ws, wanted: str):  # type: ignore[no-untyped-def]
    """The next frame of type `wanted` (typing and read frames in between are skipped)."""
    while True:
        frame = await ws.receive_json_from(timeout=10)
        if frame["type"] == wanted:
            return frame


async def test_two_members_talk_live_with_typing_and_read_markers() -> None:
    room, operator, viewer, _, _ = await _setup()
    a, connected, _ = await _connect(f"/ws/chat/{room.pk}/", operator)
    b, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    assert connected
    await a.send_json_to({"type": "typing"})
    assert await b.receive_json_from(timeout=10) == {"type": "typing", "user": operator.username}
    await a.send_json_to({"type": "message", "body": "core-1 down, looking"})
    for ws in (a, b):
        (got,) = (await _frames(ws, "messages"))["messages"]
        assert (got["seq"], got["author"], got["body"]) == (
            1,
            operator.username,
            "core-1 down, looking",
        )
    await b.send_json_to({"type": "read", "seq": 1})
    assert (await _frames(a, "read")) == {"type": "read", "user": viewer.username, "seq": 1}
    await b.send_json_to({"type": "message", "body": "  "})
    assert "body" in (await _frames(b, "error"))["errors"]
    await a.disconnect()
    await b.disconnect()


async def test_non_members_other_customers_and_missing_rooms_look_the_same() -> None:
    room, _, _, colleague, outsider = await _setup()
    codes = set()
    for user, room_id in ((colleague, room.pk), (outsider, room.pk), (outsider, room.pk + 999)):
        _, connected, code = await _connect(f"/ws/chat/{room_id}/", user)
        assert not connected
        codes.add(code)
    assert codes == {4404}


async def test_a_member_removed_mid_session_is_refused_at_the_next_send() -> None:
    room, _, viewer, _, _ = await _setup()
    ws, connected, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    assert connected
    await ws.send_json_to({"type": "message", "body": "in"})  # admitted to talk, then removed:
    assert (await _frames(ws, "messages"))["messages"][0]["body"] == "in"
    # The re-check broadcast would close it too; drop it to prove the send itself is checked.
    await database_sync_to_async(RoomMember.objects.filter(user=viewer).delete)()
    await ws.send_json_to({"type": "message", "body": "am I still in?"})
    assert (await _frames(ws, "error"))["errors"] == {"room": ["You are not a member."]}
    assert (await ws.receive_output(timeout=10))["code"] == 4404
    assert await database_sync_to_async(room.messages.count)() == 1


async def test_after_seq_replays_every_missed_message_once_in_order() -> None:
    room, operator, viewer, _, _ = await _setup()
    post = database_sync_to_async(rooms.post_message)
    for i in range(1, 6):
        await post(operator, room, f"m{i}")
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq=2", viewer)
    replay = (await _frames(ws, "messages"))["messages"]
    assert [m["seq"] for m in replay] == [3, 4, 5]
    await post(operator, room, "m6")
    live = (await _frames(ws, "messages"))["messages"]
    assert [(m["seq"], m["body"]) for m in live] == [(6, "m6")]
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_a_message_stored_by_another_process_reaches_the_socket(settings) -> None:  # type: ignore[no-untyped-def]
    """Embedded: the job worker's posts are never broadcast here; the room watcher finds them."""
    settings.WEBNET_WS_POLL_SECONDS = 0.1
    room, operator, viewer, _, _ = await _setup()
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    await database_sync_to_async(rooms.post_message)(operator, room, "from afar", broadcast=False)
    (got,) = (await _frames(ws, "messages"))["messages"]
    assert (got["seq"], got["body"]) == (1, "from afar")
    await ws.disconnect()


async def _updates(ws) -> list[dict]:  # type: ignore[no-untyped-def]
    """The `update` frames until the socket falls quiet (read and typing frames skipped)."""
    found = []
    while not await ws.receive_nothing(timeout=0.5):
        frame = await ws.receive_json_from(timeout=10)
        if frame["type"] == "update":
            found.append(frame["message"])
    return found


async def test_a_reconnect_learns_of_edits_and_deletes_it_missed_once_each() -> None:
    room, operator, viewer, _, _ = await _setup()
    post = database_sync_to_async(rooms.post_message)
    edit, delete = (database_sync_to_async(rooms.edit_message),
                    database_sync_to_async(rooms.delete_message))  # fmt: skip
    m1 = await post(operator, room, "m1")
    await edit(operator, m1, "m1 seen edited")  # before m2: seen by whoever holds m2
    m2, m3 = [await post(operator, room, f"m{i}") for i in (2, 3)]
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    assert [m["seq"] for m in (await _frames(ws, "messages"))["messages"]] == [1, 2, 3]
    await ws.disconnect()
    # when, while the viewer is away, older messages change (one twice) and a new one comes
    await edit(operator, m2, "m2 edited")
    await edit(operator, m2, "m2 edited again")
    await delete(operator, m3)
    m4 = await post(operator, room, "m4")
    await edit(operator, m4, "m4 edited")
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq=3", viewer)
    # then the missed message comes in its current state, then one update per changed message
    (new,) = (await _frames(ws, "messages"))["messages"]
    assert (new["seq"], new["body"], new["edited"]) == (4, "m4 edited", True)
    changed = await _updates(ws)
    assert [(m["seq"], m["body"], m["deleted"]) for m in changed] == [
        (2, "m2 edited again", False),
        (3, "", True),
    ]
    assert changed[1]["attachments"] == []
    await ws.disconnect()
    # and a client holding a later message is told nothing again (one holding only m4 would
    # get m4's edit once more: it was made before m5 existed, seen or not, see _change_seq)
    await post(operator, room, "m5")
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq=5", viewer)
    assert await _updates(ws) == []
    await ws.send_json_to({"type": "resume", "after_seq": 2**70})  # no seq: ignored
    await ws.send_json_to({"type": "resume", "after_seq": 2})
    assert [m["seq"] for m in (await _frames(ws, "messages"))["messages"]] == [3, 4, 5]
    assert [m["seq"] for m in await _updates(ws)] == [2]  # not m1: changed before m2 existed
    await ws.disconnect()


async def test_an_edit_with_no_message_after_it_still_reaches_a_reconnect() -> None:
    """The stamp is the next seq, so an edit made right after the client's last message is
    replayed (a stamp of the current seq would look already seen)."""
    room, operator, viewer, _, _ = await _setup()
    message = await database_sync_to_async(rooms.post_message)(operator, room, "only")
    await database_sync_to_async(rooms.edit_message)(operator, message, "only, edited")
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq=1", viewer)
    assert [(m["seq"], m["body"]) for m in await _updates(ws)] == [(1, "only, edited")]
    await ws.disconnect()


async def test_a_burst_of_read_markers_is_stored_once_and_never_goes_back(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a window wide enough that the whole burst lands in it on a loaded machine
    monkeypatch.setattr(chat_consumer, "READ_COALESCE_SECONDS", 2.0)
    room, operator, viewer, _, _ = await _setup()
    for i in range(1, 11):
        await database_sync_to_async(rooms.post_message)(operator, room, f"m{i}")
    a, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq=10", operator)
    b, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq=10", viewer)
    # when the viewer's client sends a marker per message, and a stale one after them
    for seq in [*range(1, 11), 4]:
        await b.send_json_to({"type": "read", "seq": seq})
    # then the room hears of one marker, the furthest, and the stored one is that
    assert await _frames(a, "read") == {"type": "read", "user": viewer.username, "seq": 10}
    assert await a.receive_nothing(timeout=1)
    marker = database_sync_to_async(lambda: room.read_markers.get(user=viewer).seq)
    assert await marker() == 10
    await b.send_json_to({"type": "read", "seq": 3})
    assert await a.receive_nothing(timeout=1)
    assert await marker() == 10
    await a.disconnect()
    await b.disconnect()


async def test_a_read_marker_sent_just_before_leaving_is_kept() -> None:
    room, operator, viewer, _, _ = await _setup()
    await database_sync_to_async(rooms.post_message)(operator, room, "m1")
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq=1", viewer)
    await ws.send_json_to({"type": "read", "seq": 1})
    await ws.disconnect()
    stored = await database_sync_to_async(
        lambda: list(room.read_markers.values_list("user_id", "seq"))
    )()
    assert stored == [(viewer.pk, 1)]


async def _said(ws, body: str) -> dict:  # type: ignore[no-untyped-def]
    await ws.send_json_to({"type": "message", "body": body})
    (message,) = (await _frames(ws, "messages"))["messages"]
    return message


async def test_the_author_edits_and_every_member_sees_it_live_others_may_not() -> None:
    room, operator, viewer, _, _ = await _setup()
    a, _, _ = await _connect(f"/ws/chat/{room.pk}/", operator)
    b, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    seq = (await _said(a, "core-1 down"))["seq"]
    await _frames(b, "messages")
    # when the author edits, both sockets get the update, the replay's shape
    await a.send_json_to({"type": "edit", "seq": seq, "body": "core-1 and core-2 down"})
    for ws in (a, b):
        update = (await _frames(ws, "update"))["message"]
        assert (update["seq"], update["body"], update["edited"], update["deleted"]) == (
            seq,
            "core-1 and core-2 down",
            True,
            False,
        )
    # then the other member may neither edit nor delete it: an error frame, still connected
    await b.send_json_to({"type": "edit", "seq": seq, "body": "mine now"})
    assert await _frames(b, "error") == {
        "type": "error",
        "seq": seq,
        "errors": {"message": ["Only the author edits a message."]},
    }
    await b.send_json_to({"type": "delete", "seq": seq})
    assert (await _frames(b, "error"))["errors"] == {
        "message": ["Only the author (or an admin) deletes a message."]
    }
    # and bad frames are field errors, not a crash
    for frame, field in (
        ({"type": "edit", "seq": 99, "body": "x"}, "seq"),
        ({"type": "edit", "seq": "1", "body": "x"}, "seq"),
        ({"type": "delete", "seq": True}, "seq"),
        ({"type": "delete", "seq": 2**70}, "seq"),
        ({"type": "edit", "seq": seq, "body": "  "}, "body"),
        ({"type": "edit", "seq": seq, "body": ["x"]}, "body"),
        ({"type": "edit", "seq": seq, "body": "x" * 4001}, "body"),
        ({"type": "edit", "seq": seq, "body": "lone \ud800 surrogate"}, "body"),
        ({"type": "edit", "seq": seq, "body": "nul \x00 inside"}, "body"),
        ({"type": "message", "body": "lone \ud800 surrogate"}, "body"),
    ):
        await a.send_json_to(frame)
        assert field in (await _frames(a, "error"))["errors"], frame
    assert (await _said(b, "still here"))["seq"] == seq + 1  # nobody was closed
    stored = await database_sync_to_async(lambda: room.messages.get(seq=seq).body)()
    assert stored == "core-1 and core-2 down"
    trail = AuditEvent.objects.filter(action__startswith="message.")
    actions = await database_sync_to_async(lambda: list(trail.values_list("action", "actor_id")))()
    assert actions == [("message.edit", operator.pk)]
    await a.disconnect()
    await b.disconnect()


async def test_a_member_removed_mid_session_can_no_longer_edit_or_delete() -> None:
    room, _, viewer, _, _ = await _setup()
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    seq = (await _said(ws, "mine"))["seq"]
    await database_sync_to_async(RoomMember.objects.filter(user=viewer).delete)()
    await ws.send_json_to({"type": "delete", "seq": seq})
    assert (await _frames(ws, "error"))["errors"] == {"room": ["You are not a member."]}
    assert (await ws.receive_output(timeout=10))["code"] == 4404
    message = await database_sync_to_async(room.messages.get)(seq=seq)
    assert (message.body, message.deleted_at) == ("mine", None)


async def test_an_admin_deletes_and_the_body_is_never_sent_again() -> None:
    room, operator, viewer, _, _ = await _setup()
    admin = await database_sync_to_async(
        lambda: f.MembershipFactory(customer=room.customer, role="admin").user
    )()
    await database_sync_to_async(rooms.add_member)(operator, room, admin.pk)
    a, _, _ = await _connect(f"/ws/chat/{room.pk}/", operator)
    b, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    moderator, _, _ = await _connect(f"/ws/chat/{room.pk}/", admin)
    seq = (await _said(a, "the enable secret is hunter2"))["seq"]
    await _said(a, "after it")
    for ws in (b, moderator):
        await _frames(ws, "messages")
    # when an admin of the customer (a member, not the author) deletes it
    await moderator.send_json_to({"type": "delete", "seq": seq})
    # then every socket is told, without the body or the attachments
    for ws in (a, b, moderator):
        update = (await _frames(ws, "update"))["message"]
        assert (update["seq"], update["body"], update["deleted"], update["attachments"]) == (
            seq,
            "",
            True,
            [],
        )
    # and it can be neither edited nor deleted again
    await a.send_json_to({"type": "edit", "seq": seq, "body": "back"})
    assert (await _frames(a, "error"))["errors"] == {"message": ["This message cannot be changed."]}
    for ws in (a, b, moderator):
        await ws.disconnect()
    # and no later frame carries its text: not the replay, nor the catch-up of changes
    for after in (0, 1):
        ws, _, _ = await _connect(f"/ws/chat/{room.pk}/?after_seq={after}", viewer)
        frames = []
        while not await ws.receive_nothing(timeout=0.5):
            frames.append(await ws.receive_output(timeout=10))
        assert frames and not any("hunter2" in frame.get("text", "") for frame in frames)
        assert any(f'"seq": {seq}' in frame.get("text", "") for frame in frames)
        await ws.disconnect()


async def test_an_update_for_a_message_the_socket_has_not_sent_comes_as_the_message(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """A message stored without a broadcast (another process) and edited at once: the update
    would run ahead of it, so the socket replays from the database instead, in order."""
    settings.WEBNET_WS_POLL_SECONDS = 30  # the watcher stays out of it
    room, operator, viewer, _, _ = await _setup()
    b, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    a, _, _ = await _connect(f"/ws/chat/{room.pk}/", operator)
    # both replays on connect are done (a socket handles frames and events after its connect),
    # so neither reads the message before its edit
    await a.send_json_to({"type": "typing"})
    await _frames(b, "typing")
    await database_sync_to_async(rooms.post_message)(operator, room, "quiet", broadcast=False)
    await a.send_json_to({"type": "edit", "seq": 1, "body": "quiet, edited"})
    for ws in (a, b):
        (got,) = (await _frames(ws, "messages"))["messages"]
        assert (got["seq"], got["body"], got["edited"]) == (1, "quiet, edited", True)
        assert await _updates(ws) == []
        await ws.disconnect()


async def test_an_edit_and_a_delete_over_rest_reach_the_open_sockets() -> None:
    room, operator, viewer, _, _ = await _setup()
    ws, _, _ = await _connect(f"/ws/chat/{room.pk}/", viewer)
    await database_sync_to_async(rooms.post_message)(operator, room, "via the api")
    await _frames(ws, "messages")
    client = client_for(operator)
    url = f"/api/v1/rooms/{room.pk}/messages/1/"
    patch = database_sync_to_async(lambda: client.patch(url, {"body": "edited"}, format="json"))
    assert (await patch()).status_code == 200
    assert (await _frames(ws, "update"))["message"]["body"] == "edited"
    assert (await database_sync_to_async(client.delete)(url)).status_code == 204
    assert (await _frames(ws, "update"))["message"]["deleted"]
    await ws.disconnect()
