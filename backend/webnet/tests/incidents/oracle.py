"""A deliberately naive SLA oracle: it walks the timeline one step at a time and asks, for each
step, "is the incident running and is the calendar open at this instant?" — nothing shared with
the code under test but the calendar's definition."""

from __future__ import annotations

from datetime import datetime, timedelta

from webnet.incidents.business_hours import BusinessHours
from webnet.incidents.sla_clock import LogEntry

RUNNING = frozenset({"triggered", "acknowledged"})  # the statuses in which SLA time passes


def calendar_open(calendar: BusinessHours, instant: datetime) -> bool:
    local = instant.astimezone(calendar.zone)
    if local.date() in calendar.holidays:
        return False
    second = local.hour * 3600 + local.minute * 60 + local.second
    return any(lo <= second < hi for lo, hi in calendar.weekly.get(local.weekday(), ()))


def open_seconds(calendar: BusinessHours, start: datetime, end: datetime, step: int) -> int:
    count, t = 0, start
    while t < end:
        if calendar_open(calendar, t):
            count += step
        t += timedelta(seconds=step)
    return count


def clock_seconds(
    log: list[LogEntry], calendar: BusinessHours, now: datetime, step: int
) -> dict[str, tuple[int, datetime | None]]:
    """Per clock: (elapsed open seconds while running, when the clock stopped)."""
    entries = sorted(log, key=lambda e: e.at)
    stops: dict[str, datetime] = {}
    for entry in entries:
        if entry.at > now:
            break
        if entry.kind == "response":
            stops.setdefault("first_response", entry.at)
        if entry.kind == "status" and entry.value == "acknowledged":
            stops.setdefault("acknowledge", entry.at)
        if entry.kind == "status" and entry.value in ("resolved", "closed"):
            for name in ("acknowledge", "first_response", "resolve_first"):
                stops.setdefault(name, entry.at)
    counts = {
        name: 0 for name in ("acknowledge", "first_response", "resolve_first", "resolve_total")
    }
    t = entries[0].at
    while t < now:
        status = [e.value for e in entries if e.kind == "status" and e.at <= t][-1]
        if status in RUNNING and calendar_open(calendar, t):
            for name in counts:
                if name == "resolve_total" or name not in stops or t < stops[name]:
                    counts[name] += step
        t += timedelta(seconds=step)
    return {name: (counts[name], stops.get(name)) for name in counts}
