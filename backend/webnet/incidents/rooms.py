"""What people do in rooms: open them, manage members, post, edit, delete, read, attach.

Access is two things at once: the gate (`restrict`: the user's role in the room's customer) and
membership (explicit members; an incident room also admits the people its incident names, see
`member_condition`). `visible_rooms` is the one query for both, used by the API, the UI and the
chat consumer on connect and on every send, so a member removed mid-session is refused at the
next message and a room of another customer looks exactly like a missing one. A socket keeps an
`Admission`: the full check once, then per frame only a re-read of what that answer came from.

Every stored message is broadcast after commit to the room's group; the socket is a hint, the
database is the truth (consumers resume from `after_seq`). An edit or a delete takes the room's
next change number (`change_no`) under the same lock, so a socket follows changes by a cursor
(`changes_since`) as it follows messages by seq, whichever process made them.
"""

from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from webnet.core import access, audit, broadcasts, crypto
from webnet.core.querysets import ScopedQuerySet
from webnet.customers.models import Customer
from webnet.incidents.discard import discard_attachments
from webnet.incidents.models import (
    Attachment,
    Incident,
    Message,
    MessageKind,
    MessageRevision,
    ReadMarker,
    RevisionAction,
    Room,
    RoomKind,
    RoomMember,
)

MAX_BODY = 4000
REPLAY_BATCH = 500
ROOM_NAME_MAX: int = Room._meta.get_field("name").max_length or 100


def member_condition(user: Any) -> Q:
    """Rooms `user` is in: an explicit member, or (incident rooms) the incident's assignee, one
    of its team or a watcher."""
    return (
        Q(members__user=user)
        | Q(incident__assignee=user)
        | Q(incident__team__members=user)
        | Q(incident__watchers=user)
    )


def chat_group(room_id: int) -> str:
    return f"chat-{room_id}"


def visible_rooms(user: Any, action: str = "view", resource: str = "room") -> ScopedQuerySet:
    """Rooms where the user's role allows `action` on `resource` and that `user` is a member
    of (staff: every room)."""
    rooms = Room.objects.restrict(user, action, resource=resource).filter(
        Q(incident__isnull=True) | Q(incident__in=Incident.objects.restrict(user, "view"))
    )  # an incident room follows its incident's location scope
    if getattr(user, "is_superuser", False):
        return rooms
    member_of = Room.objects.filter(member_condition(user)).values("pk")
    return rooms.filter(pk__in=member_of)


def room_for(user: Any, room_id: int, action: str = "view", resource: str = "room") -> Room | None:
    return visible_rooms(user, action, resource).filter(pk=room_id).first()


def _customer_users(customer_id: int, user_ids: Iterable[int]) -> list[Any]:
    """The users among `user_ids` who hold a role in the customer (others cannot be members)."""
    ids = set(user_ids)
    users = list(
        get_user_model().objects.filter(pk__in=ids, memberships__customer_id=customer_id).distinct()
    )
    if len(users) != len(ids):
        raise ValidationError({"members": "Members must belong to the room's customer."})
    return users


@transaction.atomic
def create_room(
    actor: Any, customer: Customer, *, kind: str, name: str, member_ids: Iterable[int] = ()
) -> Room:
    """A team channel or a direct thread (incident rooms come with their incident); the actor
    is always a member; a direct thread has exactly two."""
    access.require(actor, "room", "add", customer.pk)
    if kind not in (RoomKind.TEAM, RoomKind.DIRECT):
        raise ValidationError({"kind": "Only team channels and direct threads are opened here."})
    if "\x00" in name or len(name.strip()) > ROOM_NAME_MAX:
        raise ValidationError({"name": "Use printable text, at most 100 characters."})
    members = _customer_users(customer.pk, {*member_ids, actor.pk})
    if kind == RoomKind.DIRECT and len(members) != 2:
        raise ValidationError({"members": "A direct thread is between you and one other user."})
    room = Room.objects.create(customer=customer, kind=kind, name=name.strip(), created_by=actor)
    RoomMember.objects.bulk_create(
        RoomMember(customer=customer, room=room, user=user) for user in members
    )
    audit.record("room.create", actor=actor, customer_id=customer.pk, obj=room)
    return room


