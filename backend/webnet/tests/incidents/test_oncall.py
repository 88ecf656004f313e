"""On-call rotations against a brute-force oracle (every hand-off listed from the start), across
DST, with overrides; and the iCalendar feed read back by the icalendar parser."""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webnet.incidents.oncall import Override, Rotation, first_on_call
from webnet.incidents.oncall_feed import oncall_feed

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def oracle(rotation: Rotation, at: datetime) -> str | None:
    covering = [o for o in rotation.overrides if o.start <= at < o.end]
    if covering:
        return sorted(covering, key=lambda o: o.created_at)[-1].member
    zone = ZoneInfo(rotation.zone)
    handoffs = [
        datetime.combine(
            rotation.start + timedelta(days=i * rotation.length_days), rotation.handoff, zone
        ).astimezone(UTC)
        for i in range(400)
    ]
    index = bisect.bisect_right(handoffs, at) - 1
    return (
        None
        if index < 0 or not rotation.members
        else rotation.members[index % len(rotation.members)]
    )


@st.composite
def rotations(draw: st.DrawFn) -> Rotation:
    overrides = tuple(
        Override(
            draw(st.sampled_from(["ovr-a", "ovr-b"])),
            start := BASE + timedelta(hours=draw(st.integers(0, 24 * 300))),
            start + timedelta(hours=draw(st.integers(1, 72))),
            BASE + timedelta(seconds=draw(st.integers(0, 10**6))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return Rotation(
        members=tuple(draw(st.lists(st.sampled_from(["ana", "bo", "cy", "di"]), max_size=4))),
        zone=draw(st.sampled_from(ZONES)),
        start=date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 20))),
        handoff=time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
        length_days=draw(st.sampled_from([1, 7, 14])),
        overrides=overrides,
    )


@settings(max_examples=150, deadline=None)
@given(rotations(), st.integers(0, 300 * 86400))
def test_who_is_on_call_matches_the_oracle(rotation, seconds):
    at = BASE + timedelta(seconds=seconds)
    assert rotation.on_call(at) == oracle(rotation, at)


@settings(max_examples=40, deadline=None)
@given(
    rotations(), st.integers(0, 200 * 86400), st.lists(st.integers(0, 30 * 86400 - 1), min_size=1)
)
def test_the_timeline_agrees_with_on_call_at_every_instant(rotation, offset, probes):
    start = BASE + timedelta(seconds=offset)
    pieces = rotation.timeline(start, start + timedelta(days=30))
    assert pieces[0][1][0] == start and pieces[-1][1][1] == start + timedelta(days=30)
    for probe in probes:
        at = start + timedelta(seconds=probe)
        [who] = [w for w, (a, b) in pieces if a <= at < b]
        assert who == rotation.on_call(at)


def test_a_weekly_berlin_handoff_stays_at_nine_local_across_the_spring_switch():
    rotation = Rotation(("ana", "bo"), "Europe/Berlin", date(2026, 3, 23), time(9), 7)
    [(first, span1), (second, _)] = list(
        rotation.shifts(datetime(2026, 3, 23, 12, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    )
    assert (first, second) == ("ana", "bo")
    assert span1 == (datetime(2026, 3, 23, 8, tzinfo=UTC), datetime(2026, 3, 30, 7, tzinfo=UTC))
    assert span1[1] - span1[0] == timedelta(days=7) - timedelta(hours=1)


def test_an_override_wins_the_newest_override_wins_and_nobody_is_an_answer():
    at = datetime(2026, 5, 5, 12, tzinfo=UTC)
    old = Override("old", at - timedelta(hours=1), at + timedelta(hours=1), BASE)
    new = Override(
        "new", at - timedelta(hours=1), at + timedelta(hours=1), BASE + timedelta(days=1)
    )
    rotation = Rotation(("ana",), "UTC", date(2026, 1, 1), time(9), 7, (old, new))
    assert rotation.on_call(at) == "new"
    assert Rotation((), "UTC", date(2026, 1, 1), time(9)).on_call(at) is None
    assert (
        Rotation(("ana",), "UTC", date(2026, 6, 1), time(9)).on_call(at) is None
    )  # before it starts
    fallback = Rotation(("bo",), "UTC", date(2026, 1, 1), time(9))
    assert first_on_call([Rotation((), "UTC", date(2026, 1, 1), time(9)), fallback], at) == "bo"
    with pytest.raises(ValueError):
        Rotation(("ana",), "UTC", date(2026, 1, 1), time(9), 0)


def test_the_feed_parses_back_with_one_event_per_piece_and_stable_uids():
    rotation = Rotation(("ana", "bo"), "Europe/Berlin", date(2026, 3, 23), time(9), 7)
    start = datetime(2026, 3, 23, 8, tzinfo=UTC)
    pieces = rotation.timeline(start, datetime(2026, 4, 6, 7, tzinfo=UTC))  # two shifts
    feed = oncall_feed("noc-primary", pieces, stamp=start)
    events = icalendar.Calendar.from_ical(feed).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["On call: ana", "On call: bo"]
    assert events[1]["dtstart"].dt == datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert feed == oncall_feed("noc-primary", pieces, stamp=start)
