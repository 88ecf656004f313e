"""Maintenance windows for the layers above: which devices are in maintenance now, which intervals
availability leaves out, writes (audited), early end, and the idempotent status tick.

Status and coverage are derived from the stored definitions on every call (recurrence.py), so a
read and the tick give the same answer; the tick only stores it for lists and filters.
"""

import copy
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from webnet.core import access, audit, changes
from webnet.core.querysets import resource_of
from webnet.maintenance import scope
from webnet.maintenance.models import Behaviour, MaintenanceWindow, WindowStatus
from webnet.maintenance.models.windows import Timed
from webnet.networkops.parents import parents_of

logger = logging.getLogger("webnet.maintenance")

Interval = tuple[datetime, datetime]
EndListener = Callable[[MaintenanceWindow, datetime], object]
_end_listeners: list[EndListener] = []
# when windows overlap on a device, the strongest behaviour wins
PRECEDENCE = {Behaviour.SUPPRESS: 0, Behaviour.MUTE: 1, Behaviour.FLAG: 2}


def overlapping(queryset: QuerySet, start: datetime, end: datetime) -> QuerySet:
    """Rows whose occurrences may fall in [start, end): filtered by time in the database."""
    return queryset.filter(starts_at__lt=end).filter(
        Q(last_end__isnull=True) | Q(last_end__gt=start)
    )


def windows_between(customer_id: int, start: datetime, end: datetime) -> list[MaintenanceWindow]:
    found = MaintenanceWindow.objects.for_customer(customer_id).filter(cancelled=False)
    return list(overlapping(found, start, end).prefetch_related(*SCOPE_FIELDS))


SCOPE_FIELDS = ("devices", "groups", "regions", "sites", "locations")


def coverage(customer_id: int, windows: Iterable[MaintenanceWindow]) -> dict[int, set[int]]:
    """window id → the devices it covers, children in topology included."""
    windows = list(windows)
    if not windows:
        return {}
    parents = parents_of(customer_id)
    return {w.pk: scope.with_children(scope.direct_device_ids(w), parents) for w in windows}


def active_for(
    customer_id: int, device_ids: Iterable[int], at: datetime
) -> dict[int, tuple[MaintenanceWindow, str]]:
    """device id → (the window it is in maintenance by at `at`, its behaviour), for the given
    devices that are (directly, by group, by location or as a child of one that is)."""
    wanted = set(device_ids)
    if not wanted:
        return {}
    windows = [
        w
        for w in windows_between(customer_id, at, at + timedelta(microseconds=1))
        if w.current_status(at) == WindowStatus.ACTIVE
    ]
    windows.sort(key=lambda w: (PRECEDENCE[Behaviour(w.behaviour)], w.pk))
    found: dict[int, tuple[MaintenanceWindow, str]] = {}
    covered = coverage(customer_id, windows)
    for window in windows:
        for device_id in covered[window.pk] & wanted:
            found.setdefault(device_id, (window, window.behaviour))
    return found


def active_customer_ids(at: datetime) -> set[int]:
    """Customers with a window open at `at` (for the alarms' re-evaluation tick)."""
    windows = overlapping(
        MaintenanceWindow.objects.filter(cancelled=False), at, at + timedelta(microseconds=1)
    )
    return {w.customer_id for w in windows if w.current_status(at) == WindowStatus.ACTIVE}


