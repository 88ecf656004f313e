"""When a maintenance window is open: its occurrences and its status, derived from its definition
(DESIGN §4 "clocks are derived") so a page read and the beat tick always agree.

A window is defined in wall time of its own zone: "every Sunday 23:00 for 4 h, Europe/Berlin".
Every occurrence starts at that wall time and ends at the start's wall time plus the duration,
so a window over the spring-forward night is an hour shorter in real time and one over the
fall-back night an hour longer — what an operator who wrote "23:00–03:00" means. Wall times
that do not exist or exist twice resolve as RFC 5545 says (see `_utc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

Status = Literal["scheduled", "active", "completed", "cancelled"]
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class WindowDefinition:
    """`first_start` is naive wall time in `zone`; `rule` an RFC 5545 RRULE body (no DTSTART),
    empty for a one-off window; `ended_at` an early end (UTC) that closes the window for good."""

    first_start: datetime
    duration: timedelta
    zone: str
    rule: str = ""
    cancelled: bool = False
    ended_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.first_start.tzinfo is not None:
            raise ValueError("first_start is wall time in the window's zone (naive)")
        if self.duration <= timedelta():
            raise ValueError("a window needs a positive duration")

    def occurrences(self, start: datetime, end: datetime) -> list[Span]:
        """The UTC spans of occurrences that overlap [start, end), in order."""
        if self.cancelled:
            return []
        zone = ZoneInfo(self.zone)
        # an occurrence that began up to one duration (+ a DST hour) earlier may still be open
        lookback = self.duration + timedelta(hours=2)
        lo = (start - lookback).astimezone(zone).replace(tzinfo=None)
        hi = end.astimezone(zone).replace(tzinfo=None) + timedelta(hours=2)
        spans = []
        for wall in self._wall_starts(lo, hi):
            span = (_utc(wall, zone), _utc(wall + self.duration, zone))
            if self.ended_at is not None:
                span = (span[0], min(span[1], self.ended_at))
            if span[0] < span[1] and span[0] < end and span[1] > start:
                spans.append(span)
        return spans

    def status(self, now: datetime) -> Status:
        if self.cancelled:
            return "cancelled"
        if self.occurrences(now, now + timedelta(microseconds=1)):
            return "active"
        if self.ended_at is not None and self.ended_at <= now:
            return "completed"
        zone = ZoneInfo(self.zone)
        later = self._wall_starts(
            now.astimezone(zone).replace(tzinfo=None) - timedelta(hours=2), None
        )
        return "scheduled" if any(_utc(w, zone) > now for w in later) else "completed"

    def last_end(self) -> datetime | None:
        """UTC end of the last occurrence (before any early end); None when the rule never
        ends (no COUNT or UNTIL)."""
        zone = ZoneInfo(self.zone)
        if not self.rule:
            return _utc(self.first_start + self.duration, zone)
        rule: rrule = rrulestr(self.rule, dtstart=self.first_start)  # type: ignore[assignment]
        if rule._count is None and rule._until is None:  # dateutil keeps COUNT and UNTIL here
            return None
        last = rule.before(datetime.max, inc=True)
        return None if last is None else _utc(last + self.duration, zone)

    def bounded(self, count: int, span: timedelta) -> bool:
        """COUNT at most `count` and UNTIL at most `span` after the first start (so finding the
        last occurrence stays cheap)."""
        if not self.rule:
            return True
        rule: rrule = rrulestr(self.rule, dtstart=self.first_start)  # type: ignore[assignment]
        if rule._count is not None and rule._count > count:
            return False
        until = rule._until
        return until is None or until.replace(tzinfo=None) - self.first_start <= span

    def _wall_starts(self, lo: datetime, hi: datetime | None) -> list[datetime]:
        """Naive wall-time starts in [lo, hi] (hi None: the next few after lo)."""
        if not self.rule:
            starts = [self.first_start]
            return [s for s in starts if s >= lo and (hi is None or s <= hi)]
        rule: rrule = rrulestr(self.rule, dtstart=self.first_start)  # type: ignore[assignment]
        if hi is None:
            nxt = [rule.after(lo, inc=True)]
            if nxt[0] is not None:
                nxt.append(rule.after(nxt[0]))
            return [s for s in nxt if s is not None]
        return list(rule.between(lo, hi, inc=True))


def _utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """Wall time to UTC by RFC 5545 §3.3.5: the offset before the transition (fold 0), so an
    ambiguous time is its first pass and a time in the gap moves forward by the gap's length."""
    return wall.replace(tzinfo=zone).astimezone(UTC)
