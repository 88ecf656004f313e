"""SLA state of incidents: the database rows turned into sla_clock's pure inputs, evaluated on
read (`clocks`) and stored by the tick (`store_clocks`) with the very same function, so a page
and the stored rows agree and a restart loses nothing (the log is the record)."""

import json
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Q

from webnet.incidents import sla_clock
from webnet.incidents.business_hours import BusinessHours, country_holidays
from webnet.incidents.models import (
    ACTIVE_STATUSES,
    BusinessCalendar,
    EventKind,
    Incident,
    SlaClockState,
    SlaPolicy,
)

CLOCK_NAMES = ("acknowledge", "first_response", "resolve_first", "resolve_total")


def parse_weekly_hours(raw: Any) -> dict[int, list[tuple[time, time]]]:
    """{"0": [["09:00", "17:00"]]} → {0: [(09:00, 17:00)]}; ValueError with the reason."""
    if not isinstance(raw, dict):
        raise ValueError('Weekly hours are an object such as {"0": [["09:00", "17:00"]]}.')
    hours: dict[int, list[tuple[time, time]]] = {}
    for day, ranges in raw.items():
        if str(day) not in {str(d) for d in range(7)}:
            raise ValueError(f"Weekday {day!r}: use 0 (Monday) to 6 (Sunday).")
        if not isinstance(ranges, list):
            raise ValueError(f"Weekday {day}: a list of [start, end] pairs.")
        parsed = []
        for pair in ranges:
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ValueError(f"Weekday {day}: each range is [start, end].")
            try:
                parsed.append((time.fromisoformat(pair[0]), time.fromisoformat(pair[1])))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"Weekday {day}: times are HH:MM ({exc}).") from exc
        hours[int(day)] = parsed
    return hours


def hours_of(calendar: BusinessCalendar | None, years: range) -> BusinessHours:
    """The pure calendar: 24×7 when none or `always_open`, else hours minus holidays."""
    if calendar is None or calendar.always_open:
        return BusinessHours.always()
    return _hours(
        calendar.time_zone,
        json.dumps(calendar.weekly_hours, sort_keys=True),
        calendar.holiday_country,
        calendar.holiday_subdivision,
        tuple(sorted(calendar.extra_holidays)),
        years.start,
        years.stop,
    )


@lru_cache(maxsize=256)
def _hours(
    zone: str, weekly: str, country: str, subdivision: str, extra: tuple[str, ...], y0: int, y1: int
) -> BusinessHours:
    """Calendars are rebuilt often (every incident on every tick): cache by their content."""
    hours = parse_weekly_hours(json.loads(weekly))
    days = frozenset(date.fromisoformat(d) for d in extra)
    if country:
        days |= country_holidays(country, range(y0, y1), subdivision or None)
    return BusinessHours.from_hours(zone, hours, days)


def policy_of(policy: SlaPolicy, years: range) -> sla_clock.SlaPolicy:
    targets = {
        priority: {name: float(secs) for name, secs in clocks.items() if name in CLOCK_NAMES}
        for priority, clocks in policy.targets.items()
    }
    return sla_clock.SlaPolicy(
        targets=targets,  # type: ignore[arg-type]
        calendar=hours_of(policy.calendar, years),
        at_risk_fraction=policy.at_risk_percent / 100,
    )


def log_of(incident: Incident) -> list[sla_clock.LogEntry]:
    """The clock-relevant lines of the log: status and priority changes, the first response."""
    entries: list[sla_clock.LogEntry] = []
    for kind, value, at, data in incident.events.order_by("seq").values_list(
        "kind", "value", "at", "data"
    ):
        if kind == EventKind.OPENED:
            entries.append(sla_clock.LogEntry(at, "priority", data.get("priority", "")))
            entries.append(sla_clock.LogEntry(at, "status", value))
        elif kind == EventKind.STATUS:
            entries.append(sla_clock.LogEntry(at, "status", value))
        elif kind == EventKind.PRIORITY:
            entries.append(sla_clock.LogEntry(at, "priority", value))
        elif kind == EventKind.RESPONSE:
            entries.append(sla_clock.LogEntry(at, "response"))
    return entries


def clocks(incident: Incident, now: datetime) -> dict[sla_clock.ClockName, sla_clock.Clock]:
    """The incident's clocks as of `now`, from its log (empty without a policy)."""
    if incident.sla_policy is None:
        return {}
    years = range(incident.opened_at.year - 1, now.astimezone(UTC).year + 3)
    return sla_clock.evaluate(log_of(incident), policy_of(incident.sla_policy, years), now)


def store_clocks(incident: Incident, now: datetime) -> int:
    """Write the clocks as rows (replacing the last ones); idempotent for the same `now`."""
    found = clocks(incident, now)
    with transaction.atomic():
        SlaClockState.objects.filter(incident=incident).exclude(name__in=list(found)).delete()
        for name, clock in found.items():
            SlaClockState.objects.update_or_create(
                incident=incident,
                name=name,
                defaults={
                    "customer_id": incident.customer_id,
                    "state": clock.state,
                    "elapsed_s": clock.elapsed_s,
                    "target_s": clock.target_s,
                    "running": clock.running,
                    "stopped_at": clock.stopped_at,
                    "due_at": clock.due_at,
                    "breached_at": clock.breached_at,
                    "computed_at": now,
                },
            )
    return len(found)


def tick(now: datetime) -> int:
    """Store the clocks of every incident whose clocks can still change: open ones, and closed
    ones whose stored rows are missing or still say running."""
    stale = Q(status__in=ACTIVE_STATUSES) | Q(sla_clocks__running=True) | Q(sla_clocks=None)
    incidents = (
        Incident.objects.filter(sla_policy__isnull=False)
        .filter(stale)
        .distinct()
        .select_related("sla_policy__calendar")
    )
    count = 0
    for incident in incidents:
        store_clocks(incident, now)
        count += 1
    return count
