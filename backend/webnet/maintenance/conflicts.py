"""Conflict detection for the change calendar: does a planned change or maintenance window collide
with another on the same device, a parent or child of it (topology), the same site, or a freeze?

Pure and indexed by time: a check bisects to the occurrences that overlap the candidate (a year
of windows holds few that overlap a night's change) and compares devices, neighbours and sites
only on those.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

Kind = Literal["maintenance", "change", "freeze"]
Reason = Literal["same_device", "parent_device", "child_device", "same_site", "freeze"]
# a freeze or the same device refuses; a neighbour or a shared site warns
REFUSING: frozenset[Reason] = frozenset({"same_device", "freeze"})


@dataclass(frozen=True)
class CalendarItem:
    """One occurrence on the calendar. A freeze with no sites covers the whole customer."""

    key: str  # e.g. "maintenance:12" — names the conflicting item to the user
    kind: Kind
    start: datetime
    end: datetime
    devices: frozenset[int] = frozenset()
    sites: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Conflict:
    item: CalendarItem
    reason: Reason
    device_id: int | None = None

    @property
    def refuses(self) -> bool:
        return self.reason in REFUSING


@dataclass
class _Timeline:
    """Items on one resource sorted by start, with the longest duration for the bisect bound."""

    starts: list[datetime] = field(default_factory=list)
    items: list[CalendarItem] = field(default_factory=list)
    longest: float = 0.0

    def overlapping(self, start: datetime, end: datetime) -> Iterable[CalendarItem]:
        stop = bisect.bisect_left(self.starts, end)
        first = bisect.bisect_left(self.starts, start - timedelta(seconds=self.longest))
        return (item for item in self.items[first:stop] if item.end > start)


class ConflictIndex:
    """The calendar sorted by time once, with the topology's parent and child maps; a check
    bisects to the few occurrences that overlap the candidate and compares resources on those."""

    def __init__(self, items: Iterable[CalendarItem], parents: Mapping[int, Iterable[int]]) -> None:
        self._timeline = _timeline(list(items))
        self._parents = {d: frozenset(p) for d, p in parents.items()}
        children: dict[int, set[int]] = defaultdict(set)
        for device, ps in self._parents.items():
            for parent in ps:
                children[parent].add(device)
        self._children = {d: frozenset(c) for d, c in children.items()}

    def check(self, candidate: CalendarItem) -> list[Conflict]:
        """Every conflict of `candidate` (itself excluded by key), refusing ones first."""
        found: dict[tuple[str, Reason], Conflict] = {}
        for item in self._timeline.overlapping(candidate.start, candidate.end):
            if item.key == candidate.key:
                continue
            for reason, device in self._reasons(candidate, item):
                why: Reason = "freeze" if item.kind == "freeze" else reason
                found.setdefault((item.key, why), Conflict(item, why, device))
        return sorted(found.values(), key=lambda c: (not c.refuses, c.item.start, c.item.key))

    def _reasons(
        self, candidate: CalendarItem, item: CalendarItem
    ) -> Iterable[tuple[Reason, int | None]]:
        if item.kind == "freeze" and not item.devices and not item.sites:
            yield "freeze", None
        for device in candidate.devices:
            if device in item.devices:
                yield "same_device", device
            for parent in self._parents.get(device, frozenset()) & item.devices:
                yield "parent_device", parent
            for child in self._children.get(device, frozenset()) & item.devices:
                yield "child_device", child
        if candidate.sites & item.sites:
            yield "same_site", None


def _timeline(items: list[CalendarItem]) -> _Timeline:
    items.sort(key=lambda i: i.start)
    longest = max(((i.end - i.start).total_seconds() for i in items), default=0.0)
    return _Timeline([i.start for i in items], items, longest)
