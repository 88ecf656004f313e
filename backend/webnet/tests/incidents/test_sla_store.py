"""SLA clocks read from the log on a page and stored by the tick are the same; a tick repeated
(or after a restart) changes nothing; a business calendar with holidays is built from its row."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from webnet.incidents import services, sla
from webnet.incidents.models import BusinessCalendar, SlaClockState, Status
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def _stored(incident):
    return {
        row.name: (
            row.state,
            row.elapsed_s,
            row.target_s,
            row.running,
            row.stopped_at,
            row.due_at,
            row.breached_at,
        )
        for row in SlaClockState.objects.filter(incident=incident)
    }


def _read(incident, now):
    return {
        name: (c.state, c.elapsed_s, c.target_s, c.running, c.stopped_at, c.due_at, c.breached_at)
        for name, c in sla.clocks(incident, now).items()
    }


def test_tick_stores_what_a_read_computes_through_pause_priority_change_and_reopen(world) -> None:
    policy = f.SlaPolicyFactory(customer=world.a, is_default=True)
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("UTC"))
    incident = services.open_incident(world.operator, customer=world.a, title="x", at=t0)
    assert incident.sla_policy == policy
    m = timedelta(minutes=1)
    services.set_priority(world.operator, incident, priority="p1", at=t0 + 5 * m)
    services.acknowledge_incident(world.operator, incident, at=t0 + 20 * m)
    services.set_status(world.operator, incident, status=Status.WAITING_CUSTOMER, at=t0 + 30 * m)
    services.set_status(world.operator, incident, status=Status.ACKNOWLEDGED, at=t0 + 90 * m)
    services.resolve_incident(world.operator, incident, at=t0 + 100 * m)
    services.reopen_incident(world.operator, incident, at=t0 + 110 * m)
    for now in (t0 + 120 * m, t0 + 600 * m):
        assert sla.tick(now) == 1
        assert _stored(incident) == _read(incident, now)
        sla.tick(now)  # idempotent
        assert _stored(incident) == _read(incident, now)
    clocks = sla.clocks(incident, t0 + 600 * m)
    assert clocks["acknowledge"].state == "missed"  # p1: 15 minutes, took 20
    assert clocks["resolve_first"].state == "met"  # 40 open minutes before the first resolve
    assert clocks["resolve_total"].state == "breached"  # 8 h total, running since the reopen
    assert clocks["first_response"].state == "missed"  # no reply before the first resolve


def test_closed_incidents_stop_being_recomputed_once_stored_stopped(world) -> None:
    f.SlaPolicyFactory(customer=world.a, is_default=True)
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("UTC"))
    incident = services.open_incident(world.operator, customer=world.a, title="x", at=t0)
    services.resolve_incident(world.operator, incident, at=t0 + timedelta(minutes=5))
    assert sla.tick(t0 + timedelta(minutes=6)) == 1
    services.close_incident(world.operator, incident, at=t0 + timedelta(minutes=7))
    assert sla.tick(t0 + timedelta(minutes=8)) == 0


def test_a_business_calendar_row_counts_weekly_hours_minus_national_holidays(world) -> None:
    calendar = BusinessCalendar.objects.create(
        customer=world.a,
        name="office",
        time_zone="Europe/Berlin",
        weekly_hours={str(d): [["09:00", "17:00"]] for d in range(5)},
        holiday_country="DE",
        holiday_subdivision="BY",
        extra_holidays=["2026-12-23"],
    )
    hours = sla.hours_of(calendar, range(2026, 2027))
    assert date(2026, 12, 25) in hours.holidays and date(2026, 1, 6) in hours.holidays  # BY
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 12, 22, 8, 0, tzinfo=berlin)  # Tuesday; Wed is an extra holiday
    assert hours.seconds_between(start, datetime(2026, 12, 24, 12, 0, tzinfo=berlin)) == 11 * 3600
    with pytest.raises(ValueError):
        sla.parse_weekly_hours({"8": [["09:00", "17:00"]]})
