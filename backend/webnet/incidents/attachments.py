"""Files posted in rooms: size and type limits, storage, and members-only reading.

A file's type must be on the allow-list and agree with its name's extension (a `.png` that says
`text/html` is refused), so the download view can serve it with that type and `nosniff`.
An image must decode as its type and gets a thumbnail (incidents.thumbnails), served like the
file itself. Files go to the `attachments` storage (settings.STORAGES): the state directory, an
S3-compatible bucket, or any storage backend named by WEBNET_ATTACHMENT_STORAGE.
"""

import mimetypes
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from webnet.incidents.models import Attachment, Message, Room
from webnet.incidents.rooms import announce, message_wire, post_message, visible_rooms
from webnet.incidents.thumbnails import make_thumbnail

ALLOWED_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/json",
        "application/zip",
        "application/gzip",
    }
)


def check_upload(upload: UploadedFile) -> str:
    """The file's content type once it passes the limits, else a field-level ValidationError."""
    if upload.size is None or upload.size > settings.WEBNET_ATTACHMENT_MAX_BYTES:
        limit = settings.WEBNET_ATTACHMENT_MAX_BYTES // 1024
        raise ValidationError({"file": f"Files may be at most {limit} KiB."})
    guessed, _ = mimetypes.guess_type(upload.name or "")
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if guessed not in ALLOWED_TYPES or declared not in (guessed, "application/octet-stream"):
        raise ValidationError({"file": "This type of file cannot be attached."})
    return guessed


@transaction.atomic
def attach(actor: Any, room: Room, upload: UploadedFile, caption: str = "") -> Message:
    """A message carrying one file (the caption may be empty)."""
    content_type = check_upload(upload)
    thumbnail = make_thumbnail(upload, content_type)  # refuses an image that does not decode
    message = post_message(actor, room, caption, allow_empty=True, broadcast=False)
    Attachment.objects.create(
        customer_id=room.customer_id,
        message=message,
        file=upload,
        thumbnail=thumbnail,
        name=(upload.name or "file")[:200],
        content_type=content_type,
        size=upload.size or 0,
    )
    announce(room.pk, "chat.message", {"message": message_wire(message)})
    return message


def attachment_for(user: Any, attachment_id: int) -> Attachment | None:
    """The attachment if `user` is a member of its room now (else None: answered as 404)."""
    return (
        Attachment.objects.restrict(user, "view")
        .filter(pk=attachment_id, message__room__in=visible_rooms(user), message__deleted_at=None)
        .first()
    )
