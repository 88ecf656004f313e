"""Business-hours calendars: which instants count toward an SLA.

An instant counts when its wall-clock time in the calendar's zone falls inside that weekday's
hours and its local date is not a holiday. That definition is exact across DST: on a 23-hour day
an hour of "09:00–17:00" cannot be lost or doubled, a window boundary that falls in the
spring-forward gap opens at the gap's end, and in the fall-back hour both passes of a wall time
count when they are inside the hours. The arithmetic works per constant-offset segment of a local
day, so a 365-day span costs 365 small steps, never a walk over seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

DAY = 86400
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class BusinessHours:
    """Weekly hours (Monday = 0) as second-of-day ranges [start, end) with end ≤ 86400, in `zone`;
    `holidays` are local dates with no hours. `always()` is the 24×7 calendar."""

    zone: ZoneInfo
    weekly: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekly", {d: _merged(r) for d, r in self.weekly.items()})

    @classmethod
    def always(cls) -> BusinessHours:
        return cls(ZoneInfo("UTC"), {d: ((0, DAY),) for d in range(7)})

    @classmethod
    def from_hours(
        cls,
        zone: str,
        hours: dict[int, list[tuple[time, time]]],
        holidays: frozenset[date] = frozenset(),
    ) -> BusinessHours:
        """Hours as wall times; an end of 00:00 means midnight at the end of the day."""

        def seconds(t: time) -> int:
            return t.hour * 3600 + t.minute * 60 + t.second

        weekly = {
            day: tuple(
                (seconds(a), seconds(b) or DAY)
                for a, b in ranges
                if (seconds(b) or DAY) > seconds(a)
            )
            for day, ranges in hours.items()
        }
        return cls(ZoneInfo(zone), weekly, holidays)

    def open_spans(self, start: datetime, end: datetime) -> Iterator[Span]:
        """The UTC spans inside [start, end) that count, in order."""
        if end <= start:
            return
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date() + timedelta(days=1)
        while day <= last:
            for a, b in self._day_spans(day):
                lo, hi = max(a, start), min(b, end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        return sum((b - a).total_seconds() for a, b in self.open_spans(start, end))

    def add(self, start: datetime, seconds: float, horizon_days: int = 3660) -> datetime | None:
        """The instant at which `seconds` of open time after `start` have passed (None if the
        calendar never opens within the horizon)."""
        if seconds <= 0:
            return start
        left = seconds
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(horizon_days):
            for a, b in self._day_spans(day):
                lo = max(a, start)
                if lo >= b:
                    continue
                if (b - lo).total_seconds() >= left:
                    return lo + timedelta(seconds=left)
                left -= (b - lo).total_seconds()
            day += timedelta(days=1)
        return None

    def _day_spans(self, day: date) -> Iterator[Span]:
        if day in self.holidays:
            return
        ranges = self.weekly.get(day.weekday(), ())
        if not ranges:
            return
        for seg_start, seg_end, offset in self._segments(day):
            midnight_utc = datetime.combine(day, time(), UTC) - offset
            for lo, hi in ranges:
                a = max(midnight_utc + timedelta(seconds=lo), seg_start)
                b = min(midnight_utc + timedelta(seconds=hi), seg_end)
                if a < b:
                    yield a, b

    def _segments(self, day: date) -> list[tuple[datetime, datetime, timedelta]]:
        """The local day [00:00, next 00:00) cut at offset changes: (utc start, utc end, offset)."""
        begin = _local_midnight_utc(day, self.zone)
        finish = _local_midnight_utc(day + timedelta(days=1), self.zone)
        segments = []
        cursor = begin
        while cursor < finish:
            offset = _offset(cursor, self.zone)
            cut = _next_change(cursor, finish, self.zone, offset)
            segments.append((cursor, cut, offset))
            cursor = cut
        return segments


def _merged(ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping or touching ranges joined, so no second counts twice."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(r for r in ranges if r[1] > r[0]):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def country_holidays(
    country: str, years: Iterable[int], subdivision: str | None = None
) -> frozenset[date]:
    """Public holidays of a country (and state/province) from the `holidays` package."""
    return frozenset(
        holiday_calendars.country_holidays(country, subdiv=subdivision, years=list(years))
    )


def _offset(instant: datetime, zone: ZoneInfo) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta()


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _first_second(lo: int, hi: int, passes: Callable[[int], bool]) -> int:
    """The first epoch second in (lo, hi] where the monotonic predicate holds (else hi)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """The first instant whose local date is `day` (midnight, or the end of a gap over it)."""
    guess = int(datetime.combine(day, time(), zone).timestamp())

    def reached(t: int) -> bool:
        return _at(t).astimezone(zone).date() >= day

    return _at(_first_second(guess - 4 * 3600, guess + 4 * 3600, reached))


def _next_change(start: datetime, end: datetime, zone: ZoneInfo, offset: timedelta) -> datetime:
    """The first instant in (start, end) with another offset, or `end`."""
    lo, hi = int(start.timestamp()), int(end.timestamp())
    if _offset(_at(hi - 1), zone) == offset:
        return end
    return _at(_first_second(lo, hi - 1, lambda t: _offset(_at(t), zone) != offset))
