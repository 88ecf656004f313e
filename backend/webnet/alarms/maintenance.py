"""Alarms on devices in a maintenance window: suppressed ("suppressed by maintenance <window>"),
muted (raised and recorded, nobody paged) or flagged (annotated, paged as usual).

Marked when an alarm changes (engine.announce) and re-derived by the tick for every open alarm,
so an alarm raised during a window is released when the window ends — and pages then if its
device is still down.
"""

from datetime import datetime

from django.db import transaction

from webnet.alarms.models import OPEN_STATES, Alarm
from webnet.alarms.notify import collected, on_alarm_change
from webnet.maintenance import services as maintenance
from webnet.maintenance.models import MaintenanceWindow

SILENT = frozenset({"suppress", "mute"})  # behaviours that page nobody


def _apply(alarm: Alarm, found: dict) -> str | None:
    """Set the alarm's maintenance fields from `found`; the change to announce, if any."""
    window, behaviour = found.get(alarm.device_id, (None, ""))
    window_id = window.pk if window is not None else None
    if window_id == alarm.maintenance_id and behaviour == alarm.maintenance_behaviour:
        return None
    was_silent = alarm.maintenance_behaviour in SILENT
    alarm.maintenance_id, alarm.maintenance_behaviour = window_id, behaviour
    alarm.save(update_fields=["maintenance", "maintenance_behaviour"])
    if behaviour in SILENT:
        return "suppressed"
    return "unsuppressed" if was_silent else "updated"


def _device_ids(alarms: list[Alarm]) -> set[int]:
    return {a.device_id for a in alarms if a.device_id is not None}


def mark(customer_id: int, alarms: list[Alarm], now: datetime) -> None:
    """Annotate the open device alarms of one batch (their own change is announced after)."""
    open_alarms = [a for a in alarms if a.is_open and a.device_id is not None]
    found = maintenance.active_for(customer_id, _device_ids(open_alarms), now)
    for alarm in open_alarms:
        _apply(alarm, found)


def reevaluate(now: datetime) -> dict[str, int]:
    """Every open alarm of a customer with a window open or just closed gets its maintenance
    re-derived; a released alarm is announced "unsuppressed" (and pages if it may). Idempotent."""
    customers = maintenance.active_customer_ids(now) | set(
        Alarm.objects.filter(state__in=OPEN_STATES, maintenance__isnull=False).values_list(
            "customer_id", flat=True
        )
    )
    return {"alarms": sum(_reevaluate_customer(c, now) for c in sorted(customers))}


def on_window_end(window: MaintenanceWindow, at: datetime) -> None:
    """A maintenance end listener: the window's customer's alarms are re-derived at once, so a
    device still down pages when the window closes rather than on a later tick."""
    _reevaluate_customer(window.customer_id, at)


def _reevaluate_customer(customer_id: int, now: datetime) -> int:
    moved = 0
    with transaction.atomic(), collected():
        alarms = list(
            Alarm.objects.for_customer(customer_id).filter(
                state__in=OPEN_STATES, device__isnull=False
            )
        )
        found = maintenance.active_for(customer_id, _device_ids(alarms), now)
        for alarm in alarms:
            change = _apply(alarm, found)
            if change is not None:
                on_alarm_change(alarm, change)
                moved += 1
    return moved
