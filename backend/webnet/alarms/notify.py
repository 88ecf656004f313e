"""The one place every alarm state change goes through, inside the transaction that made it.

Today it broadcasts the change on the customer's updates group once the transaction commits (the
console updates live; the socket is a hint, the API is the truth). `notifiable(alarm)` is the rule
for paging people: an alarm that is suppressed by a root cause, silenced, shelved, flapping or
waiting for its device to be polled again is shown, never sent. The notification outbox's rows
are written here, in this same transaction.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction
from django.utils import timezone

from webnet.alarms import listeners
from webnet.alarms.models import Alarm, AlarmState
from webnet.core import broadcasts
from webnet.notifications import outbox

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
        or alarm.maintenance_behaviour in ("suppress", "mute")
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


@dataclass
class _Pending:
    broadcasts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    outbox: list[tuple[int, str]] = field(default_factory=list)  # (alarm id, change)


_collector: ContextVar[_Pending | None] = ContextVar("webnet_alarm_changes", default=None)


@contextlib.contextmanager
def collected() -> Iterator[None]:
    """Inside: changes are broadcast together after commit (one hop to the event loop for a
    whole batch of a trap storm, not one per alarm), and the outbox is written at the end of
    the block, from each alarm's final state — a child raised and then suppressed in the same
    batch pages nobody. Nothing is sent if the block fails."""
    pending = _Pending()
    token = _collector.set(pending)
    try:
        yield
    finally:
        _collector.reset(token)
    if pending.outbox:
        final = Alarm.objects.select_related("customer", "device").in_bulk(
            {pk for pk, _ in pending.outbox}
        )
        for pk, change in pending.outbox:
            _enqueue(final[pk], change)
            listeners.changed(final[pk], change)
    if pending.broadcasts:
        transaction.on_commit(lambda: async_to_sync(_send_all)(pending.broadcasts))


async def _send_all(pending: list[tuple[str, dict[str, Any]]]) -> None:
    for group, message in pending:
        await broadcasts.send(group, message)


# Which changes page people, as what: a suppressed or shelved alarm that is released (still
# active) fires then; a plain occurrence update pages nobody.
OUTBOX_STATE = {
    "raised": "firing",
    "unsuppressed": "firing",
    "unshelved": "firing",
    "acknowledged": "acknowledged",
    "cleared": "resolved",
}


def _enqueue(alarm: Alarm, change: str) -> None:
    """The notification outbox row, in this same transaction (exactly once at each sink)."""
    state = OUTBOX_STATE.get(change)
    if state is None:
        return
    if state == "firing" and (not notifiable(alarm) or alarm.state == AlarmState.CLEARED):
        return
    key = f"alarm:{alarm.pk}"
    if state != "firing" and not outbox.fired(alarm.customer_id, "alarm", key):
        return  # acknowledged or cleared while suppressed or silenced: nobody was paged
    where = alarm.device.hostname if alarm.device_id else alarm.resource
    port = f" ifIndex {alarm.if_index}" if alarm.if_index is not None else ""
    outbox.enqueue(
        customer=alarm.customer,
        topic="alarm",
        key=key,
        state=state,
        severity=alarm.severity,
        title=f"{alarm.condition} on {where}{port}",
        payload=alarm_message(alarm, change)["alarm"],
        device_id=alarm.device_id,
    )


def on_alarm_change(alarm: Alarm, change: str) -> None:
    """Called by the engine and the alarm services for every change; must run in their atomic."""
    assert change in CHANGES, change
    item = (broadcasts.customer_group(alarm.customer_id), alarm_message(alarm, change))
    pending = _collector.get()
    if pending is None:
        _enqueue(alarm, change)
        if change in OUTBOX_STATE:
            listeners.changed(alarm, change)
        transaction.on_commit(lambda: async_to_sync(_send_all)([item]))
        return
    pending.broadcasts.append(item)
    if change in OUTBOX_STATE:
        pending.outbox.append((alarm.pk, change))