def incident_room(incident: Incident) -> Room:
    """The incident's room, made on first use (its people are members through the incident, so
    nothing needs copying when the assignee, team or watchers change)."""
    room = Room.objects.filter(incident=incident).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Room.objects.create(
                customer_id=incident.customer_id,
                kind=RoomKind.INCIDENT,
                name=str(incident)[:100],
                incident=incident,
            )
    except IntegrityError:  # made at the same moment by another request
        return Room.objects.get(incident=incident)


@transaction.atomic
def add_member(actor: Any, room: Room, user_id: int) -> RoomMember:
    access.require(actor, "roommember", "add", room.customer_id)
    (user,) = _customer_users(room.customer_id, [user_id])
    member, _ = RoomMember.objects.get_or_create(
        room=room, user=user, defaults={"customer_id": room.customer_id}
    )
    audit.record("room.member_add", actor=actor, customer_id=room.customer_id, obj=room,
                 changes={"user": user.get_username()})  # fmt: skip
    return member


@transaction.atomic
def remove_member(actor: Any, room: Room, user_id: int) -> None:
    """Remove an explicit member; their open sockets are refused at their next message and
    closed at the next re-check (sent now)."""
    access.require(actor, "roommember", "delete", room.customer_id)
    RoomMember.objects.filter(room=room, user_id=user_id).delete()
    audit.record("room.member_remove", actor=actor, customer_id=room.customer_id, obj=room,
                 changes={"user_id": user_id})  # fmt: skip
    broadcasts.recheck_users_on_commit(user_id)


def message_wire(
    message: Message, attachments: Iterable[Attachment] | None = None
) -> dict[str, Any]:
    """A message as the socket and the API send it (the body decrypted, gone once deleted);
    `attachments` when the caller has them (a message just stored), else they are read."""
    author = message.author
    return {
        "id": message.pk,
        "seq": message.seq,
        "kind": message.kind,
        "author": author.get_username() if author else None,
        "body": "" if message.deleted_at else message.body,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": message.deleted_at is not None,
        "change": message.change_no,
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "size": a.size,
                "content_type": a.content_type,
                "url": f"/rooms/attachments/{a.pk}/",
                "thumbnail_url": f"/rooms/attachments/{a.pk}/thumbnail/" if a.thumbnail else None,
            }
            for a in (message.attachments.all() if attachments is None else attachments)
        ]
        if not message.deleted_at
        else [],
    }


def messages_after(room: Room, after_seq: int, limit: int = REPLAY_BATCH) -> list[dict[str, Any]]:
    """Stored messages with seq > after_seq, in order (at most `limit`)."""
    return _wires(room, "seq", limit, seq__gt=after_seq)


def _wires(room: Room, order: str, limit: int, **where: Any) -> list[dict[str, Any]]:
    """The wires of the room's messages matching `where`, by `order` (at most `limit`)."""
    rows = (
        Message.objects.for_customer(room.customer_id)
        .filter(room=room, **where)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by(order)[:limit]
    )
    return [message_wire(row) for row in rows]


def changes_after(
    room: Room, after_seq: int, above_seq: int = 0, limit: int = REPLAY_BATCH
) -> list[dict[str, Any]]:
    """Messages a client resuming after `after_seq` holds in an older state: seq ≤ after_seq,
    edited or deleted since (changed_seq > after_seq), in seq order from `above_seq` (at most
    `limit`); each once, in its current state (a deleted body is not sent)."""
    return _wires(
        room, "seq", limit, changed_seq__gt=after_seq, seq__gt=above_seq, seq__lte=after_seq
    )


def changes_since(room: Room, change_no: int, limit: int = REPLAY_BATCH) -> list[dict[str, Any]]:
    """Messages whose latest change is past the change cursor `change_no`, in change order (at
    most `limit`), in their current state: a message changed twice since is sent once, as it is
    now (never the text a later delete removed)."""
    return _wires(room, "change_no", limit, change_no__gt=change_no)