def maintained_intervals(
    customer_id: int, device_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """device id → merged, non-overlapping intervals in [start, end) it was in maintenance
    (an availability exclusion provider: maintained time counts neither up nor down)."""
    windows = windows_between(customer_id, start, end)
    covered = coverage(customer_id, windows)
    spans: dict[int, list[Interval]] = defaultdict(list)
    wanted = set(device_ids)
    for window in windows:
        clipped = [(max(s, start), min(e, end)) for s, e in window.occurrences(start, end)]
        for device_id in covered[window.pk] & wanted:
            spans[device_id].extend(clipped)
    return {device_id: merge(intervals) for device_id, intervals in spans.items()}


def merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


MAX_OCCURRENCES = 5000  # COUNT; an open-ended rule is fine, it is expanded per range only
MAX_SPAN = timedelta(days=20 * 366)  # COUNT or UNTIL, after the first start


def validate_timing(item: Timed) -> None:
    """The definition must make sense: end after start, a parseable, not too frequent rule."""
    if item.ends_at <= item.starts_at:
        raise ValidationError({"ends_at": "Must be after starts_at."})
    rule = item.rrule.strip().upper()
    if rule:
        if "DTSTART" in rule or "FREQ=" not in rule or "\n" in rule:
            raise ValidationError({"rrule": "Give an RRULE body with FREQ (no DTSTART)."})
        if any(f"FREQ={f}" in rule for f in ("SECONDLY", "MINUTELY", "HOURLY")):
            raise ValidationError({"rrule": "A window repeats at most daily."})
    try:
        definition = item.definition()
        if rule:
            definition.check_rule(MAX_OCCURRENCES, MAX_SPAN)
        definition.occurrences(item.starts_at, item.ends_at)
    except ZoneInfoNotFoundError as exc:
        raise ValidationError({"time_zone": "Not a known IANA time zone."}) from exc
    except (ValueError, TypeError, OverflowError, IndexError, KeyError) as exc:
        # dateutil's own refusals (IndexError, KeyError: values its tables do not hold)
        raise ValidationError({"rrule": f"Not a valid RRULE: {exc}"}) from exc


def stamp(item: Timed, now: datetime) -> None:
    """Derived columns before a write: the last end, and a window's status. Times are kept to
    the second (a recurrence rule has no sub-second starts)."""
    item.starts_at = item.starts_at.replace(microsecond=0)
    item.ends_at = item.ends_at.replace(microsecond=0)
    validate_timing(item)
    item.refresh_last_end()
    if isinstance(item, MaintenanceWindow):
        item.status = item.current_status(now)


@transaction.atomic
def save_timed(actor: Any, model: type[Timed], data: dict[str, Any], obj: Any = None) -> Any:
    """Create (obj None) or update a window or freeze, audited, with its derived columns."""
    customer_id = obj.customer_id if obj is not None else data["customer"].pk
    access.require(actor, resource_of(model), "add" if obj is None else "change", customer_id)
    candidate = copy.copy(obj) if obj is not None else model()  # obj stays "before" for audit
    plain = {k: v for k, v in data.items() if k not in SCOPE_FIELDS}
    for name, value in plain.items():
        setattr(candidate, name, value)
    stamp(candidate, timezone.now())
    derived = {"last_end": candidate.last_end, "starts_at": candidate.starts_at}
    derived["ends_at"] = candidate.ends_at
    if isinstance(candidate, MaintenanceWindow):
        derived["status"] = candidate.status
    full = {**data, **derived}
    if obj is None:
        return changes.create(actor, model, full)
    return changes.update(actor, obj, full)


def update_timed(actor: Any, obj: Any, data: dict[str, Any]) -> Any:
    return save_timed(actor, type(obj), data, obj)


@transaction.atomic
def end_early(
    actor: Any, window: MaintenanceWindow, at: datetime | None = None
) -> MaintenanceWindow:
    """Close an open window now (or at `at`): it stops covering devices and never reopens."""
    access.require(actor, "maintenancewindow", "end", window.customer_id)
    at = at or timezone.now()
    if window.current_status(at) != WindowStatus.ACTIVE:
        raise ValidationError({"status": "Only an active window can be ended early."})
    window.ended_early_at = at
    stamp(window, at)
    window.save(update_fields=["ended_early_at", "last_end", "status", "updated_at"])
    audit.record(
        "end_early",
        actor=actor,
        customer_id=window.customer_id,
        obj=window,
        changes={"ended_early_at": [None, at.isoformat()]},
    )
    _window_ended(window, at)
    return window


def register_end_listener(listener: EndListener) -> None:
    """Call `listener(window, at)` whenever an open window (an occurrence) ends — by the tick
    or ended early — so layers above (alarms) re-derive what it held at once. Registering the
    same callable again (a repeated ready()) keeps one."""
    if listener not in _end_listeners:
        _end_listeners.append(listener)


def _window_ended(window: MaintenanceWindow, at: datetime) -> None:
    """Each listener in its own savepoint: one that fails is logged and undone alone."""
    for listener in list(_end_listeners):
        try:
            with transaction.atomic():
                listener(window, at)
        except Exception:
            logger.exception("end listener %r failed for window %s", listener, window.pk)


def store_statuses(now: datetime) -> dict[str, int]:
    """Store every window's derived status (idempotent: only differing rows are written, each
    by the one tick whose compare-and-set wins — that tick tells the end listeners)."""
    candidates = MaintenanceWindow.objects.exclude(
        status__in=[WindowStatus.COMPLETED, WindowStatus.CANCELLED], cancelled=False
    ).exclude(status=WindowStatus.CANCELLED, cancelled=True)
    moved = 0
    for window in candidates:
        status = window.current_status(now)
        if status == window.status:
            continue
        won = MaintenanceWindow.objects.filter(pk=window.pk, status=window.status).update(
            status=status
        )
        moved += won
        if won and window.status == WindowStatus.ACTIVE:
            window.status = status
            _window_ended(window, now)
    return {"windows": moved}
