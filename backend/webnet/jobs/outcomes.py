"""Listeners to device session outcomes: who else learns that a job reached a device.

The writer marks devices seen/unseen (inventory status) and then tells every listener which
devices of a customer answered, so apps above the engine (monitoring: a successful backup is a
sign of life) hear of it explicitly rather than through a signal. Result listeners hear each
flush of device results after the kind's persist stored them (alarms: a backup failed, a deploy
rolled back). Listeners run in the writer's transaction and must be quick (bulk work only).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

# (customer id, ids of devices that answered, when)
OutcomeListener = Callable[[int, list[int], datetime], None]

_listeners: list[OutcomeListener] = []


def register(listener: OutcomeListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def notify_seen(customer_id: int, device_ids: list[int], at: datetime) -> None:
    if not device_ids:
        return
    for listener in list(_listeners):
        listener(customer_id, device_ids, at)


# (job, [(inventory device, DeviceOutcome)]) of results that succeeded or failed, after persist
ResultListener = Callable[[Any, list[tuple[Any, Any]]], None]

_result_listeners: dict[str, ResultListener] = {}


def register_results(name: str, listener: ResultListener) -> None:
    """Add (or replace, on a repeated ready()) the result listener called `name`."""
    _result_listeners[name] = listener


def notify_results(job: Any, items: list[tuple[Any, Any]]) -> None:
    if not items:
        return
    for listener in list(_result_listeners.values()):
        listener(job, items)
