"""Routing: which rules match a message, and whether a user's quiet hours hold. Pure functions.

The matcher takes what it needs as plain sets (the location's ancestor ids including itself, the
device's group and tag ids), so the locations app's subtree query stays the caller's business.
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from webnet.notifications.models import SEVERITY_RANK


@dataclass(frozen=True)
class Subject:
    """What a message is about, as the matcher sees it."""

    topic: str
    severity: str
    at: datetime  # aware
    location_path: frozenset[int] = field(default_factory=frozenset)  # the location + ancestors
    group_ids: frozenset[int] = field(default_factory=frozenset)
    tag_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Criteria:
    """A rule's conditions; empty ones match everything."""

    topic: str = ""
    min_severity: str = "info"
    location_ids: frozenset[int] = frozenset()
    group_id: int | None = None
    tag_id: int | None = None
    weekdays: frozenset[int] = frozenset()
    start: time | None = None
    end: time | None = None
    time_zone: str = "UTC"


def in_window(at: datetime, start: time | None, end: time | None, zone: str) -> bool:
    """Whether `at` falls in [start, end) local time; a window may wrap past midnight."""
    if start is None or end is None or start == end:
        return True
    local = at.astimezone(ZoneInfo(zone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def matches(criteria: Criteria, subject: Subject) -> bool:
    local = subject.at.astimezone(ZoneInfo(criteria.time_zone))
    return (
        (not criteria.topic or criteria.topic == subject.topic)
        and SEVERITY_RANK[subject.severity] >= SEVERITY_RANK[criteria.min_severity]
        and (not criteria.location_ids or bool(criteria.location_ids & subject.location_path))
        and (criteria.group_id is None or criteria.group_id in subject.group_ids)
        and (criteria.tag_id is None or criteria.tag_id in subject.tag_ids)
        and (not criteria.weekdays or local.weekday() in criteria.weekdays)
        and in_window(subject.at, criteria.start, criteria.end, criteria.time_zone)
    )


def quiet(at: datetime, start: time | None, end: time | None, zone: str) -> bool:
    """Inside a user's quiet hours (none set: never quiet)."""
    return start is not None and end is not None and in_window(at, start, end, zone)
