"""Storing what the poller read: samples, interfaces, device state, state history, changes.

`record_polls` takes one batch of `DevicePoll` (any devices, any customers) and writes it with a
handful of bulk statements in one transaction. A device × cycle is stored once: a poll whose
cycle is not newer than the device's last stored cycle is skipped (a retried or re-run cycle
writes nothing), and the sample key (device, if_index, metric, cycle) backs that up. Each
device's state row is locked while its poll is applied, so two workers never interleave.
"""

from datetime import UTC, datetime

from django.db import transaction

from webnet.devices.models import Device
from webnet.monitoring import changes, states
from webnet.monitoring.bulk import insert_samples, update_rows
from webnet.monitoring.changes import StateChange
from webnet.monitoring.counters import rebooted
from webnet.monitoring.interfaces import Applied, apply_reading
from webnet.monitoring.models import DEVICE, DeviceState, Interface, State, StateTransition
from webnet.monitoring.poller.types import DevicePoll
from webnet.networkops.parents import parents_of

STATE_FIELDS = [
    "state",
    "observed",
    "since",
    "reason",
    "last_polled_at",
    "last_seen_at",
    "last_cycle",
    "uptime_ticks",
    "sys_name",
    "sys_descr",
    "sys_object_id",
    "rtt_ms",
    "loss_pct",
    "cpu_pct",
    "mem_pct",
    "recent_changes",
]
INTERFACE_FIELDS = [
    "name",
    "descr",
    "alias",
    "admin_status",
    "oper_status",
    "speed_bps",
    "in_bps",
    "out_bps",
    "in_errors_ps",
    "out_errors_ps",
    "in_discards_ps",
    "out_discards_ps",
    "utilisation_pct",
    "counters",
    "counters_at",
    "status_since",
    "updated_at",
]


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def record_polls(polls: list[DevicePoll]) -> list[StateChange]:
    """Store a batch of polls; returns the state changes (also passed to the listeners)."""
    if not polls:
        return []
    with transaction.atomic():
        customers = dict(
            Device.objects.filter(pk__in={p.device_id for p in polls}).values_list(
                "pk", "customer_id"
            )
        )
        polls = sorted(
            (p for p in polls if p.device_id in customers), key=lambda p: (p.device_id, p.cycle)
        )
        locked = _lock_states(customers)
        fresh = _fresh(polls, locked)
        observed = _observe(fresh, customers)
        out = Applied()
        interfaces = _interfaces(fresh)
        created: list[Interface] = []
        applied: list[Interface] = []
        for poll in fresh:
            restarted = _apply_device(
                locked[poll.device_id], poll, observed[(poll.device_id, poll.cycle)], out
            )
            for reading in poll.interfaces:
                key = (poll.device_id, reading.if_index)
                iface = interfaces.get(key)
                if iface is None:
                    iface = Interface(
                        customer_id=customers[poll.device_id],
                        device_id=poll.device_id,
                        if_index=reading.if_index,
                    )
                    interfaces[key] = iface
                    created.append(iface)
                applied.append(iface)
                apply_reading(
                    iface,
                    reading,
                    cycle=poll.cycle,
                    at=_when(poll.started_at),
                    epoch=poll.started_at,
                    restarted=restarted,
                    out=out,
                )
        touched = {p.device_id: locked[p.device_id] for p in fresh}
        update_rows(DeviceState, list(touched.values()), STATE_FIELDS)
        new = {id(i) for i in created}
        updated = {id(i): i for i in applied if id(i) not in new}
        update_rows(Interface, list(updated.values()), INTERFACE_FIELDS)
        Interface.objects.bulk_create(created)
        insert_samples(out.samples)
        StateTransition.objects.bulk_create(out.transitions)
        changes.emit(out.changes)
        changes.emit_samples(out.samples)
    return out.changes


def _lock_states(customers: dict[int, int]) -> dict[int, DeviceState]:
    """Every polled device's state row, created when missing, locked for this transaction."""
    DeviceState.objects.bulk_create(
        [DeviceState(customer_id=c, device_id=d) for d, c in customers.items()],
        ignore_conflicts=True,
    )
    rows = DeviceState.objects.select_for_update().filter(device_id__in=list(customers))
    return {row.device_id: row for row in rows}


def _fresh(polls: list[DevicePoll], locked: dict[int, DeviceState]) -> list[DevicePoll]:
    """Polls newer than what is stored, once per device × cycle, oldest first per device."""
    fresh: list[DevicePoll] = []
    last = {device_id: row.last_cycle for device_id, row in locked.items()}
    for poll in polls:
        stored = last[poll.device_id]
        if stored is None or poll.cycle > stored:
            fresh.append(poll)
            last[poll.device_id] = poll.cycle
    return fresh


