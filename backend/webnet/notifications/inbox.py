"""The in-app inbox: one row per (delivery, user), unique by the idempotency key, pushed live.

Storing twice (a worker killed between storing and recording) keeps one row. After the commit,
each user's open /ws/updates/ sockets get the new items and the unread count.
"""

from collections.abc import Sequence
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from webnet.core import broadcasts
from webnet.notifications.models import Delivery, InboxItem
from webnet.notifications.templates import Rendered


def item_data(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "customer": item.customer_id,
        "topic": item.topic,
        "state": item.state,
        "severity": item.severity,
        "title": item.title,
        "body": item.body,
        "read": item.read_at is not None,
        "created_at": item.created_at.isoformat() if item.created_at else None,
    }


def unread_count(user_id: int) -> int:
    return InboxItem.objects.filter(user_id=user_id, read_at__isnull=True).count()


def push(user_ids: set[int], items: Sequence[InboxItem] = ()) -> None:
    """Tell each user's sockets what is new and how many are unread now."""
    for user_id in user_ids:
        broadcasts.send_sync(
            broadcasts.inbox_group(user_id),
            {
                "type": "inbox.update",
                "items": [item_data(i) for i in items if i.user_id == user_id],
                "unread": unread_count(user_id),
            },
        )


def store(boxed: list[tuple[Delivery, Rendered]]) -> None:
    keys = [delivery.idempotency_key for delivery, _ in boxed]
    with transaction.atomic():
        InboxItem.objects.bulk_create(
            [
                InboxItem(
                    customer_id=delivery.customer_id,
                    user_id=cast(int, delivery.user_id),  # inbox rows always name one
                    key=delivery.idempotency_key,
                    topic=delivery.message.topic,
                    state=delivery.message.state,
                    severity=delivery.message.severity,
                    title=rendered.subject[:500],
                    body=rendered.body,
                )
                for delivery, rendered in boxed
            ],
            ignore_conflicts=True,
        )
    items = list(InboxItem.objects.filter(key__in=keys))
    push({item.user_id for item in items}, items)


def mark_read(items: Any, read: bool = True) -> int:
    """Mark a queryset of one user's items read (or unread again)."""
    user_ids = set(items.values_list("user_id", flat=True))
    changed = items.update(read_at=timezone.now() if read else None)
    transaction.on_commit(lambda: push(user_ids))
    return changed
