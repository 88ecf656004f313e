"""One interface reading applied to its stored row: rates from the previous counters, status,
the samples to write, and the state change when the link went down or came back."""

from dataclasses import dataclass, field
from datetime import datetime

from webnet.monitoring import counters
from webnet.monitoring.bulk import SampleRow
from webnet.monitoring.changes import StateChange
from webnet.monitoring.models import Interface, State, StateTransition
from webnet.monitoring.poller.types import InterfaceReading

COUNTERS = ("in_octets", "out_octets", "in_errors", "out_errors", "in_discards", "out_discards")
# rate column ← counter it is computed from (errors and discards are per second).
EVENT_RATES = {
    "in_errors_ps": "in_errors",
    "out_errors_ps": "out_errors",
    "in_discards_ps": "in_discards",
    "out_discards_ps": "out_discards",
}
SERIES = ("in_bps", "out_bps", *EVENT_RATES, "utilisation_pct")


def link_state(admin_status: int, oper_status: int) -> State:
    """IF-MIB statuses as one state: admin down is not a failure; dormant (5) counts as up."""
    if admin_status == 2:
        return State.ADMIN_DOWN
    if oper_status in (1, 5):
        return State.UP
    if oper_status in (2, 7):
        return State.DOWN
    return State.UNKNOWN


@dataclass
class Applied:
    """What applying readings produced, for the caller's bulk writes."""

    samples: list[SampleRow] = field(default_factory=list)
    transitions: list[StateTransition] = field(default_factory=list)
    changes: list[StateChange] = field(default_factory=list)


def apply_reading(
    iface: Interface,
    reading: InterfaceReading,
    *,
    cycle: int,
    at: datetime,
    epoch: float,
    restarted: bool,
    out: Applied,
) -> None:
    """Update `iface` in memory from `reading` (taken at `epoch`) and append what to store."""
    before = link_state(iface.admin_status, iface.oper_status) if iface.updated_at else None
    seconds = epoch - iface.counters_at if iface.counters_at is not None else 0.0
    previous = iface.counters or {}
    speed = reading.speed_bps
    for column, counter in (("in_bps", "in_octets"), ("out_bps", "out_octets")):
        value = counters.bits_rate(
            previous.get(counter),
            getattr(reading, counter),
            seconds,
            restarted=restarted,
            speed_bps=speed,
        )
        setattr(iface, column, value)
    for column, counter in EVENT_RATES.items():
        value = counters.rate(
            previous.get(counter), getattr(reading, counter), seconds, restarted=restarted
        )
        setattr(iface, column, value)
    iface.utilisation_pct = counters.utilisation(iface.in_bps, iface.out_bps, speed)
    iface.name, iface.descr, iface.alias = reading.name, reading.descr, reading.alias
    iface.admin_status, iface.oper_status, iface.speed_bps = (
        reading.admin_status,
        reading.oper_status,
        speed,
    )
    read = {name: getattr(reading, name) for name in COUNTERS}
    iface.counters = {name: value for name, value in read.items() if value is not None}
    iface.counters_at = epoch
    iface.updated_at = at
    now_state = link_state(reading.admin_status, reading.oper_status)
    if now_state != before:
        iface.status_since = at
        out.transitions.append(
            StateTransition(
                customer_id=iface.customer_id,
                device_id=iface.device_id,
                if_index=iface.if_index,
                state=now_state,
                at=at,
            )
        )
        _link_change(iface, before, now_state, at, out)
    for metric in SERIES:
        value = getattr(iface, metric)
        if value is not None:
            out.samples.append(
                (iface.customer_id, iface.device_id, iface.if_index, metric, cycle, at, value)
            )


def _link_change(
    iface: Interface, before: State | None, after: State, at: datetime, out: Applied
) -> None:
    """interface.down is raised when a known link goes down and cleared when it leaves down."""
    if before is None or (State.DOWN not in (before, after)):
        return
    out.changes.append(
        StateChange(
            customer_id=iface.customer_id,
            device_id=iface.device_id,
            if_index=iface.if_index,
            condition="interface.down",
            raised=after == State.DOWN,
            at=at,
            detail=iface.name,
        )
    )
