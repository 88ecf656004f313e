"""Rooms as a service: membership on top of the gate, encrypted bodies, seq, audit of edits."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from webnet.core.models import AuditEvent
from webnet.customers.models import Membership
from webnet.incidents import attachments, rooms
from webnet.incidents.models import Message, MessageRevision, RoomKind, RoomMember
from webnet.tests import factories as f


def _team(n_viewers: int = 1):  # type: ignore[no-untyped-def]
    """given a customer with an operator who opens a team channel with `n_viewers` viewers."""
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    viewers = [f.MembershipFactory(customer=customer).user for _ in range(n_viewers)]
    room = rooms.create_room(
        operator, customer, kind=RoomKind.TEAM, name="noc", member_ids=[v.pk for v in viewers]
    )
    return room, operator, viewers


@pytest.mark.django_db
def test_only_members_of_the_customer_see_and_post() -> None:
    room, operator, (viewer,) = _team()
    colleague = f.MembershipFactory(customer=room.customer).user  # same customer, not a member
    outsider = f.MembershipFactory(role="admin").user
    assert rooms.room_for(viewer, room.pk) == room
    assert rooms.room_for(colleague, room.pk) is None
    assert rooms.room_for(outsider, room.pk) is None
    for user in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            rooms.post_message(user, room, "hello")
    rooms.remove_member(operator, room, viewer.pk)
    with pytest.raises(PermissionDenied):
        rooms.post_message(viewer, room, "still here?")


@pytest.mark.django_db
def test_members_must_belong_to_the_customer_and_direct_threads_have_two() -> None:
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    outsider = f.MembershipFactory().user
    with pytest.raises(ValidationError) as err:
        rooms.create_room(operator, customer, kind="team", name="x", member_ids=[outsider.pk])
    assert "members" in err.value.message_dict
    with pytest.raises(ValidationError):
        rooms.create_room(operator, customer, kind="direct", name="me", member_ids=[])
    viewer = f.MembershipFactory(customer=customer).user
    with pytest.raises(PermissionDenied):  # viewers talk but do not open channels
        rooms.create_room(viewer, customer, kind="direct", name="dm", member_ids=[operator.pk])


@pytest.mark.django_db
def test_bodies_are_encrypted_at_rest_and_edits_and_deletes_leave_revisions() -> None:
    room, operator, (viewer,) = _team()
    message = rooms.post_message(viewer, room, "core-1 is down")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body_encrypted FROM incidents_message WHERE id = %s", [message.pk])
        (stored,) = cursor.fetchone()
    assert "core-1" not in stored and message.body == "core-1 is down"
    with pytest.raises(PermissionDenied):
        rooms.edit_message(operator, message, "not yours")
    rooms.edit_message(viewer, message, "core-1 and core-2 are down")
    rooms.delete_message(viewer, message)
    message.refresh_from_db()
    assert message.body_encrypted == "" and rooms.message_wire(message)["deleted"]
    trail = [(r.action, r.previous, r.actor) for r in MessageRevision.objects.order_by("pk")]
    assert trail == [
        ("edit", "core-1 is down", viewer),
        ("delete", "core-1 and core-2 are down", viewer),
    ]
    with pytest.raises(ValidationError):
        rooms.edit_message(viewer, message, "back")
    audit = AuditEvent.objects.filter(action__startswith="message.").order_by("pk")
    assert [(e.action, e.actor, e.changes) for e in audit] == [
        ("message.edit", viewer, {"seq": message.seq}),
        ("message.delete", viewer, {"seq": message.seq}),
    ]  # a trace of who changed what, never the text


@pytest.mark.django_db
def test_a_sockets_admission_rechecks_each_frame_in_two_queries(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    room, _, (viewer, other) = _team(n_viewers=2)
    admissions = {user: rooms.Admission(user, room) for user in (viewer, other)}
    for user, admission in admissions.items():
        rooms.post_message(user, room, "in", admission=admission)
    with django_assert_num_queries(2):
        assert admissions[viewer].require("add", "message") == room
    RoomMember.objects.filter(room=room, user=viewer).delete()  # out of the room
    Membership.objects.filter(user=other).delete()  # out of the customer (still a room member)
    for user, admission in admissions.items():
        with pytest.raises(PermissionDenied):
            rooms.post_message(user, room, "still in?", admission=admission)
    Membership.objects.create(user=other, customer=room.customer, role="operator")
    assert admissions[other].require("add", "message") == room  # a change: checked afresh


@pytest.mark.django_db
def test_read_markers_move_forward_only_and_count_unread() -> None:
    room, operator, (viewer,) = _team()
    for text in ("a", "b", "c"):
        rooms.post_message(operator, room, text)
    room.refresh_from_db()
    assert rooms.unread_counts(viewer, [room]) == {room.pk: 3}
    assert rooms.mark_read(viewer, room, 2) == 2
    assert rooms.mark_read(viewer, room, 1) == 2
    assert rooms.mark_read(viewer, room, 99) == 3
    room.refresh_from_db()
    assert rooms.unread_counts(viewer, [room]) == {room.pk: 0}


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has no row locks: IMMEDIATE transactions serialize its writers, so posters "
    "cannot race there (make bench-chat counts gaps on it); the room lock is tested on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_posters_get_distinct_consecutive_seqs() -> None:
    room, operator, viewers = _team(n_viewers=3)
    posters = [operator, *viewers]
    errors: list[BaseException] = []

    def post(user) -> None:  # type: ignore[no-untyped-def]
        try:
            for i in range(5):
                rooms.post_message(user, room, f"{user.pk}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(user,)) for user in posters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = sorted(Message.objects.filter(room=room).values_list("seq", flat=True))
    assert seqs == list(range(1, 21))


@pytest.mark.django_db
def test_attachments_have_limits_and_are_for_members_only(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.WEBNET_ATTACHMENT_MAX_BYTES = 1024
    room, operator, (viewer,) = _team()
    too_big = SimpleUploadedFile("big.txt", b"x" * 2048, content_type="text/plain")
    disguised = SimpleUploadedFile("shot.png", b"<script>", content_type="text/html")
    for upload in (too_big, disguised):
        with pytest.raises(ValidationError) as err:
            attachments.attach(viewer, room, upload)
        assert "file" in err.value.message_dict
    ok = SimpleUploadedFile("trace.txt", b"ping 10.0.0.1", content_type="text/plain")
    message = attachments.attach(viewer, room, ok, "trace")
    (attachment,) = message.attachments.all()
    assert attachments.attachment_for(operator, attachment.pk) == attachment
    assert (
        attachments.attachment_for(f.MembershipFactory(customer=room.customer).user, attachment.pk)
        is None
    )
    rooms.remove_member(operator, room, viewer.pk)
    assert attachments.attachment_for(viewer, attachment.pk) is None
