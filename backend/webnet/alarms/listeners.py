"""Who else hears about alarm changes: higher layers (incident rules) register here at start-up.

Listeners run where the outbox is written — inside the alarm change's transaction, once per alarm
per batch, with the alarm's final state — so an incident opened from an alarm commits or rolls
back with it, and a child raised and then suppressed in the same batch opens nothing.
"""

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any, str], None]  # (alarm, change), change in notify.OUTBOX_STATE

_listeners: dict[str, Listener] = {}


def register(name: str, listener: Listener) -> None:
    """Add (or replace, on a repeated ready()) the listener called ``name``."""
    _listeners[name] = listener


def changed(alarm: Any, change: str) -> None:
    """Tell every listener; an exception rolls back the alarm change with it (never swallowed)."""
    for listener in _listeners.values():
        listener(alarm, change)
