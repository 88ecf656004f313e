"""The one place every alarm state change goes through, inside the transaction that made it.

Today it broadcasts the change on the customer's updates group once the transaction commits (the
console updates live; the socket is a hint, the API is the truth). `notifiable(alarm)` is the rule
for paging people: an alarm that is suppressed by a root cause, inhibited, silenced, shelved,
flapping or waiting for its device to be polled again is shown, never sent. The notification
outbox's rows are written here, in this same transaction.
"""

import contextlib
from collections import defaultdict
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
from webnet.locations.models import Location
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
        or alarm.inhibited_by_id
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
            "inhibited_by": alarm.inhibited_by_id,
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
        known = _Known.of(list(final.values()))
        changes = [(final[pk], change) for pk, change in pending.outbox]
        outgoing = [_outgoing(alarm, change, known) for alarm, change in changes]
        outbox.enqueue_many([item for item in outgoing if item is not None])
        listeners.changed(changes)
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


@dataclass
class _Known:
    """What the outbox rows of a batch need, read once for all its alarms: which alarms were
    ever paged (firing enqueued) and each device location's path (itself and its ancestors,
    for routing rules that name a subtree)."""

    fired: set[str]
    paths: dict[int, list[int]]

    @classmethod
    def of(cls, alarms: list[Alarm]) -> "_Known":
        keys: dict[int, list[str]] = defaultdict(list)
        for alarm in alarms:
            keys[alarm.customer_id].append(_key(alarm))
        fired = set().union(*(outbox.fired(cid, "alarm", ks) for cid, ks in keys.items()))
        devices = [a.device for a in alarms if a.device is not None]
        where = {d.location_id for d in devices if d.location_id is not None}
        nodes = Location.objects.with_tree_fields().filter(pk__in=where) if where else []
        return cls(fired, {node.pk: list(node.tree_path) for node in nodes})


def _key(alarm: Alarm) -> str:
    return f"alarm:{alarm.pk}"


def _outgoing(alarm: Alarm, change: str, known: _Known) -> outbox.Outgoing | None:
    """The notification outbox item of this change, if it pages anyone (written in this same
    transaction: exactly once at each sink)."""
    state = OUTBOX_STATE.get(change)
    if state is None:
        return None
    if state == "firing" and (not notifiable(alarm) or alarm.state == AlarmState.CLEARED):
        return None
    key = _key(alarm)
    if state != "firing" and key not in known.fired:
        return None  # acknowledged or cleared while suppressed or silenced: nobody was paged
    if state == "firing":
        known.fired.add(key)
    device = alarm.device  # None for a device-less alarm (an inbound webhook's)
    where = device.hostname if device is not None else alarm.resource
    port = f" ifIndex {alarm.if_index}" if alarm.if_index is not None else ""
    location_id = device.location_id if device is not None else None
    return outbox.Outgoing(
        customer=alarm.customer,
        topic="alarm",
        key=key,
        state=state,
        severity=alarm.severity,
        title=f"{alarm.condition} on {where}{port}",
        payload=alarm_message(alarm, change)["alarm"],
        device_id=alarm.device_id,
        location_id=location_id,
        location_path=known.paths.get(location_id, []) if location_id else [],
    )


def on_alarm_change(alarm: Alarm, change: str) -> None:
    """Called by the engine and the alarm services for every change; must run in their atomic."""
    assert change in CHANGES, change
    item = (broadcasts.customer_group(alarm.customer_id), alarm_message(alarm, change))
    pending = _collector.get()
    if pending is None:
        if change in OUTBOX_STATE:
            page = _outgoing(alarm, change, _Known.of([alarm]))
            outbox.enqueue_many([page] if page is not None else [])
            listeners.changed([(alarm, change)])
        transaction.on_commit(lambda: async_to_sync(_send_all)([item]))
        return
    pending.broadcasts.append(item)
    if change in OUTBOX_STATE:
        pending.outbox.append((alarm.pk, change))
