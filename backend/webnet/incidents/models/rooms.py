"""Rooms: the chat of an incident, a team channel or a direct thread.

A room's members are its explicit `RoomMember` rows (an incident room adds the people its incident
names). Messages carry a per-room `seq` — the room's `last_seq` counter, moved by one UPDATE so
concurrent writers queue on the room row — so a client resumes by `after_seq` with no gap and no
duplicate. Bodies are encrypted with the key ring (core.crypto), never stored in clear; an edit or
a delete keeps the previous body as an encrypted `MessageRevision`, and a deleted message keeps
only its seq and who deleted it. Each change stamps `changed_seq`, so a client resuming after a
seq also learns of the older messages changed while it was away, and `change_no`, the room's
change counter (`last_change`, moved by the same UPDATE as `last_seq`): a cursor over changes,
so an open socket follows edits and deletes other processes make, each once and in order.
"""

from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.functional import LazyObject

from webnet.core import crypto
from webnet.core.models import CustomerOwned

__all__ = [
    "Attachment",
    "Message",
    "MessageKind",
    "MessageRevision",
    "ReadMarker",
    "RevisionAction",
    "Room",
    "RoomKind",
    "RoomMember",
]


class RoomKind(models.TextChoices):
    INCIDENT = "incident", "Incident room"
    TEAM = "team", "Team channel"
    DIRECT = "direct", "Direct thread"


class Room(CustomerOwned):
    kind = models.CharField(max_length=10, choices=RoomKind.choices)
    name = models.CharField(max_length=100)
    # An incident room is its incident's (made on first use, see rooms.incident_room); its
    # location scope is the incident's, applied by rooms.visible_rooms (team channels and
    # direct threads have no place, so Room declares no `location_paths` of its own).
    incident = models.OneToOneField(
        "incidents.Incident", null=True, blank=True, on_delete=models.CASCADE, related_name="room"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_change = models.PositiveBigIntegerField(default=0)  # edits and deletes so far

    class Meta:
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class RoomMember(CustomerOwned):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_memberships"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="unique_room_member"),
        ]


class MessageKind(models.TextChoices):
    USER = "user", "User"
    SYSTEM = "system", "System"  # what a slash command or the incident did


class Message(CustomerOwned):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.USER)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The seq the room's next message would take when this one was last edited or deleted
    # (0: never changed), read under the room lock that assigns seqs: a client resuming after
    # seq N missed exactly the changes with changed_seq > N (rooms.changes_after).
    changed_seq = models.PositiveBigIntegerField(default=0)
    # The room's `last_change` this message's latest change made (0: never changed): unique in
    # the room, so "changes after N" is a cursor (rooms.changes_since).
    change_no = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="unique_room_message_seq"),
            models.UniqueConstraint(
                fields=["room", "change_no"],
                condition=models.Q(change_no__gt=0),
                name="unique_room_message_change",
            ),
        ]
        indexes = [models.Index(fields=["room", "changed_seq"], name="message_room_changed")]

    @property
    def body(self) -> str:
        return crypto.decrypt(self.body_encrypted)


class RevisionAction(models.TextChoices):
    EDIT = "edit", "Edited"
    DELETE = "delete", "Deleted"


class MessageRevision(CustomerOwned):
    """The body a message had before an edit or a delete (encrypted like the message)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(max_length=10, choices=RevisionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_encrypted = models.TextField(blank=True)
    time = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["message", "time", "pk"]

    @property
    def previous(self) -> str:
        return crypto.decrypt(self.previous_encrypted)


class ReadMarker(CustomerOwned):
    """The last seq a user has read in a room (only moves forward)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="unique_room_read_marker"),
        ]


class _AttachmentStorage(LazyObject):
    """settings.STORAGES["attachments"], looked up at each use rather than once at import (a
    FileField keeps the storage it was given): a changed STORAGES (a test) is followed."""

    def _setup(self) -> None:
        self._wrapped = storages["attachments"]

    def __getattr__(self, name: str) -> Any:
        return getattr(storages["attachments"], name)


def attachment_storage():  # type: ignore[no-untyped-def]
    """The `attachments` storage of settings.STORAGES (state directory, or S3-compatible)."""
    return _AttachmentStorage()


class Attachment(CustomerOwned):
    """A file posted with a message; served only through the members-only download view."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to="chat/%Y/%m/", max_length=300)
    # A bounded WebP of an image, made on upload (incidents.thumbnails); empty for other files.
    thumbnail = models.FileField(
        storage=attachment_storage, upload_to="chat/thumbs/%Y/%m/", max_length=300, blank=True
    )
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["message", "pk"]
