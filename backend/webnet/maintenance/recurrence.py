"""When a maintenance window is open: its occurrences and its status, derived from its definition
(DESIGN §4 "clocks are derived") so a page read and the beat tick always agree.

A window is defined in wall time of its own zone: "every Sunday 23:00 for 4 h, Europe/Berlin".
Every occurrence starts at that wall time and ends at the start's wall time plus the duration,
so a window over the spring-forward night is an hour shorter in real time and one over the
fall-back night an hour longer — what an operator who wrote "23:00–03:00" means. An
occurrence covers the instants whose wall-clock reading lies in [start, end): a wall time in a
spring-forward gap resolves to the first valid instant after it (the moment the clocks jump),
one that exists twice to its first pass (see `_utc`). An occurrence wholly inside a gap is empty
and does not happen.

UNTIL may be given in UTC (`UNTIL=20261231T230000Z`, as RFC 5545 asks for a zoned DTSTART):
it is normalised to wall time in the window's zone, because the rule is expanded in wall time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

Status = Literal["scheduled", "active", "completed", "cancelled"]
Span = tuple[datetime, datetime]
UTC_UNTIL = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)
LOCAL_UNTIL = re.compile(r"UNTIL=(\d{8}T\d{6})(?![0-9Z])", re.IGNORECASE)
# RFC 5545's rule parts (dateutil's BYEASTER is not one: no calendar app could expand it), and
# the parts RFC 5545 allows only with some frequencies
RFC_PARTS = frozenset(
    {
        "FREQ", "UNTIL", "COUNT", "INTERVAL", "WKST", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
        "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS",
    }
)  # fmt: skip
ONLY_WITH = {
    "BYWEEKNO": {"YEARLY"},
    "BYYEARDAY": {"YEARLY"},
    "BYMONTHDAY": {"DAILY", "MONTHLY", "YEARLY"},
}
EXISTS_WITHIN = timedelta(days=8 * 366 + 2)  # a 29 February (across 2100) is this far at most
# dateutil leaves these unchecked; an impossible value would expand the whole span for nothing
BY_RANGES = [
    ("BYMONTHDAY", "_bymonthday", 31),
    ("BYMONTHDAY", "_bynmonthday", 31),
    ("BYYEARDAY", "_byyearday", 366),
    ("BYWEEKNO", "_byweekno", 53),
]
NEXT_LOOKED_AT = 8  # later starts status() reads to find one that is not empty (a gap night)


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
        spans = [self._span(wall, zone) for wall in self._wall_starts(lo, hi)]
        return [(a, b) for a, b in spans if a < b and a < end and b > start]

    def _span(self, wall: datetime, zone: ZoneInfo) -> Span:
        """The UTC span of the occurrence starting at wall time `wall` (may be empty)."""
        ends = _utc(wall + self.duration, zone)
        if self.ended_at is not None:
            ends = min(ends, self.ended_at)
        return _utc(wall, zone), ends

    def status(self, now: datetime) -> Status:
        if self.cancelled:
            return "cancelled"
        if self.occurrences(now, now + timedelta(microseconds=1)):
            return "active"
        if self.ended_at is not None and self.ended_at <= now:
            return "completed"
        zone = ZoneInfo(self.zone)
        lo = now.astimezone(zone).replace(tzinfo=None) - timedelta(hours=2)
        for wall in self._later_starts(lo):
            starts, ends = self._span(wall, zone)
            if now < starts < ends:
                return "scheduled"
        return "completed"

    def last_end(self) -> datetime | None:
        """UTC end of the last occurrence (before any early end); None when the rule never
        ends (no COUNT or UNTIL)."""
        zone = ZoneInfo(self.zone)
        if not self.rule:
            return _utc(self.first_start + self.duration, zone)
        rule = self._rule()
        if rule._count is None and rule._until is None:  # dateutil keeps COUNT and UNTIL here
            return None
        last = rule.before(datetime.max, inc=True)
        return None if last is None else _utc(last + self.duration, zone)

    def check_rule(self, count: int, span: timedelta) -> None:
        """Refuse (ValueError, a readable message) a rule that never happens or that is costly
        to expand: INTERVAL under 1 (dateutil would loop forever), more than `count`
        occurrences, or a COUNT or UNTIL reaching more than `span` past the first start. Only
        `span` of the rule is ever expanded here, so an impossible rule cannot hang it."""
        if not self.rule:
            return
        _check_parts(self.rule)
        rule = self._rule()
        if rule._interval < 1:
            raise ValueError("INTERVAL must be at least 1")
        if any(not 1 <= month <= 12 for month in rule._bymonth or ()):
            raise ValueError("BYMONTH values must be 1 to 12")
        for name, values, top in BY_RANGES:
            if any(not 0 < abs(v) <= top for v in getattr(rule, values) or ()):
                raise ValueError(f"{name} values must be ±1 to ±{top}")
        if rule._count is not None and not 0 < rule._count <= count:
            raise ValueError(f"COUNT must be 1 to {count}")
        horizon = self.first_start + span
        until = rule._until.replace(tzinfo=None) if rule._until is not None else None
        if until is not None and until > horizon:
            raise ValueError(f"UNTIL must be within {span.days // 366} years of the start")
        first = rule.replace(count=None, until=self.first_start + EXISTS_WITHIN)
        if until is not None:
            first = first.replace(until=min(until, self.first_start + EXISTS_WITHIN))
        if next(iter(first), None) is None:
            raise ValueError("the rule gives no occurrence (in the first 8 years)")
        expanded = rule.replace(count=None, until=min(until or horizon, horizon))
        wanted = rule._count or 1
        if sum(1 for _ in islice(expanded, wanted)) < wanted:
            raise ValueError(f"COUNT={wanted} reaches more than {span.days // 366} years ahead")

    def _rule(self) -> rrule:
        body = UTC_UNTIL.sub(self._local_until, self.rule)
        return rrulestr(body, dtstart=self.first_start)  # type: ignore[return-value]

    def _local_until(self, match: re.Match[str]) -> str:
        """UNTIL in UTC → the same instant as wall time in the window's zone."""
        instant = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        wall = instant.astimezone(ZoneInfo(self.zone)).replace(tzinfo=None)
        return f"UNTIL={wall:%Y%m%dT%H%M%S}"

    def _wall_starts(self, lo: datetime, hi: datetime) -> list[datetime]:
        """Naive wall-time starts in [lo, hi]."""
        if not self.rule:
            return [s for s in [self.first_start] if lo <= s <= hi]
        return list(self._rule().between(lo, hi, inc=True))

    def _later_starts(self, lo: datetime) -> list[datetime]:
        """The next few wall-time starts from `lo` on."""
        if not self.rule:
            return [self.first_start] if self.first_start >= lo else []
        return list(islice(self._rule().xafter(lo, inc=True), NEXT_LOOKED_AT))


