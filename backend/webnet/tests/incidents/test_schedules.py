"""On-call schedules from their rows: layers fall back, overrides win, the feed names people."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from webnet.incidents import schedules
from webnet.incidents.models import Override
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def test_overrides_win_and_an_empty_primary_falls_back_to_the_next_layer(world) -> None:
    schedule = f.OnCallScheduleFactory(customer=world.a)
    primary = schedule.rotations.create(
        customer=world.a,
        name="primary",
        layer=0,
        handoff_time=time(9),
        start_date=date(2026, 11, 2),
        length_days=1,
        time_zone="Europe/Berlin",
    )
    fallback = schedule.rotations.create(
        customer=world.a,
        name="fallback",
        layer=1,
        handoff_time=time(9),
        start_date=date(2026, 1, 1),
        length_days=7,
    )
    fallback.members.create(customer=world.a, user=world.viewer, position=0)
    at = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert schedules.on_call_user(schedule, at) == world.viewer  # primary has nobody
    primary.members.create(customer=world.a, user=world.operator, position=0)
    primary.members.create(customer=world.a, user=world.admin, position=1)
    # 2026-12-02 is day 30 after 2026-11-02: an even shift → the first member
    assert schedules.on_call_user(schedule, at) == world.operator
    Override.objects.create(
        customer=world.a,
        schedule=schedule,
        user=world.staff,
        start=at - timedelta(hours=1),
        end=at + timedelta(hours=1),
    )
    assert schedules.on_call_id(schedule, at) == world.staff.pk
    pieces = schedules.timeline(schedule, at - timedelta(hours=2), at + timedelta(hours=2))
    assert [who for who, _ in pieces] == [world.operator.pk, world.staff.pk, world.operator.pk]
    feed = schedules.feed(schedule, at - timedelta(hours=2), at + timedelta(hours=2), at).decode()
    assert feed.count("BEGIN:VEVENT") == 3 and "On call: staff" in feed
