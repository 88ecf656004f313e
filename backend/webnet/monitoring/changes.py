"""State changes that monitoring found, and who wants to hear of them.

`record_polls` builds a list of `StateChange` per batch and calls every registered listener
with it inside the same transaction, so a listener's own rows (the alarms app's events) commit
or roll back together with the state they describe. Sample listeners hear each batch's stored
samples the same way (the alarms app's threshold rules). Listeners register at app ready.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class StateChange:
    """A condition raised (entered) or cleared (left), e.g. "device.down" or "interface.down"."""

    customer_id: int
    device_id: int
    if_index: int | None
    condition: str
    raised: bool
    at: datetime
    detail: str = ""


Listener = Callable[[list[StateChange]], None]

_listeners: list[Listener] = []


def register(listener: Listener) -> None:
    """Subscribe `listener` (idempotent: registering the same function twice keeps one)."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def emit(changes: list[StateChange]) -> None:
    if not changes:
        return
    for listener in list(_listeners):
        listener(changes)


# (customer_id, device_id, if_index, metric, cycle, at, value) rows, as monitoring.bulk stores them
SamplesListener = Callable[[Sequence[tuple[Any, ...]]], None]

_sample_listeners: dict[str, SamplesListener] = {}


def register_samples(name: str, listener: SamplesListener) -> None:
    """Add (or replace, on a repeated ready()) the samples listener called `name`."""
    _sample_listeners[name] = listener


def emit_samples(rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    for listener in list(_sample_listeners.values()):
        listener(rows)
