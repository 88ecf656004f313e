"""The one place every alarm state change goes through, inside the transaction that made it.

Today it broadcasts the change on the customer's updates group once the transaction commits (the
console updates live; the socket is a hint, the API is the truth). `notifiable(alarm)` is the rule
for paging people: an alarm that is suppressed by a root cause, silenced, shelved, flapping or
waiting for its device to be polled again is shown, never sent — the notification outbox joins
here so its rows are written in this same transaction.
"""

from typing import Any

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


def on_alarm_change(alarm: Alarm, change: str) -> None:
    """Called by the engine and the alarm services for every change; must run in their atomic."""
    assert change in CHANGES, change
    message = alarm_message(alarm, change)
    group = broadcasts.customer_group(alarm.customer_id)
    transaction.on_commit(lambda: broadcasts.send_sync(group, message))
