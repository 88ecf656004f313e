"""SLA clocks derived from an incident's event log — never counted, so a restart loses nothing and
the beat tick and a page read compute the same answer (DESIGN §4 "clocks are derived").

Three clocks run from the moment the incident opens, in open time of the policy's calendar, and
stand still while the incident is in a pause status (waiting on customer / vendor / parts) or
resolved: time to acknowledge (stops at the first acknowledgement, or the first resolution if
nobody acknowledged), time to first response (stops at the first response), and time to resolve,
measured twice — to the first resolution, and in total including every reopened stretch.
A clock's target follows the priority the incident had when the clock stopped, or has now.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from webnet.incidents.business_hours import BusinessHours, Span

OPEN_STATUSES = frozenset({"triggered", "acknowledged"})
DEFAULT_PAUSE_STATUSES = frozenset({"waiting_customer", "waiting_vendor", "waiting_parts"})
ClockName = Literal["acknowledge", "first_response", "resolve_first", "resolve_total"]
ClockState = Literal["within", "at_risk", "breached", "met", "missed"]


@dataclass(frozen=True)
class LogEntry:
    """One row of the incident's event log that the clocks read: `kind` is "status" (value: the
    new status), "priority" (value: the new priority) or "response" (a first public reply)."""

    at: datetime
    kind: Literal["status", "priority", "response"]
    value: str = ""


@dataclass(frozen=True)
class SlaPolicy:
    """Targets in open-time seconds per priority and clock; a missing target means no SLA."""

    targets: dict[str, dict[ClockName, float]]
    calendar: BusinessHours = field(default_factory=BusinessHours.always)
    at_risk_fraction: float = 0.8
    pause_statuses: frozenset[str] = DEFAULT_PAUSE_STATUSES


@dataclass(frozen=True)
class Clock:
    name: ClockName
    elapsed_s: float
    target_s: float
    running: bool
    stopped_at: datetime | None
    state: ClockState
    due_at: datetime | None  # when a running clock breaches (None when stopped or paused)
    breached_at: datetime | None

    @property
    def remaining_s(self) -> float:
        return self.target_s - self.elapsed_s


@dataclass
class _Timeline:
    """The log replayed once: the stretches the incident ran, and when each clock stopped."""

    running: list[Span] = field(default_factory=list)
    stops: dict[ClockName, datetime] = field(default_factory=dict)
    priority_at_stop: dict[ClockName, str] = field(default_factory=dict)
    priority: str = ""
    open_now: bool = False


def evaluate(log: Sequence[LogEntry], policy: SlaPolicy, now: datetime) -> dict[ClockName, Clock]:
    """Every clock that has a target for the incident's priority, as of `now`."""
    timeline = _replay(sorted(log, key=lambda e: e.at), policy.pause_statuses, now)
    clocks: dict[ClockName, Clock] = {}
    for name in ("acknowledge", "first_response", "resolve_first", "resolve_total"):
        priority = timeline.priority_at_stop.get(name, timeline.priority)
        target = policy.targets.get(priority, {}).get(name)
        if target is not None:
            clocks[name] = _clock(name, target, timeline, policy, now)
    return clocks


def _replay(log: Iterable[LogEntry], pauses: frozenset[str], now: datetime) -> _Timeline:
    timeline = _Timeline()
    run_start: datetime | None = None
    for entry in log:
        if entry.at > now:
            break
        if entry.kind == "priority":
            timeline.priority = entry.value
            continue
        if entry.kind == "response":
            _stop(timeline, "first_response", entry.at)
            continue
        status = entry.value
        running = status in OPEN_STATUSES
        if running and run_start is None:
            run_start = entry.at
        elif not running and run_start is not None:
            timeline.running.append((run_start, entry.at))
            run_start = None
        if status == "acknowledged":
            _stop(timeline, "acknowledge", entry.at)
        if status in ("resolved", "closed"):
            _stop(timeline, "acknowledge", entry.at)
            _stop(timeline, "first_response", entry.at)
            _stop(timeline, "resolve_first", entry.at)
        timeline.open_now = running or status in pauses
    if run_start is not None:
        timeline.running.append((run_start, now))
    if not timeline.open_now and timeline.running:
        _stop(timeline, "resolve_total", timeline.running[-1][1])
    return timeline


def _stop(timeline: _Timeline, name: ClockName, at: datetime) -> None:
    if name not in timeline.stops:
        timeline.stops[name] = at
        timeline.priority_at_stop[name] = timeline.priority


def _clock(
    name: ClockName, target: float, timeline: _Timeline, policy: SlaPolicy, now: datetime
) -> Clock:
    stopped_at = timeline.stops.get(name)
    until = stopped_at or now
    spans = [(a, min(b, until)) for a, b in timeline.running if a < until]
    calendar = policy.calendar
    elapsed = sum(calendar.seconds_between(a, b) for a, b in spans)
    breached_at = _crossing(spans, target, calendar)
    running = stopped_at is None and bool(timeline.running) and timeline.running[-1][1] == now
    due_at = calendar.add(now, target - elapsed) if running and elapsed < target else None
    if stopped_at is not None:
        state: ClockState = "met" if elapsed <= target else "missed"
    elif elapsed > target or (elapsed == target and running):
        state = "breached"
    elif elapsed >= policy.at_risk_fraction * target:
        state = "at_risk"
    else:
        state = "within"
    return Clock(name, elapsed, target, running, stopped_at, state, due_at, breached_at)


def _crossing(spans: list[Span], target: float, calendar: BusinessHours) -> datetime | None:
    """The instant open time in `spans` first reached `target`, if it did."""
    used = 0.0
    for a, b in spans:
        length = calendar.seconds_between(a, b)
        if used + length >= target and length > 0:
            return calendar.add(a, target - used) or b
        used += length
    return None
