"""The files of a deleted message leave storage with it.

The rows go in the delete's transaction (nothing is served from them again); the stored objects
(the file and its thumbnail, on the filesystem or in a bucket) only after it commits, so a delete
that rolls back still has its files. They are removed on a thread of their own: a bucket that is
slow or down never holds the room's lock, nor the database thread the room sockets write on. A
storage that fails is logged by key and leaves an orphan object, never a failed delete.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import transaction

from webnet.incidents.models import Attachment, Message
from webnet.incidents.models.rooms import attachment_storage

logger = logging.getLogger("webnet.incidents.attachments")
_removals = ThreadPoolExecutor(max_workers=1, thread_name_prefix="attachment-removal")


def discard_attachments(message: Message) -> None:
    """Delete the message's attachment rows now and their stored files after commit."""
    rows = Attachment.objects.for_customer(message.customer_id).filter(message=message)
    names = [name for pair in rows.values_list("file", "thumbnail") for name in pair if name]
    if not names:
        return
    rows.delete()
    transaction.on_commit(lambda: _remove(names))


def _remove(names: list[str]) -> None:
    storage = attachment_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # the message is deleted either way; the object is left behind
            logger.warning("could not remove attachment file %s from storage", name, exc_info=True)
