"""Who else hears about alarm changes: higher layers (incident rules) register here at start-up.

Listeners run where the outbox is written — inside the alarm changes' transaction, once per
batch with every changed alarm in its final state — so an incident opened from an alarm commits
or rolls back with it, a child raised and then suppressed in the same batch opens nothing, and a
trap storm costs a listener a few queries per batch rather than per alarm.
"""

from collections.abc import Callable, Sequence
from typing import Any

Change = tuple[Any, str]  # (alarm, change), change in notify.OUTBOX_STATE
Listener = Callable[[Sequence[Change]], None]

_listeners: dict[str, Listener] = {}


def register(name: str, listener: Listener) -> None:
    """Add (or replace, on a repeated ready()) the listener called ``name``."""
    _listeners[name] = listener


def changed(changes: Sequence[Change]) -> None:
    """Tell every listener, in order; an exception rolls back the alarm changes with it (never
    swallowed)."""
    if not changes:
        return
    for listener in _listeners.values():
        listener(changes)