def _check_parts(body: str) -> None:
    """RFC 5545's parts only, each once, with the frequencies RFC 5545 allows them with."""
    names = [part.split("=", 1)[0].strip().upper() for part in body.split(";") if part.strip()]
    unknown = sorted(set(names) - RFC_PARTS)
    if unknown:
        raise ValueError(f"unknown rule part {unknown[0]} (RFC 5545 parts only)")
    if len(set(names)) != len(names):
        raise ValueError("each rule part at most once")
    freq = next(
        (p.split("=", 1)[1].strip().upper() for p in body.split(";") if "FREQ=" in p.upper()), ""
    )
    for name, allowed in ONLY_WITH.items():
        if name in names and freq not in allowed:
            raise ValueError(f"{name} is not allowed with FREQ={freq}")
    if "BYSETPOS" in names and not any(n.startswith("BY") and n != "BYSETPOS" for n in names):
        raise ValueError("BYSETPOS needs another BY… part")


def _utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """Wall time to UTC: an ambiguous time is its first pass (fold 0); a time in a gap is the
    first valid instant after it — the moment the clocks jump — found by bisecting between its
    two readings (transitions fall on whole seconds)."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if _wall(instant, zone) == wall:
        return instant
    lo = int(wall.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())  # before the jump
    hi = int(instant.timestamp()) + 1  # after it
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _wall(datetime.fromtimestamp(mid, UTC), zone) >= wall:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def rule_with_utc_until(rule: str, zone: str) -> str:
    """The rule for a calendar feed: a wall-time UNTIL as UTC, as RFC 5545 requires next to a
    zoned DTSTART."""

    def to_utc(match: re.Match[str]) -> str:
        wall = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")
        return f"UNTIL={_utc(wall, ZoneInfo(zone)):%Y%m%dT%H%M%SZ}"

    return LOCAL_UNTIL.sub(to_utc, rule)
