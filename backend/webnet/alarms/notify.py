"""The one place every alarm state change goes through, inside the transaction that made it.

Today it broadcasts the change on the customer's updates group once the transaction commits (the
console updates live; the socket is a hint, the API is the truth). `notifiable(alarm)` is the rule
for paging people: an alarm that is suppressed by a root cause, silenced, shelved, flapping or
waiting for its device to be polled again is shown, never sent — the notification outbox joins
here so its rows are written in this same transaction.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction
from django.utils import timezone

from webnet.alarms.models import Alarm
from webnet.core import broadcasts

CHANGES = (
    "raised",
    "updated",
    "acknowledged",
    "cleared",
    "shelved",
    "unshelved",
    "suppressed",
    "unsuppressed",
)


def notifiable(alarm: Alarm) -> bool:
    shelved = alarm.shelved_until is not None and alarm.shelved_until > timezone.now()
    return not (
        alarm.suppressed_by_id
        or alarm.silenced_by_id
        or alarm.awaiting_recheck
        or alarm.flapping
        or shelved
    )


def alarm_message(alarm: Alarm, change: str) -> dict[str, Any]:
    return {
        "type": "alarm.change",
        "change": change,
        "alarm": {
            "id": alarm.pk,
            "customer": alarm.customer_id,
            "condition": alarm.condition,
            "resource": alarm.resource,
            "device": alarm.device_id,
            "if_index": alarm.if_index,
            "severity": alarm.severity,
            "state": alarm.state,
            "occurrences": alarm.occurrences,
            "message": alarm.message,
            "suppressed_by": alarm.suppressed_by_id,
            "notifiable": notifiable(alarm),
            "last_seen": alarm.last_seen.isoformat(),
        },
    }


_collector: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar(
    "webnet_alarm_broadcasts", default=None
)


@contextlib.contextmanager
def collected() -> Iterator[None]:
    """Inside: changes are broadcast together after commit (one hop to the event loop for a
    whole batch of a trap storm, not one per alarm). Nothing is sent if the block fails."""
    pending: list[tuple[str, dict[str, Any]]] = []
    token = _collector.set(pending)
    try:
        yield
    finally:
        _collector.reset(token)
    if pending:
        transaction.on_commit(lambda: async_to_sync(_send_all)(pending))


async def _send_all(pending: list[tuple[str, dict[str, Any]]]) -> None:
    for group, message in pending:
        await broadcasts.send(group, message)


def on_alarm_change(alarm: Alarm, change: str) -> None:
    """Called by the engine and the alarm services for every change; must run in their atomic."""
    assert change in CHANGES, change
    item = (broadcasts.customer_group(alarm.customer_id), alarm_message(alarm, change))
    pending = _collector.get()
    if pending is not None:
        pending.append(item)
    else:
        transaction.on_commit(lambda: async_to_sync(_send_all)([item]))
