"""Listeners to device session outcomes: who else learns that a job reached a device.

The writer marks devices seen/unseen (inventory status) and then tells every listener which
devices of a customer answered, so apps above the engine (monitoring: a successful backup is a
sign of life) hear of it explicitly rather than through a signal. Listeners run in the writer's
transaction and must be quick (bulk updates only).
"""

from collections.abc import Callable
from datetime import datetime

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