def cursors(room_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """room id → (last_seq, last_change): where each room's messages and changes are."""
    rows = Room.objects.filter(pk__in=list(room_ids)).values_list("pk", "last_seq", "last_change")
    return {pk: (last_seq, last_change) for pk, last_seq, last_change in rows}


def announce(room_id: int, kind: str, payload: dict[str, Any]) -> None:
    """Tell the room's sockets after commit (a lost broadcast is refilled from `after_seq`)."""
    message = {"type": kind, **payload}
    transaction.on_commit(lambda: broadcasts.send_sync(chat_group(room_id), message))


def _advance(room_id: int, seqs: int, changes: int) -> tuple[int, int]:
    """The room's counters (last_seq, last_change) moved in a single UPDATE … RETURNING: the
    statement takes the room's row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE), so
    writers of one room queue there and each reads back the values its own change made."""
    quote = connection.ops.quote_name
    table, pk = quote(Room._meta.db_table), quote(str(Room._meta.pk.column))  # type: ignore[union-attr]
    seq = quote(str(Room._meta.get_field("last_seq").column))
    change = quote(str(Room._meta.get_field("last_change").column))
    # Identifiers come from the model, the values are parameters.
    sql = (
        f"UPDATE {table} SET {seq} = {seq} + %s, {change} = {change} + %s "  # noqa: S608
        f"WHERE {pk} = %s RETURNING {seq}, {change}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [seqs, changes, room_id])
        row = cursor.fetchone()
    if row is None:  # deleted since it was checked
        raise PermissionDenied("You are not a member of this room.")
    return int(row[0]), int(row[1])


def _next_seq(room_id: int) -> int:
    return _advance(room_id, 1, 0)[0]


def _change_stamps(room_id: int) -> tuple[int, int]:
    """The stamps of an edit or delete, under the lock that assigns seqs: its `changed_seq` (the
    seq the next message will take: a client holding that message got the change, live or in
    the replay when it connected after it; one holding less is replayed it by `changes_after` —
    at least once: a client whose cursor is exactly the seq before the stamp may have seen it
    live, and an update is idempotent) and its `change_no` (the room's next change number: the
    cursor an open socket follows, exactly once)."""
    last_seq, last_change = _advance(room_id, 0, 1)
    return last_seq + 1, last_change


def _store(room: Room, kind: str, author: Any, body: str) -> Message:
    """The next seq of the room and the message, in one transaction."""
    return Message.objects.create(
        customer_id=room.customer_id,
        room=room,
        seq=_next_seq(room.pk),
        kind=kind,
        author=author,
        body_encrypted=crypto.encrypt(body),
    )


def _clean_body(body: Any, *, allow_empty: bool = False) -> str:
    """The text to store, or a field error: a socket's JSON can carry a NUL or a lone surrogate
    (which cannot be encrypted as UTF-8), where the API's serializers refuse them first."""
    text = body.strip() if isinstance(body, str) else ""
    if not text and not allow_empty:
        raise ValidationError({"body": "A message needs some text."})
    if len(text) > MAX_BODY:
        raise ValidationError({"body": f"At most {MAX_BODY} characters."})
    try:
        printable = bool(text.encode("utf-8")) and "\x00" not in text
    except UnicodeEncodeError:
        printable = False
    if text and not printable:
        raise ValidationError({"body": "Use printable text."})
    return text


def require_member(
    actor: Any,
    room: Room,
    action: str = "view",
    resource: str = "room",
    admission: "Admission | None" = None,
) -> Room:
    """The room re-read through the gate and membership, or PermissionDenied; a socket passes
    its `admission` (of the same actor and room) to re-check cheaply."""
    if admission is not None:
        return admission.require(action, resource)
    fresh = room_for(actor, room.pk, action, resource)
    if fresh is None:
        raise PermissionDenied("You are not a member of this room.")
    return fresh


class Admission:
    """A socket's standing in its room, re-checked on every frame for two small queries.

    Each check first re-reads `key()`, what `room_for` answers from besides the user's own flags;
    while the key is the one an action already passed under, the answer is the same, so the full
    check (`require_member`) runs again only after a change: a member removed mid-session is
    still refused at their next message.
    """

    def __init__(self, user: Any, room: Room) -> None:
        self.user = user
        self.room = room
        self._key: tuple[Any, ...] | None = None
        self._passed: set[tuple[str, str]] = set()
        self._state_sql: tuple[str, tuple[Any, ...]] | None = None  # compiled on first use

    @classmethod
    def open(cls, user: Any, room_id: int, *also: tuple[str, str]) -> "Admission | None":
        """A socket's admission on connect, None when the user may not see the room; the
        (action, resource) pairs in `also` are checked now too (each may fail: the socket then
        refuses that frame), so that a first message does not pay for the full check."""
        room = Room.objects.filter(pk=room_id).first()  # its customer and incident, unchecked
        if room is None:
            return None
        admission = cls(user, room)
        try:
            admission.require()
        except PermissionDenied:
            return None
        for action, resource in also:
            with suppress(PermissionDenied):
                admission.require(action, resource)
        return admission

    def key(self) -> tuple[Any, ...] | None:
        """The user's level and location scope in the room's customer (the gate's own read) and
        whether the room still exists with the user in it. None when the answer depends on
        more: a location-scoped user in an incident room (the incident may leave the scope)."""
        roles, scopes = access.standing(self.user)
        scope = scopes.get(self.room.customer_id)
        if scope is not None and self.room.incident_id is not None:
            return None
        if self._state_sql is None:
            inside = Room.objects.filter(pk=OuterRef("pk")).filter(member_condition(self.user))
            state = Room.objects.filter(pk=self.room.pk).annotate(inside=Exists(inside))
            self._state_sql = state.values_list("inside").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(*self._state_sql)
            return roles.get(self.room.customer_id), scope, tuple(cursor.fetchall())

    def require(self, action: str = "view", resource: str = "room") -> Room:
        key = self.key()  # read before the check it will stand for
        if key is None or key != self._key:
            self._key, self._passed = key, set()
        if (action, resource) not in self._passed:
            self.room = require_member(self.user, self.room, action, resource)
            if key is not None:
                self._passed.add((action, resource))
        return self.room


@transaction.atomic
def post_message(
    actor: Any,
    room: Room,
    body: Any,
    *,
    allow_empty: bool = False,
    broadcast: bool = True,
    admission: Admission | None = None,
) -> Message:
    """A member's message (checked afresh: a removed member is refused here); `broadcast=False`
    for a caller that completes the message (attachments) or sends it itself (the socket)."""
    text = _clean_body(body, allow_empty=allow_empty)
    # the role to talk and the membership at once
    require_member(actor, room, "add", "message", admission=admission)
    message = _store(room, MessageKind.USER, actor, text)
    if broadcast:
        announce(room.pk, "chat.message", {"message": message_wire(message, attachments=())})
    return message


@transaction.atomic
def post_system(room: Room, body: str, actor: Any = None) -> Message:
    """What a command or the incident did, said in the room (no membership check: the service
    that did it checked its actor)."""
    message = _store(room, MessageKind.SYSTEM, actor, body[:MAX_BODY])
    announce(room.pk, "chat.message", {"message": message_wire(message, attachments=())})
    return message


def message_at(actor: Any, room: Room, seq: int, admission: Admission | None = None) -> Message:
    """The message `seq` of a room the actor is (still) a member of: PermissionDenied when they
    are not, Message.DoesNotExist when the room has no such message (checked in that order,
    so a non-member learns nothing of the room's seqs)."""
    room = require_member(actor, room, admission=admission)
    message = Message.objects.for_customer(room.customer_id).filter(room=room, seq=seq).first()
    if message is None:
        raise Message.DoesNotExist(f"No message {seq} in this room.")
    return message


def _changeable(actor: Any, message: Message, admission: Admission | None) -> tuple[int, int]:
    """The change's stamps (`_change_stamps`, so the room is locked first and the message re-read
    under that lock: an edit racing a delete sees it), once the actor may change it (a refusal
    rolls the counter back with its transaction)."""
    if admission is not None and admission.room.pk != message.room_id:
        raise PermissionDenied("You are not a member of this room.")
    stamp = _change_stamps(message.room_id)
    message.refresh_from_db()
    require_member(actor, message.room, admission=admission)
    if message.kind != MessageKind.USER or message.deleted_at:
        raise ValidationError({"message": "This message cannot be changed."})
    return stamp


def _revise(
    actor: Any,
    message: Message,
    action: str,
    stamp: tuple[int, int],
    body: str | None,
    broadcast: bool,
) -> Message:
    """Keep the previous body as an encrypted revision, store the new one (None: deleted, and
    its files go too), leave an audit trace (the seq, never the text) and tell the room
    (`broadcast`)."""
    MessageRevision.objects.create(
        customer_id=message.customer_id,
        message=message,
        action=action,
        actor=actor,
        previous_encrypted=message.body_encrypted,
    )
    stamped = "edited_at" if body is not None else "deleted_at"
    setattr(message, stamped, timezone.now())
    message.body_encrypted = crypto.encrypt(body) if body is not None else ""
    message.changed_seq, message.change_no = stamp
    message.save(update_fields=["body_encrypted", stamped, "changed_seq", "change_no"])
    if body is None:
        discard_attachments(message)
    audit.record(f"message.{action}", actor=actor, customer_id=message.customer_id,
                 obj=message.room, changes={"seq": message.seq})  # fmt: skip
    if broadcast:
        announce(message.room_id, "chat.update", {"message": message_wire(message)})
    return message


@transaction.atomic
def edit_message(
    actor: Any,
    message: Message,
    body: Any,
    *,
    broadcast: bool = True,
    admission: Admission | None = None,
) -> Message:
    """The author's new text. `broadcast` and `admission` are post_message's (a socket sends
    its own changes out and re-checks through its admission, of the same actor and room)."""
    text = _clean_body(body)
    stamp = _changeable(actor, message, admission)
    if message.author_id != actor.pk:
        raise PermissionDenied("Only the author edits a message.")
    return _revise(actor, message, RevisionAction.EDIT, stamp, text, broadcast)


@transaction.atomic
def delete_message(
    actor: Any, message: Message, *, broadcast: bool = True, admission: Admission | None = None
) -> Message:
    """The body leaves the message; the revision keeps it (encrypted) with who deleted it.
    `broadcast` and `admission` as in edit_message."""
    stamp = _changeable(actor, message, admission)
    if message.author_id != actor.pk and not access.can(
        actor, "message", "moderate", message.customer_id
    ):
        raise PermissionDenied("Only the author (or an admin) deletes a message.")
    return _revise(actor, message, RevisionAction.DELETE, stamp, None, broadcast)


@transaction.atomic
def mark_read(actor: Any, room: Room, seq: int, admission: Admission | None = None) -> int:
    """Move the actor's read marker forward to `seq` (clamped to the room's last seq)."""
    room = require_member(actor, room, admission=admission)
    last_seq = Room.objects.filter(pk=room.pk).values_list("last_seq", flat=True).first() or 0
    seq = max(0, min(seq, last_seq))
    marker, _ = ReadMarker.objects.get_or_create(
        room=room, user=actor, defaults={"customer_id": room.customer_id}
    )
    # one conditional UPDATE: of two sockets of the same user racing, only the further moves it
    if seq > marker.seq and ReadMarker.objects.filter(pk=marker.pk, seq__lt=seq).update(seq=seq):
        marker.seq = seq
        announce(room.pk, "chat.read", {"user": actor.get_username(), "seq": seq})
    return marker.seq


def unread_counts(user: Any, rooms: Iterable[Room]) -> dict[int, int]:
    """room id → messages after the user's read marker."""
    markers = dict(
        ReadMarker.objects.filter(user=user, room__in=[r.pk for r in rooms]).values_list(
            "room_id", "seq"
        )
    )
    return {room.pk: max(0, room.last_seq - markers.get(room.pk, 0)) for room in rooms}
