"""Conflict detection against a brute-force scan of every item on the calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from webnet.maintenance.conflicts import CalendarItem, Conflict, ConflictIndex
from webnet.maintenance.gates import Calendar

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def brute_force(candidate, items, parents):
    children = {}
    for d, ps in parents.items():
        for p in ps:
            children.setdefault(p, set()).add(d)
    found = set()
    for item in items:
        if item.key == candidate.key or not (
            item.start < candidate.end and item.end > candidate.start
        ):
            continue
        reasons = set()
        if item.kind == "freeze" and not item.devices and not item.sites:
            reasons.add("freeze")
        for d in candidate.devices:
            if d in item.devices:
                reasons.add("same_device")
            if parents.get(d, set()) & item.devices:
                reasons.add("parent_device")
            if children.get(d, set()) & item.devices:
                reasons.add("child_device")
        if candidate.sites & item.sites:
            reasons.add("same_site")
        if item.kind == "freeze" and reasons:
            reasons = {"freeze"}
        found.update((item.key, r) for r in reasons)
    return found


@st.composite
def items(draw, key):
    start = T0 + timedelta(minutes=15 * draw(st.integers(0, 400)))
    return CalendarItem(
        key=key,
        kind=draw(st.sampled_from(["maintenance", "change", "freeze"])),
        start=start,
        end=start + timedelta(minutes=15 * draw(st.integers(1, 40))),
        devices=frozenset(draw(st.lists(st.integers(1, 12), max_size=3))),
        sites=frozenset(draw(st.lists(st.integers(1, 4), max_size=2))),
    )


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 25).flatmap(lambda n: st.tuples(*[items(f"i{k}") for k in range(n)])),
    items("candidate"),
    st.dictionaries(st.integers(1, 12), st.sets(st.integers(1, 12), max_size=2), max_size=8),
)
def test_the_index_finds_exactly_what_a_full_scan_finds(calendar, candidate, parents):
    conflicts = ConflictIndex(calendar, parents).check(candidate)
    assert {(c.item.key, c.reason) for c in conflicts} == brute_force(candidate, calendar, parents)
    assert [c.refuses for c in conflicts] == sorted((c.refuses for c in conflicts), reverse=True)


def test_a_change_on_a_child_of_a_maintained_router_warns_and_a_freeze_refuses_naming_both():
    core = CalendarItem("maintenance:1", "maintenance", T0, T0 + timedelta(hours=4), frozenset({1}))
    freeze = CalendarItem("freeze:7", "freeze", T0 + timedelta(hours=3), T0 + timedelta(days=2))
    change = CalendarItem(
        "change:9", "change", T0 + timedelta(hours=2), T0 + timedelta(hours=5), frozenset({2})
    )
    conflicts = ConflictIndex([core, freeze], parents={2: {1}}).check(change)
    assert [(c.item.key, c.reason, c.refuses) for c in conflicts] == [
        ("freeze:7", "freeze", True),
        ("maintenance:1", "parent_device", False),
    ]
    # and touching end-to-start is no overlap
    after = CalendarItem(
        "change:10", "change", T0 + timedelta(days=2), T0 + timedelta(days=3), frozenset({1})
    )
    assert ConflictIndex([core, freeze], parents={}).check(after) == []


def test_a_conflict_is_named_in_the_readers_zone() -> None:
    start = datetime(2026, 12, 24, 21, 0, tzinfo=UTC)
    conflict = Conflict(
        CalendarItem("freeze:1", "freeze", start, start + timedelta(hours=9)), "freeze"
    )
    calendar = Calendar(items=[], labels={"freeze:1": "freeze “xmas”"}, freezes={})
    assert calendar.describe(conflict) == "freeze “xmas” at 2026-12-24 21:00:00 UTC (a freeze)"
    with timezone.override("Europe/Berlin"):
        assert calendar.describe(conflict) == "freeze “xmas” at 2026-12-24 22:00:00 CET (a freeze)"
