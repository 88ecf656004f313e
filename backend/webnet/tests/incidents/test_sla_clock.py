"""SLA clocks against the naive oracle: generated incidents with pauses, priority changes and
reopen, on business-hours calendars across DST switches and holidays."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from webnet.incidents.business_hours import BusinessHours, country_holidays
from webnet.incidents.sla_clock import LogEntry, SlaPolicy, evaluate
from webnet.tests.incidents.oracle import calendar_open, clock_seconds, open_seconds

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
# days on which those zones switch DST in 2026 (Kolkata and UTC never do)
SWITCH_DAYS = [
    datetime(2026, 3, 8, tzinfo=UTC),
    datetime(2026, 3, 29, tzinfo=UTC),
    datetime(2026, 4, 5, tzinfo=UTC),
    datetime(2026, 10, 4, tzinfo=UTC),
    datetime(2026, 10, 25, tzinfo=UTC),
    datetime(2026, 11, 1, tzinfo=UTC),
]
STATUSES = ["triggered", "acknowledged", "waiting_customer", "waiting_vendor", "resolved", "closed"]

hour_ranges = st.lists(
    st.tuples(st.integers(0, 24 * 4 - 1), st.integers(1, 24 * 4)).map(
        lambda p: (p[0] * 900, min(86400, p[0] * 900 + p[1] * 900))
    ),
    max_size=2,
)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessHours:
    if draw(st.booleans()):
        return BusinessHours.always()
    weekly = {day: tuple(draw(hour_ranges)) for day in range(7)}
    zone = draw(st.sampled_from(ZONES))
    start = draw(st.sampled_from(SWITCH_DAYS)).date()
    holidays = frozenset(
        start + timedelta(days=d) for d in draw(st.lists(st.integers(-2, 2), max_size=2))
    )
    return BusinessHours(ZoneInfo(zone), weekly, holidays)


@st.composite
def incidents(draw: st.DrawFn, max_seconds: int) -> tuple[list[LogEntry], datetime]:
    opened = draw(st.sampled_from(SWITCH_DAYS)) + timedelta(
        seconds=draw(st.integers(-86400, 86400))
    )
    log = [LogEntry(opened, "priority", "P2"), LogEntry(opened, "status", "triggered")]
    t = opened
    for _ in range(draw(st.integers(0, 7))):
        t += timedelta(seconds=draw(st.integers(1, max_seconds // 8)))
        kind = draw(st.sampled_from(["status", "status", "priority", "response"]))
        value = {
            "status": draw(st.sampled_from(STATUSES)),
            "priority": draw(st.sampled_from(["P1", "P2"])),
        }.get(kind, "")
        log.append(LogEntry(t, kind, value))
    now = t + timedelta(seconds=draw(st.integers(0, max_seconds // 8)))
    return log, now


POLICY_TARGETS = {
    "P1": {
        "acknowledge": 900.0,
        "first_response": 1800.0,
        "resolve_first": 4 * 3600.0,
        "resolve_total": 6 * 3600.0,
    },
    "P2": {
        "acknowledge": 3600.0,
        "first_response": 7200.0,
        "resolve_first": 8 * 3600.0,
        "resolve_total": 10 * 3600.0,
    },
}


@settings(max_examples=60, deadline=None)
@given(
    calendars(), st.sampled_from(SWITCH_DAYS), st.integers(-86400, 86400), st.integers(0, 4 * 86400)
)
def test_open_seconds_match_the_oracle_minute_by_minute(calendar, day, shift, length):
    start = day + timedelta(seconds=shift // 60 * 60)
    end = start + timedelta(seconds=length // 60 * 60)
    assert calendar.seconds_between(start, end) == open_seconds(calendar, start, end, step=60)


@settings(max_examples=40, deadline=None)
@given(
    calendars(),
    st.sampled_from(SWITCH_DAYS),
    st.integers(-3 * 3600, 3 * 3600),
    st.integers(0, 6 * 3600),
)
def test_open_seconds_match_the_oracle_to_the_second_around_dst(calendar, day, shift, length):
    start = day + timedelta(seconds=shift)
    end = start + timedelta(seconds=length)
    assert calendar.seconds_between(start, end) == open_seconds(calendar, start, end, step=1)


@settings(max_examples=40, deadline=None)
@given(calendars(), st.sampled_from(SWITCH_DAYS), st.integers(0, 86400), st.integers(1, 2 * 86400))
def test_adding_open_time_lands_where_the_oracle_counts_it(calendar, day, shift, seconds):
    start = day + timedelta(seconds=shift // 60 * 60)
    due = calendar.add(start, seconds // 60 * 60)
    if due is None:
        assert calendar.seconds_between(start, start + timedelta(days=30)) < seconds // 60 * 60
        return
    assert calendar.seconds_between(start, due) == seconds // 60 * 60
    if seconds // 60 * 60:
        assert calendar_open(calendar, due - timedelta(seconds=1))


@settings(max_examples=40, deadline=None)
@given(calendars(), incidents(max_seconds=36 * 3600))
def test_clocks_match_the_oracle_through_pauses_reopen_and_priority_changes(calendar, incident):
    log, now = incident
    log = [LogEntry(e.at.replace(second=0), e.kind, e.value) for e in log]
    now = now.replace(second=0)
    clocks = evaluate(log, SlaPolicy(POLICY_TARGETS, calendar), now)
    oracle = clock_seconds(log, calendar, now, step=60)
    for name, clock in clocks.items():
        elapsed, stopped = oracle[name]
        assert clock.elapsed_s == elapsed, name
        assert clock.stopped_at == (stopped if name != "resolve_total" else clock.stopped_at)
        expected_state = (
            ("met" if elapsed <= clock.target_s else "missed")
            if clock.stopped_at
            else "breached"
            if elapsed >= clock.target_s and (elapsed > clock.target_s or clock.running)
            else "at_risk"
            if elapsed >= 0.8 * clock.target_s
            else "within"
        )
        assert clock.state == expected_state, name


@settings(max_examples=15, deadline=None)
@given(incidents(max_seconds=4 * 3600))
def test_clocks_match_the_oracle_to_the_second(incident):
    log, now = incident
    calendar = BusinessHours.from_hours(
        "Europe/Berlin", {d: [(time(1, 30), time(5))] for d in range(7)}
    )
    clocks = evaluate(log, SlaPolicy(POLICY_TARGETS, calendar), now)
    oracle = clock_seconds(log, calendar, now, step=1)
    for name, clock in clocks.items():
        assert clock.elapsed_s == oracle[name][0], name


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_pause_stops_the_resolve_clock_and_the_priority_sets_the_target():
    # given a P2 incident opened 10:00 UTC, 24×7, waiting on the customer 11:00–13:00
    log = [
        LogEntry(at("2026-06-01T10:00"), "priority", "P2"),
        LogEntry(at("2026-06-01T10:00"), "status", "triggered"),
        LogEntry(at("2026-06-01T10:20"), "status", "acknowledged"),
        LogEntry(at("2026-06-01T11:00"), "status", "waiting_customer"),
        LogEntry(at("2026-06-01T13:00"), "status", "acknowledged"),
        LogEntry(at("2026-06-01T14:00"), "priority", "P1"),
    ]
    # when read at 15:00
    clocks = evaluate(log, SlaPolicy(POLICY_TARGETS), at("2026-06-01T15:00"))
    # then acknowledged in 20 min (P2's hour); resolve ran 3 h of P1's 4 h, due 16:00
    assert (clocks["acknowledge"].state, clocks["acknowledge"].elapsed_s) == ("met", 1200)
    resolve = clocks["resolve_first"]
    assert (resolve.elapsed_s, resolve.target_s, resolve.state) == (3 * 3600, 4 * 3600, "within")
    assert resolve.due_at == at("2026-06-01T16:00")
    # and at 15:20 it is at risk (≥ 80 %), at 16:00 breached, with the crossing instant named
    assert (
        evaluate(log, SlaPolicy(POLICY_TARGETS), at("2026-06-01T15:20"))["resolve_first"].state
        == "at_risk"
    )
    late = evaluate(log, SlaPolicy(POLICY_TARGETS), at("2026-06-01T16:30"))["resolve_first"]
    assert (late.state, late.breached_at) == ("breached", at("2026-06-01T16:00"))


def test_business_hours_skip_nights_weekends_and_public_holidays():
    # given Berlin office hours Mon–Fri 09:00–17:00 and German public holidays
    calendar = BusinessHours.from_hours(
        "Europe/Berlin",
        {d: [(time(9), time(17))] for d in range(5)},
        country_holidays("DE", [2026]),
    )
    # when 10 open hours are added from Thursday 24 Dec 2026 16:00 local (15:00 UTC)
    due = calendar.add(at("2026-12-24T15:00"), 10 * 3600)
    # then 25/26 Dec and the weekend are skipped: 1 h Thu, 8 h Mon 28th, 1 h Tue
    assert due == at("2026-12-29T09:00")


def test_a_reopened_incident_adds_its_reopened_time_to_the_total_only():
    log = [
        LogEntry(at("2026-06-01T10:00"), "priority", "P1"),
        LogEntry(at("2026-06-01T10:00"), "status", "triggered"),
        LogEntry(at("2026-06-01T11:00"), "status", "resolved"),
        LogEntry(at("2026-06-01T12:00"), "status", "triggered"),
        LogEntry(at("2026-06-01T12:30"), "status", "resolved"),
    ]
    clocks = evaluate(log, SlaPolicy(POLICY_TARGETS), at("2026-06-01T18:00"))
    assert clocks["resolve_first"].elapsed_s == 3600
    assert clocks["resolve_total"].elapsed_s == 5400
    assert clocks["resolve_total"].stopped_at == at("2026-06-01T12:30")
    assert clocks["acknowledge"].stopped_at == at("2026-06-01T11:00")
