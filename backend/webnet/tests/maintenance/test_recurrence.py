"""Maintenance windows against a dateutil oracle: every occurrence enumerated from DTSTART with
dateutil's own time zones, across DST-switch days, windows over midnight and early ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil import tz
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from webnet.maintenance.recurrence import WindowDefinition

# each zone with a day it switches (2026) and the local hour of the switch
SWITCHES = [
    ("Europe/Berlin", datetime(2026, 3, 29), 2),
    ("Europe/Berlin", datetime(2026, 10, 25), 2),
    ("America/New_York", datetime(2026, 3, 8), 2),
    ("America/New_York", datetime(2026, 11, 1), 1),
    ("Australia/Sydney", datetime(2026, 4, 5), 2),
    ("Australia/Sydney", datetime(2026, 10, 4), 2),
    ("America/Santiago", datetime(2026, 4, 4), 23),
    ("America/Santiago", datetime(2026, 9, 6), 0),
    ("Asia/Kolkata", datetime(2026, 3, 29), 2),
]
RULES = [
    "",
    "FREQ=DAILY;COUNT=20",
    "FREQ=WEEKLY;BYDAY=SU,WE;COUNT=12",
    "FREQ=DAILY;INTERVAL=2;COUNT=15",
]


def first_valid(wall: datetime, zone: tz.tzfile) -> datetime:
    """UTC of a wall time by dateutil's zone: a time that exists twice is its first pass; one in
    a spring-forward gap the first instant after it (found minute by minute, by dateutil)."""
    aware = wall.replace(tzinfo=zone)
    if not tz.datetime_exists(aware):
        aware = wall.replace(second=0, microsecond=0, tzinfo=zone)
        while not tz.datetime_exists(aware):
            aware += timedelta(minutes=1)
    return aware.astimezone(UTC)


def oracle_spans(window: WindowDefinition) -> list[tuple[datetime, datetime]]:
    """Every occurrence from DTSTART by dateutil, as the instants whose wall time in dateutil's
    zone is within [start, start + duration): a gap resolves to its end, an empty span drops."""
    zone = tz.gettz(window.zone)
    first = window.first_start
    starts = list(rrulestr(window.rule, dtstart=first)) if window.rule else [first]
    spans = [(first_valid(s, zone), first_valid(s + window.duration, zone)) for s in starts]
    if window.ended_at is not None:
        spans = [(a, min(b, window.ended_at)) for a, b in spans]
    return [(a, b) for a, b in spans if a < b]


@st.composite
def windows(draw: st.DrawFn) -> WindowDefinition:
    zone, day, hour = draw(st.sampled_from(SWITCHES))
    if draw(
        st.booleans()
    ):  # start near the switch: in the gap, in the repeated hour, or either side
        minute = hour * 60 + draw(st.integers(-6, 6)) * 15
    else:
        minute = draw(st.integers(0, 24 * 60 - 1)) // 15 * 15
    rule = draw(st.sampled_from(RULES))
    days_before = 0 if not rule else draw(st.integers(0, 3))
    return WindowDefinition(
        first_start=day - timedelta(days=days_before) + timedelta(minutes=minute),
        duration=timedelta(minutes=draw(st.integers(1, 40)) * 15),
        zone=zone,
        rule=rule,
    )


@settings(max_examples=150, deadline=None)
@given(windows(), st.integers(-3 * 86400, 2 * 86400), st.integers(1, 3 * 86400))
def test_occurrences_overlapping_a_range_match_the_oracle(window, offset, length):
    # ranges around the switch day, which the window's first start precedes by up to three days
    start = window.first_start.replace(hour=0, minute=0, tzinfo=UTC) + timedelta(
        days=3, seconds=offset
    )
    end = start + timedelta(seconds=length)
    expected = [(a, b) for a, b in oracle_spans(window) if a < end and b > start]
    assert window.occurrences(start, end) == expected


@settings(max_examples=150, deadline=None)
@given(windows(), st.integers(-2 * 86400, 30 * 86400))
def test_status_on_read_matches_the_oracle(window, offset):
    now = window.first_start.replace(tzinfo=UTC) + timedelta(seconds=offset)
    spans = oracle_spans(window)
    if any(a <= now < b for a, b in spans):
        expected = "active"
    elif any(a > now for a, _ in spans):
        expected = "scheduled"
    else:
        expected = "completed"
    assert window.status(now) == expected


def test_a_window_over_the_spring_forward_night_keeps_its_wall_times():
    # given Sundays 01:00 for 4 h in Berlin, the night clocks jump 02:00 → 03:00 (29 Mar 2026)
    window = WindowDefinition(
        datetime(2026, 3, 22, 1), timedelta(hours=4), "Europe/Berlin", "FREQ=WEEKLY"
    )
    day = datetime(2026, 3, 29, tzinfo=UTC)
    # then that occurrence runs 01:00 CET → 05:00 CEST: three real hours
    [(a, b)] = window.occurrences(day, day + timedelta(days=1))
    assert (a, b) == (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC))


def test_an_early_end_completes_the_window_and_cancelled_is_never_active():
    window = WindowDefinition(datetime(2026, 6, 1, 22), timedelta(hours=4), "UTC")
    assert window.status(datetime(2026, 6, 1, 23, tzinfo=UTC)) == "active"
    ended = WindowDefinition(
        window.first_start, window.duration, "UTC", ended_at=datetime(2026, 6, 1, 23, tzinfo=UTC)
    )
    assert ended.status(datetime(2026, 6, 1, 23, 30, tzinfo=UTC)) == "completed"
    assert ended.occurrences(
        datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC)
    ) == [(datetime(2026, 6, 1, 22, tzinfo=UTC), datetime(2026, 6, 1, 23, tzinfo=UTC))]
    cancelled = WindowDefinition(window.first_start, window.duration, "UTC", cancelled=True)
    assert cancelled.status(datetime(2026, 6, 1, 23, tzinfo=UTC)) == "cancelled"


def test_an_aware_start_or_empty_duration_is_refused():
    with pytest.raises(ValueError):
        WindowDefinition(datetime(2026, 6, 1, tzinfo=UTC), timedelta(hours=1), "UTC")
    with pytest.raises(ValueError):
        WindowDefinition(datetime(2026, 6, 1), timedelta(), "UTC")


@pytest.mark.parametrize(("zone", "day", "hour"), SWITCHES)
@pytest.mark.parametrize("rule", ["", "FREQ=DAILY;COUNT=5"])
def test_windows_starting_or_ending_in_a_switch_hour_match_the_oracle(zone, day, hour, rule):
    # every quarter hour from one hour before the switch to one after, 15 min to 3 h long
    for start_minute in range(hour * 60 - 60, hour * 60 + 75, 15):
        for minutes in (15, 30, 60, 90, 180):
            first = day - timedelta(days=2 if rule else 0) + timedelta(minutes=start_minute)
            window = WindowDefinition(first, timedelta(minutes=minutes), zone, rule)
            lo = day.replace(tzinfo=UTC) - timedelta(days=3)
            expected = [
                (a, b) for a, b in oracle_spans(window) if a < lo + timedelta(days=7) and b > lo
            ]
            assert window.occurrences(lo, lo + timedelta(days=7)) == expected, (
                zone,
                first,
                minutes,
            )


def test_a_start_in_the_spring_forward_gap_is_the_first_valid_instant():
    # given daily 02:30 for an hour in Berlin; on 29 Mar 2026 clocks jump 02:00 CET → 03:00 CEST
    window = WindowDefinition(datetime(2026, 3, 28, 2, 30), timedelta(hours=1), "Europe/Berlin",
                              "FREQ=DAILY;COUNT=3")  # fmt: skip
    day = datetime(2026, 3, 29, tzinfo=UTC)
    # then that night's occurrence opens at 03:00 CEST (the jump) and closes at 03:30 CEST
    assert window.occurrences(day, day + timedelta(days=1)) == [
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    ]
    # and a one-hour window wholly in Santiago's gap (00:00 → 01:00) never happens
    lost = WindowDefinition(datetime(2026, 9, 6, 0, 0), timedelta(hours=1), "America/Santiago")
    assert lost.occurrences(day, day + timedelta(days=365)) == []
    assert lost.status(datetime(2026, 9, 5, tzinfo=UTC)) == "completed"


def test_until_in_utc_is_the_same_instant_for_a_zoned_window():
    # given Mondays 23:00 Berlin until 2026-12-28 22:00Z (= 23:00 CET, the last Monday's start)
    window = WindowDefinition(datetime(2026, 12, 7, 23), timedelta(hours=2), "Europe/Berlin",
                              "FREQ=WEEKLY;UNTIL=20261228T220000Z")  # fmt: skip
    window.check_rule(5000, timedelta(days=3660))
    spans = window.occurrences(datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))
    assert [a.day for a, _ in spans] == [7, 14, 21, 28]
    assert window.last_end() == datetime(2026, 12, 29, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("FREQ=DAILY;BYWEEKNO=99", "BYWEEKNO"),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4", "no occurrence"),
        ("FREQ=DAILY;COUNT=0", "COUNT"),
        ("FREQ=YEARLY;COUNT=30", "years ahead"),
        ("FREQ=DAILY;UNTIL=20991231T000000Z", "UNTIL"),
        ("FREQ=DAILY;BYEASTER=1", "unknown rule part BYEASTER"),
        ("FREQ=WEEKLY;BYMONTH=-1", "BYMONTH"),
        ("FREQ=DAILY;BYSETPOS=2", "BYSETPOS needs"),
        ("FREQ=DAILY;COUNT=2;COUNT=3", "at most once"),
    ],
)
def test_rules_that_never_happen_or_would_hang_are_refused_quickly(rule, message):
    window = WindowDefinition(datetime(2026, 12, 7, 23), timedelta(hours=2), "Europe/Berlin", rule)
    with pytest.raises(ValueError, match=message):
        window.check_rule(5000, timedelta(days=20 * 366))