def _observe(
    polls: list[DevicePoll], customers: dict[int, int]
) -> dict[tuple[int, int], tuple[State, str]]:
    """(device, cycle) → observed state; a down device whose every parent is down (in this
    batch, else as stored) is unreachable instead."""
    seen = {(poll.device_id, poll.cycle): states.observe(poll) for poll in polls}
    latest = {device_id: state for (device_id, _), (state, _) in seen.items()}
    down_customers = {customers[d] for d, state in latest.items() if state == State.DOWN}
    if not down_customers:
        return seen
    parents: dict[int, set[int]] = {}
    for customer_id in down_customers:
        parents.update(parents_of(customer_id))
    wanted = {p for d, s in latest.items() if s == State.DOWN for p in parents.get(d, ())}
    stored = dict(
        DeviceState.objects.filter(device_id__in=wanted - set(latest)).values_list(
            "device_id", "state"
        )
    )
    failed = {**stored, **latest}
    for (device_id, cycle), (state, _) in list(seen.items()):
        ups = parents.get(device_id)
        if state == State.DOWN and ups and all(failed.get(p) in states.FAILED for p in ups):
            seen[(device_id, cycle)] = (State.UNREACHABLE, "every parent is down")
    return seen


def _interfaces(polls: list[DevicePoll]) -> dict[tuple[int, int], Interface]:
    ids = [p.device_id for p in polls if p.interfaces]
    return {(i.device_id, i.if_index): i for i in Interface.objects.filter(device_id__in=ids)}


def _apply_device(
    row: DeviceState, poll: DevicePoll, observed: tuple[State, str], out: Applied
) -> bool:
    """Apply the device-level part of a poll to its state row; True when the agent restarted."""
    at = _when(poll.started_at)
    state, reason = observed
    shown, recent = states.damp(row.state, row.observed, state, row.recent_changes, poll.started_at)
    if shown != row.state:
        out.transitions.append(
            StateTransition(
                customer_id=row.customer_id,
                device_id=row.device_id,
                if_index=DEVICE,
                state=shown,
                at=at,
                reason=reason[:300],
            )
        )
        out.changes.extend(_device_changes(row, row.state, shown, at, reason))
        row.since = at
    restarted = rebooted(row.uptime_ticks, poll.sys_uptime_ticks)
    row.state, row.observed, row.recent_changes, row.reason = shown, state, recent, reason[:300]
    row.last_polled_at = _when(poll.finished_at)
    row.last_cycle = poll.cycle
    if states.answered(poll):
        row.last_seen_at = at
    if poll.sys_uptime_ticks is not None:
        row.uptime_ticks = poll.sys_uptime_ticks
    if poll.outcome == "ok":
        row.sys_name = poll.sys_name or row.sys_name
        row.sys_descr = poll.sys_descr or row.sys_descr
        row.sys_object_id = poll.sys_object_id or row.sys_object_id
    icmp = poll.icmp
    row.rtt_ms = icmp.rtt_avg_ms if icmp else None
    row.loss_pct = icmp.loss_pct if icmp else None
    row.cpu_pct, row.mem_pct = poll.cpu_pct, poll.mem_used_pct
    metrics: dict[str, float | None] = {
        "rtt_ms": row.rtt_ms,
        "loss_pct": row.loss_pct,
        "jitter_ms": icmp.jitter_ms if icmp else None,
        "cpu_pct": row.cpu_pct,
        "mem_pct": row.mem_pct,
    }
    for oid, text in poll.custom:
        metrics[f"oid:{oid}"] = _number(text)
    out.samples.extend(
        (row.customer_id, row.device_id, DEVICE, metric, poll.cycle, at, value)
        for metric, value in metrics.items()
        if value is not None
    )
    return restarted


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _device_changes(
    row: DeviceState, before: str, after: str, at: datetime, reason: str
) -> list[StateChange]:
    """Leaving a non-up state clears its condition; entering one raises it."""
    quiet = (State.UP, State.UNKNOWN)
    found = []
    for state, raised in ((before, False), (after, True)):
        if state not in quiet:
            found.append(
                StateChange(
                    customer_id=row.customer_id,
                    device_id=row.device_id,
                    if_index=None,
                    condition=f"device.{state}",
                    raised=raised,
                    at=at,
                    detail=reason if raised else "",
                )
            )
    return found
