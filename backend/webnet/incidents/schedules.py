"""On-call schedules read from the database into oncall.py's pure rotations: who is on call now,
the merged timeline of a schedule's layers, and its iCalendar feed.

A schedule's overrides form a layer above every rotation (the newest covering override wins);
below it the rotations by `layer`, the first with someone on call winning (primary, fallback).
"""

from datetime import datetime
from itertools import pairwise
from typing import Any

from django.contrib.auth import get_user_model

from webnet.incidents import oncall
from webnet.incidents.models import OnCallSchedule
from webnet.incidents.oncall_feed import oncall_feed


def layers(schedule: OnCallSchedule) -> list[oncall.Rotation]:
    """The override layer, then each rotation in layer order (members as user-id strings)."""
    overrides = tuple(
        oncall.Override(str(o.user_id), o.start, o.end, o.created_at)
        for o in schedule.overrides.order_by("created_at", "pk")
    )
    found = [
        oncall.Rotation((), "UTC", datetime.min.date(), datetime.min.time(), overrides=overrides)
    ]
    for rotation in schedule.rotations.order_by("layer", "pk").prefetch_related("members"):
        members = tuple(str(m.user_id) for m in rotation.members.all())
        found.append(
            oncall.Rotation(
                members,
                rotation.time_zone,
                rotation.start_date,
                rotation.handoff_time,
                length_days=rotation.length_days,
            )
        )
    return found


def on_call_id(schedule: OnCallSchedule, at: datetime) -> int | None:
    member = oncall.first_on_call(layers(schedule), at)
    return int(member) if member is not None else None


def on_call_user(schedule: OnCallSchedule, at: datetime) -> Any:
    """The active user on call at `at`, or None (nobody: escalation holds and flags)."""
    user_id = on_call_id(schedule, at)
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def timeline(
    schedule: OnCallSchedule, start: datetime, end: datetime
) -> list[tuple[int | None, oncall.Span]]:
    """Who is on call over [start, end), all layers merged, as contiguous pieces."""
    rotations = layers(schedule)
    cuts = {start, end}
    for rotation in rotations:
        cuts.update(t for _, span in rotation.timeline(start, end) for t in span)
    pieces: list[tuple[int | None, oncall.Span]] = []
    for a, b in pairwise(sorted(t for t in cuts if start <= t <= end)):
        member = oncall.first_on_call(rotations, a)
        who = int(member) if member is not None else None
        if pieces and pieces[-1][0] == who:
            pieces[-1] = (who, (pieces[-1][1][0], b))
        else:
            pieces.append((who, (a, b)))
    return pieces


def feed(schedule: OnCallSchedule, start: datetime, end: datetime, stamp: datetime) -> bytes:
    """The schedule as an iCalendar feed, members named by username."""
    pieces = timeline(schedule, start, end)
    ids = {who for who, _ in pieces if who is not None}
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    named = [(names.get(who) if who is not None else None, span) for who, span in pieces]
    return oncall_feed(schedule.name, named, stamp)
