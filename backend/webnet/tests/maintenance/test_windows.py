"""Maintenance windows: status on read equals the tick's stored status; coverage by device, group,
location and topology children; availability leaves exactly the maintained time out."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from webnet.maintenance import services
from webnet.maintenance.models import Behaviour, MaintenanceWindow
from webnet.monitoring import availability
from webnet.monitoring.models import State, StateTransition
from webnet.networkops.models import DeviceParent
from webnet.tests.factories import (
    CustomerFactory,
    DeviceFactory,
    DeviceGroupFactory,
    MaintenanceWindowFactory,
    RegionFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # the Saturday before Europe's spring-forward


def weekly(customer, **kwargs):
    """Saturdays 23:00–03:00 Berlin, four times."""
    return MaintenanceWindowFactory(
        customer=customer,
        starts_at=datetime(2026, 3, 21, 22, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 22, 2, 0, tzinfo=UTC),
        time_zone="Europe/Berlin",
        rrule="FREQ=WEEKLY;COUNT=4",
        **kwargs,
    )


def test_status_on_read_matches_the_tick_at_every_hour_across_dst():
    # given a weekly window across the spring-forward night, an ended one and a cancelled one
    customer = CustomerFactory()
    start = T0 - timedelta(days=8)
    with time_machine.travel(start, tick=False):
        window = weekly(customer)
        MaintenanceWindowFactory(customer=customer, cancelled=True)
    # then at every hour the tick stores what a read derives, and a repeated tick writes nothing
    for hour in range(0, 24 * 24, 7):
        now = start + timedelta(hours=hour)
        services.store_statuses(now)
        assert services.store_statuses(now) == {"windows": 0}
        for stored in MaintenanceWindow.objects.all():
            assert stored.status == stored.current_status(now), (now, stored)
    # and the last occurrence's end is stored for the calendar's database filter
    window.refresh_from_db()
    assert window.last_end == datetime(2026, 4, 12, 1, 0, tzinfo=UTC)
    assert window.status == "completed"


def test_spring_forward_occurrence_is_an_hour_shorter_and_active_for_sees_it():
    customer = CustomerFactory()
    device = DeviceFactory(customer=customer)
    window = weekly(customer, devices=[device])
    # 23:00 CET = 22:00 UTC on the 28th; 03:00 CEST = 01:00 UTC on the 29th
    assert window.occurrences(T0, T0 + timedelta(hours=12)) == [
        (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    ]
    inside, after = (
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    )
    assert services.active_for(customer.pk, [device.pk], inside) == {
        device.pk: (window, Behaviour.SUPPRESS)
    }
    assert services.active_for(customer.pk, [device.pk], after) == {}


def test_coverage_by_group_location_and_children_behind_it():
    # given a router with a single-homed child, a dual-homed child, a group and a region
    customer = CustomerFactory()
    region = RegionFactory(customer=customer)
    site = SiteFactory(customer=customer, region=region)
    router, other = DeviceFactory(customer=customer), DeviceFactory(customer=customer)
    single, dual = DeviceFactory(customer=customer), DeviceFactory(customer=customer)
    grandchild = DeviceFactory(customer=customer)
    in_region = DeviceFactory(customer=customer, site=site)
    grouped = DeviceFactory(customer=customer)
    for child, parent in [(single, router), (dual, router), (dual, other), (grandchild, single)]:
        DeviceParent.objects.create(customer=customer, device=child, parent=parent)
    window = MaintenanceWindowFactory(customer=customer, devices=[router])
    window.groups.set([DeviceGroupFactory(customer=customer, devices=[grouped])])
    window.regions.set([region])
    everyone = [d.pk for d in (router, other, single, dual, grandchild, in_region, grouped)]
    # when asked now
    found = services.active_for(customer.pk, everyone, window.starts_at + timedelta(minutes=1))
    # then the router, what only it reaches, the group and the region are in maintenance
    assert set(found) == {router.pk, single.pk, grandchild.pk, in_region.pk, grouped.pk}
    # and another customer's question sees nothing
    assert services.active_for(CustomerFactory().pk, everyone, window.starts_at) == {}


def test_strongest_behaviour_wins_and_early_end_closes_for_good(admin_user):
    customer = CustomerFactory()
    device = DeviceFactory(customer=customer)
    flag = MaintenanceWindowFactory(customer=customer, devices=[device], behaviour="flag")
    mute = MaintenanceWindowFactory(customer=customer, devices=[device], behaviour="mute")
    now = datetime.now(UTC)
    assert services.active_for(customer.pk, [device.pk], now)[device.pk] == (mute, "mute")
    services.end_early(admin_user, mute, now)
    assert mute.current_status(now + timedelta(seconds=1)) == "completed"
    assert services.active_for(customer.pk, [device.pk], now)[device.pk] == (flag, "flag")
    with pytest.raises(ValidationError):
        services.end_early(admin_user, mute)


def test_availability_leaves_out_exactly_the_maintained_time():
    # given a device down 02:00–06:00 and two overlapping windows 01:00–03:00 and 02:30–04:00
    customer = CustomerFactory()
    device = DeviceFactory(customer=customer)
    day = datetime(2026, 6, 1, tzinfo=UTC)
    for hour, state in [(0, State.UP), (2, State.DOWN), (6, State.UP)]:
        StateTransition.objects.create(
            customer=customer,
            device=device,
            if_index=0,
            at=day + timedelta(hours=hour),
            state=state,
        )
    for lo, hi in [(1, 3), (2.5, 4)]:
        MaintenanceWindowFactory(
            customer=customer,
            devices=[device],
            starts_at=day + timedelta(hours=lo),
            ends_at=day + timedelta(hours=hi),
        )
    # when availability is computed over the day
    with time_machine.travel(day + timedelta(days=1)):
        result = availability.availability(customer.pk, [device.pk], day, day + timedelta(days=1))
    # then 01:00–04:00 counts neither way (once, though the windows overlap)
    assert result[(device.pk, 0)].down_s == 2 * 3600
    assert result[(device.pk, 0)].up_s == (24 - 3 - 2) * 3600


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rrule", "FREQ=MINUTELY"),
        ("rrule", "BYDAY=XX"),
        ("rrule", "FREQ=DAILY;BYHOUR=99"),
        ("rrule", "FREQ=DAILY;COUNT=100000000"),
        ("rrule", "FREQ=DAILY;UNTIL=99991231T000000"),
    ],
)
def test_bad_timing_is_a_field_error(field, value):
    window = MaintenanceWindow(
        customer=CustomerFactory(), starts_at=T0, ends_at=T0 + timedelta(hours=1), **{field: value}
    )
    with pytest.raises(ValidationError) as caught:
        services.stamp(window, T0)
    assert field in caught.value.message_dict


@pytest.fixture
def ended(monkeypatch):
    """The (window id, at) of every end the listeners hear of (listeners of other apps kept)."""
    heard: list[tuple[int, datetime]] = []
    monkeypatch.setattr(services, "_end_listeners", list(services._end_listeners))
    services.register_end_listener(lambda window, at: heard.append((window.pk, at)))
    return heard


def test_end_listeners_hear_each_end_once_by_the_tick_or_early(ended, admin_user):
    # given a weekly window (two occurrences) and a one-off one, both open at T0 + 3 h
    customer = CustomerFactory()
    with time_machine.travel(T0 - timedelta(days=8), tick=False):
        window = weekly(customer)
        one_off = MaintenanceWindowFactory(
            customer=customer, starts_at=T0 + timedelta(hours=2), ends_at=T0 + timedelta(hours=8)
        )
    assert services.store_statuses(T0 + timedelta(hours=3))["windows"] == 2
    # when the weekly occurrence ends, the tick tells the listeners once (a second tick: silent)
    end = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    services.store_statuses(end)
    services.store_statuses(end)
    assert ended == [(window.pk, end)]
    # and an early end tells them at once
    services.end_early(admin_user, one_off, end)
    assert ended == [(window.pk, end), (one_off.pk, end)]


def test_a_failing_end_listener_neither_stops_the_others_nor_the_end(ended, admin_user):
    def broken(window, at):
        MaintenanceWindow.objects.filter(pk=window.pk).update(name="changed by a broken one")
        raise RuntimeError("listener bug")

    services._end_listeners.insert(0, broken)
    window = MaintenanceWindowFactory(customer=CustomerFactory(), name="kept")
    now = datetime.now(UTC)
    services.end_early(admin_user, window, now)
    window.refresh_from_db()
    assert window.ended_early_at == now and window.name == "kept" and ended == [(window.pk, now)]


PARTS = ["INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
         "BYSETPOS", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST", "BYEASTER", "X-NAME"]  # fmt: skip
VALUES = ["0", "1", "-1", "7", "53", "54", "366", "367", "999999999999", "MO", "+1MO", "-5FR",
          "SU,MO", "20270101", "20270101T000000Z", "20270101T000000", "99991231T235959Z", "x",
          "", ",", "1,2,3", "+0"]  # fmt: skip
RULES = st.builds(
    lambda freq, parts: ";".join([f"FREQ={freq}", *(f"{k}={v}" for k, v in parts)]),
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.lists(st.tuples(st.sampled_from(PARTS), st.sampled_from(VALUES)), max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(RULES, st.sampled_from(["UTC", "Europe/Berlin", "America/Santiago"]))
def test_any_rule_is_stored_or_refused_as_a_field_error(rule, zone):
    # given any rule built from RFC 5545's parts and dateutil's, with odd values
    window = MaintenanceWindow(
        customer_id=1, starts_at=T0, ends_at=T0 + timedelta(hours=3), time_zone=zone, rrule=rule
    )
    # then it is stamped (and reads) or refused on `rrule`, never another error
    try:
        services.stamp(window, T0)
    except ValidationError as exc:
        assert set(exc.message_dict) == {"rrule"}
        return
    window.current_status(T0 + timedelta(days=40))
    window.occurrences(T0, T0 + timedelta(days=400))
