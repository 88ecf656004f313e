"""Who is on call: rotations with hand-offs in wall time of the rotation's zone, and overrides.

A rotation hands off every `length` days (1 = daily, 7 = weekly) at `handoff` wall time, walking
its members in order from `start`. Hand-offs follow the wall clock, so a weekly shift that spans
a DST switch is an hour shorter or longer in real time, and the hand-off is always at 09:00
local. An override (a person covering a span) wins over the rotation; the newest override wins
over older ones. Nobody on call is an answer (None), never a guess — escalation holds and flags.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Override:
    member: str
    start: datetime
    end: datetime
    created_at: datetime


@dataclass(frozen=True)
class Rotation:
    members: tuple[str, ...]
    zone: str
    start: date  # the first shift begins on this local date at `handoff`
    handoff: time
    length_days: int = 7
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        if self.length_days < 1:
            raise ValueError("a shift lasts at least one day")

    def on_call(self, at: datetime) -> str | None:
        """The member on call at `at` (an override first), or None."""
        covering = [o for o in self.overrides if o.start <= at < o.end]
        if covering:
            # the newest wins; of two made at once, the later listed
            return max(reversed(covering), key=lambda o: o.created_at).member
        shift = self._shift_index(at)
        if shift is None or not self.members:
            return None
        return self.members[shift % len(self.members)]

    def shifts(self, start: datetime, end: datetime) -> Iterator[tuple[str, Span]]:
        """The rotation's own shifts (no overrides) overlapping [start, end), for calendars."""
        if not self.members:
            return
        index = max(self._shift_index(start) or 0, 0)
        while True:
            span = (self._handoff_utc(index), self._handoff_utc(index + 1))
            if span[0] >= end:
                return
            if span[1] > start:
                yield self.members[index % len(self.members)], span
            index += 1

    def timeline(self, start: datetime, end: datetime) -> list[tuple[str | None, Span]]:
        """Who is on call over [start, end) with overrides applied, as contiguous pieces."""
        cuts = {start, end}
        cuts.update(t for _, (a, b) in self.shifts(start, end) for t in (a, b) if start < t < end)
        cuts.update(t for o in self.overrides for t in (o.start, o.end) if start < t < end)
        ordered = sorted(cuts)
        pieces: list[tuple[str | None, Span]] = []
        for a, b in pairwise(ordered):
            who = self.on_call(a)
            if pieces and pieces[-1][0] == who and pieces[-1][1][1] == a:
                pieces[-1] = (who, (pieces[-1][1][0], b))
            else:
                pieces.append((who, (a, b)))
        return pieces

    def _handoff_utc(self, index: int) -> datetime:
        local_day = self.start + timedelta(days=index * self.length_days)
        return datetime.combine(local_day, self.handoff, ZoneInfo(self.zone)).astimezone(UTC)

    def _shift_index(self, at: datetime) -> int | None:
        """The shift containing `at`; None before the first hand-off."""
        local = at.astimezone(ZoneInfo(self.zone))
        guess = (local.date() - self.start).days // self.length_days
        for index in (guess + 1, guess, guess - 1):
            if index >= 0 and self._handoff_utc(index) <= at:
                return index
        return None


def first_on_call(rotations: Sequence[Rotation], at: datetime) -> str | None:
    """The first rotation (a layer) with someone on call wins: primary, then its fallback."""
    for rotation in rotations:
        member = rotation.on_call(at)
        if member is not None:
            return member
    return None
