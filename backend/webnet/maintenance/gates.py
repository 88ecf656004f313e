"""The change calendar fed from the database: conflicts of a window or a change with the windows,
scheduled changes and freezes in its time range, and the freeze and conflict gates config_mgmt
asks before a plan runs (change_gates).

Only rows whose occurrences may overlap the range are loaded (filtered by time in the database);
ConflictIndex (pure) does the comparing. Every finding names the item in the way.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError

from webnet.config_mgmt.change_gates import GateFinding
from webnet.config_mgmt.plans import ChangePlan, PlanDevice, PlanStatus
from webnet.core.clock import when
from webnet.locations.within import Node
from webnet.maintenance import scope
from webnet.maintenance.conflicts import CalendarItem, Conflict, ConflictIndex
from webnet.maintenance.models import FreezeMode, FreezeWindow, ScheduledChange, ScheduledStatus
from webnet.maintenance.services import overlapping, windows_between
from webnet.networkops.parents import parents_of

HORIZON = timedelta(days=366)  # how far ahead a recurring candidate is checked
REASON_TEXT = {
    "same_device": "the same device",
    "parent_device": "a parent device",
    "child_device": "a child device",
    "same_site": "the same site",
    "freeze": "a freeze",
}


@dataclass
class Calendar:
    """The items of one customer in a time range, with a label per key for messages."""

    items: list[CalendarItem]
    labels: dict[str, str]
    freezes: dict[str, FreezeWindow]

    def check(self, customer_id: int, candidates: list[CalendarItem]) -> list[Conflict]:
        index = ConflictIndex(self.items, parents_of(customer_id))
        found: dict[tuple[str, str], Conflict] = {}
        for candidate in candidates:
            for conflict in index.check(candidate):
                found.setdefault((conflict.item.key, conflict.reason), conflict)
        return sorted(found.values(), key=lambda c: (not c.refuses, c.item.start, c.item.key))

    def describe(self, conflict: Conflict) -> str:
        what = REASON_TEXT[conflict.reason]
        return f"{self.labels[conflict.item.key]} at {when(conflict.item.start)} ({what})"


def freeze_targets(freeze: FreezeWindow) -> tuple[frozenset[int], frozenset[int]]:
    """(devices, sites) a freeze covers; both empty: the whole customer."""
    if freeze.location_id:
        node = Node("location", freeze.location_id)
        devices = scope.named_device_ids(freeze.customer_id, devices=[], groups=[], nodes=[node])
        return frozenset(devices), frozenset()
    if freeze.site_id:
        return frozenset(), frozenset({freeze.site_id})
    if freeze.region_id:
        node = Node("region", freeze.region_id)
        devices = scope.named_device_ids(freeze.customer_id, devices=[], groups=[], nodes=[node])
        return frozenset(), frozenset(scope.site_ids(freeze.customer_id, devices))
    return frozenset(), frozenset()


def load(customer_id: int, start: datetime, end: datetime, *, plan_id: int = 0) -> Calendar:
    """Every window occurrence, scheduled change and booked plan (but plan `plan_id`'s own) and
    freeze of the customer in [start, end)."""
    items: list[CalendarItem] = []
    labels: dict[str, str] = {}
    freezes: dict[str, FreezeWindow] = {}
    for window in windows_between(customer_id, start, end):
        key = f"maintenance:{window.pk}"
        labels[key] = f"maintenance window '{window.name}' (#{window.pk})"
        devices = frozenset(scope.direct_device_ids(window))
        sites = frozenset(scope.site_ids(customer_id, devices) | {s.pk for s in window.sites.all()})
        items += [
            CalendarItem(key, "maintenance", lo, hi, devices, sites)
            for lo, hi in window.occurrences(start, end)
        ]
    changes = (
        ScheduledChange.objects.for_customer(customer_id)
        .filter(
            status=ScheduledStatus.SCHEDULED, occurrence_start__lt=end, occurrence_end__gt=start
        )
        .exclude(plan_id=plan_id)
    )
    for change in changes.select_related("plan"):
        key = f"change:{change.pk}"
        labels[key] = f"scheduled change '{change.plan}' (#{change.pk})"
        devices = frozenset(plan_device_ids(change.plan))
        sites = frozenset(scope.site_ids(customer_id, devices))
        items.append(
            CalendarItem(
                key, "change", change.occurrence_start, change.occurrence_end, devices, sites
            )
        )
    items += _booked_plans(customer_id, start, end, labels, plan_id)
    for freeze in overlapping(FreezeWindow.objects.for_customer(customer_id), start, end):
        key = f"freeze:{freeze.pk}"
        labels[key], freezes[key] = str(freeze), freeze
        devices, sites = freeze_targets(freeze)
        items += [
            CalendarItem(key, "freeze", lo, hi, devices, sites)
            for lo, hi in freeze.occurrences(start, end)
        ]
    return Calendar(items, labels, freezes)


def _booked_plans(
    customer_id: int, start: datetime, end: datetime, labels: dict[str, str], plan_id: int
) -> list[CalendarItem]:
    """Plans booked into a slot of their own (config_mgmt.booking) are changes too."""
    booked = (
        ChangePlan.objects.for_customer(customer_id)
        .filter(status=PlanStatus.SCHEDULED, scheduled_start__lt=end, scheduled_end__gt=start)
        .exclude(pk=plan_id)
    )
    items = []
    for plan in booked:
        key = f"plan:{plan.pk}"
        labels[key] = f"booked change plan '{plan}' (#{plan.pk})"
        devices = frozenset(plan_device_ids(plan))
        sites = frozenset(scope.site_ids(customer_id, devices))
        items.append(
            CalendarItem(key, "change", plan.scheduled_start, plan.scheduled_end, devices, sites)
        )
    return items


def plan_device_ids(plan: Any) -> set[int]:
    rows = PlanDevice.objects.for_customer(plan.customer_id).filter(plan=plan)
    return set(rows.values_list("device_id", flat=True))


def change_conflicts(
    plan: Any, starts: datetime, ends: datetime
) -> tuple[Calendar, list[Conflict]]:
    """What running `plan` in [starts, ends) collides with (its own scheduled runs aside)."""
    calendar = load(plan.customer_id, starts, ends, plan_id=plan.pk)
    devices = frozenset(plan_device_ids(plan))
    sites = frozenset(scope.site_ids(plan.customer_id, devices))
    candidate = CalendarItem(f"plan:{plan.pk}", "change", starts, ends, devices, sites)
    return calendar, calendar.check(plan.customer_id, [candidate])


def window_conflicts(
    customer_id: int, key: str, spans: list[tuple[datetime, datetime]], device_ids: set[int]
) -> tuple[Calendar, list[Conflict]]:
    """What a maintenance window's occurrences (`spans`) on `device_ids` collide with."""
    if not spans:
        return Calendar([], {}, {}), []
    calendar = load(customer_id, spans[0][0], spans[-1][1])
    devices = frozenset(device_ids)
    sites = frozenset(scope.site_ids(customer_id, devices))
    candidates = [CalendarItem(key, "maintenance", lo, hi, devices, sites) for lo, hi in spans]
    return calendar, calendar.check(customer_id, candidates)


def freeze_gate(plan: Any, starts: datetime, ends: datetime) -> list[GateFinding]:
    """A freeze over the plan's devices refuses it; an `override` freeze lets an admin through."""
    calendar, conflicts = change_conflicts(plan, starts, ends)
    return [
        GateFinding(
            "freeze",
            f"{calendar.describe(c)}: no changes",
            blocking=True,
            overridable=calendar.freezes[c.item.key].mode == FreezeMode.OVERRIDE,
            item=c.item.key,
        )
        for c in conflicts
        if c.item.kind == "freeze"
    ]


def conflict_gate(plan: Any, starts: datetime, ends: datetime) -> list[GateFinding]:
    """Another change on the same device refuses; a change on a neighbour or the same site, and
    maintenance windows (the change may well be the work a window was opened for), warn."""
    calendar, conflicts = change_conflicts(plan, starts, ends)
    return [
        GateFinding(
            "conflict",
            f"overlaps {calendar.describe(c)}",
            blocking=c.refuses and c.item.kind == "change",
            item=c.item.key,
        )
        for c in conflicts
        if c.item.kind != "freeze"
    ]


def upcoming(item: Any, now: datetime) -> list[tuple[datetime, datetime]]:
    """A candidate window's open and future occurrences up to a horizon after its first start
    (past ones cannot collide with anything any more)."""
    return item.occurrences(now, max(now, item.starts_at) + HORIZON)


def check_window(window: Any, device_ids: set[int], now: datetime) -> list[str]:
    """A window about to be written: refused (ValidationError on `conflicts`, naming each item)
    when it collides on the same device or with a freeze; else the warnings to show."""
    if window.cancelled:
        return []
    key = f"maintenance:{window.pk or 'new'}"
    calendar, conflicts = window_conflicts(
        window.customer_id, key, upcoming(window, now), device_ids
    )
    refusing = [calendar.describe(c) for c in conflicts if c.refuses]
    if refusing:
        raise ValidationError({"conflicts": refusing})
    return [calendar.describe(c) for c in conflicts]
