"""Storing polls: idempotent per device × cycle, rates without spikes, state and its changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from webnet.monitoring import changes
from webnet.monitoring.models import DeviceState, Interface, Sample, StateTransition
from webnet.monitoring.persist import record_polls
from webnet.monitoring.poller.types import DevicePoll, IcmpResult, InterfaceReading
from webnet.networkops.models import DeviceParent, TopologyLink
from webnet.tests import factories as f

T0 = 1_800_000_000.0
GIG = 10**9


def poll(device, cycle: int, *, octets: int = 0, uptime: int | None = None, **kw) -> DevicePoll:
    """A poll of `device` in `cycle` (60 s cycles) with one interface at `octets` in and out."""
    started = T0 + 60 * cycle
    values = {
        "device_id": device.pk,
        "cycle": cycle,
        "started_at": started,
        "finished_at": started + 0.5,
        "outcome": "ok",
        "icmp": IcmpResult(sent=3, received=3, rtt_avg_ms=1.5, rtt_max_ms=2.0, jitter_ms=0.1),
        "sys_uptime_ticks": uptime if uptime is not None else 100 * 60 * (cycle + 1),
        "interfaces": (
            InterfaceReading(
                if_index=1,
                name="Gi0/1",
                admin_status=1,
                oper_status=kw.pop("oper", 1),
                speed_bps=GIG,
                in_octets=octets,
                out_octets=octets // 2,
                in_errors=0,
                out_errors=0,
                in_discards=0,
                out_discards=0,
            ),
        ),
        "cpu_pct": 12.0,
        "mem_used_pct": 40.0,
    }
    values.update(kw)
    return DevicePoll(**values)


def down(device, cycle: int) -> DevicePoll:
    return poll(
        device,
        cycle,
        outcome="timeout",
        icmp=IcmpResult(sent=3, received=0, rtt_avg_ms=None, rtt_max_ms=None, jitter_ms=None),
        interfaces=(),
        sys_uptime_ticks=None,
        cpu_pct=None,
        mem_used_pct=None,
    )


@pytest.fixture
def heard():
    """The state changes the listener hook received."""
    got: list = []
    changes.register(got.extend)
    yield got
    changes.unregister(got.extend)


def _series(device, metric: str, if_index: int = 1) -> list[float]:
    rows = Sample.objects.filter(device=device, if_index=if_index, metric=metric).order_by("at")
    return list(rows.values_list("value", flat=True))


def test_storing_a_cycle_twice_writes_nothing_new(db) -> None:
    device = f.DeviceFactory()
    record_polls([poll(device, 0, octets=0), poll(device, 1, octets=7_500_000)])
    count = Sample.objects.count()
    record_polls([poll(device, 1, octets=7_500_000)])
    record_polls([poll(device, 0, octets=0)])  # an older cycle arriving late
    assert Sample.objects.count() == count
    assert _series(device, "in_bps") == [1_000_000.0]  # 7.5 MB in 60 s


def test_rates_come_from_the_previous_stored_counters(db) -> None:
    device = f.DeviceFactory()
    for cycle in range(3):
        record_polls([poll(device, cycle, octets=cycle * 75_000_000)])
    assert _series(device, "in_bps") == [10_000_000.0, 10_000_000.0]
    assert _series(device, "out_bps") == [5_000_000.0, 5_000_000.0]
    iface = Interface.objects.get(device=device, if_index=1)
    assert iface.in_bps == 10_000_000.0 and iface.utilisation_pct == 1.0
    assert iface.counters["in_octets"] == 150_000_000


def test_a_32_bit_wrap_gives_the_true_rate(db) -> None:
    device = f.DeviceFactory()
    record_polls([poll(device, 0, octets=2**32 - 1_000)])
    record_polls([poll(device, 1, octets=74_999_000)])
    assert _series(device, "in_bps") == [10_000_000.0]


def test_a_reboot_gives_no_spike_and_no_negative(db) -> None:
    """given counters at 5e11 and then, after sysUpTime reset, 1000 / then no rate that cycle,
    and the next cycle's rate is measured from the post-reboot reading."""
    device = f.DeviceFactory()
    record_polls([poll(device, 0, octets=500_000_000_000, uptime=9_000_000)])
    record_polls([poll(device, 1, octets=1_000, uptime=500)])
    record_polls([poll(device, 2, octets=75_001_000, uptime=6_500)])
    assert _series(device, "in_bps") == [10_000_000.0]


def test_device_metrics_and_state_are_stored(db) -> None:
    device = f.DeviceFactory()
    record_polls([poll(device, 0)])
    state = DeviceState.objects.get(device=device)
    assert state.state == "up" and state.last_cycle == 0 and state.last_seen_at is not None
    assert state.rtt_ms == 1.5 and state.cpu_pct == 12.0
    assert _series(device, "rtt_ms", 0) == [1.5]
    assert _series(device, "loss_pct", 0) == [0.0]
    assert _series(device, "mem_pct", 0) == [40.0]


def test_down_and_back_up_raise_and_clear_device_down(db, heard) -> None:
    device = f.DeviceFactory()
    record_polls([poll(device, 0)])
    record_polls([down(device, 1)])
    record_polls([poll(device, 2)])
    assert [(c.condition, c.raised, c.if_index) for c in heard] == [
        ("device.down", True, None),
        ("device.down", False, None),
    ]
    states = StateTransition.objects.filter(device=device, if_index=0)
    assert list(states.values_list("state", flat=True)) == ["up", "down", "up"]


def test_a_timeout_without_icmp_is_poll_timeout_not_down(db) -> None:
    device = f.DeviceFactory()
    record_polls([poll(device, 0, outcome="timeout", icmp=None, interfaces=())])
    assert DeviceState.objects.get(device=device).state == "poll_timeout"


def test_icmp_loss_is_degraded(db) -> None:
    device = f.DeviceFactory()
    lossy = IcmpResult(sent=4, received=3, rtt_avg_ms=3.0, rtt_max_ms=9.0, jitter_ms=2.0)
    record_polls([poll(device, 0, icmp=lossy)])
    state = DeviceState.objects.get(device=device)
    assert state.state == "degraded" and "25%" in state.reason


def test_an_interface_going_down_raises_interface_down(db, heard) -> None:
    device = f.DeviceFactory()
    record_polls([poll(device, 0)])
    record_polls([poll(device, 1, oper=2)])
    assert [(c.condition, c.raised, c.if_index) for c in heard] == [("interface.down", True, 1)]
    assert Interface.objects.get(device=device).oper_status == 2


def test_a_device_behind_down_parents_is_unreachable(db) -> None:
    core = f.DeviceFactory()
    access = f.DeviceFactory(customer=core.customer)
    DeviceParent.objects.create(customer=core.customer, device=access, parent=core)
    record_polls([down(core, 0), down(access, 0)])
    assert DeviceState.objects.get(device=core).state == "down"
    assert DeviceState.objects.get(device=access).state == "unreachable"


def test_a_down_device_whose_parent_answers_is_down(db) -> None:
    core = f.DeviceFactory()
    access = f.DeviceFactory(customer=core.customer)
    DeviceParent.objects.create(customer=core.customer, device=access, parent=core)
    record_polls([poll(core, 0)])
    record_polls([down(access, 0)])
    assert DeviceState.objects.get(device=access).state == "down"


def test_lldp_neighbours_are_parents_when_none_are_named(db) -> None:
    core = f.DeviceFactory()
    access = f.DeviceFactory(customer=core.customer)
    TopologyLink.objects.create(
        customer=core.customer,
        local_device=access,
        local_interface="Gi0/1",
        remote_device=core,
        remote_name=core.hostname,
        protocol="lldp",
        last_seen_at=core.created_at,
    )
    record_polls([down(core, 0)])
    record_polls([down(access, 1)])
    assert DeviceState.objects.get(device=access).state == "unreachable"


def test_many_state_changes_in_the_window_are_flapping(db, heard) -> None:
    device = f.DeviceFactory()
    for cycle in range(6):
        record_polls([poll(device, cycle) if cycle % 2 == 0 else down(device, cycle)])
    state = DeviceState.objects.get(device=device)
    assert state.state == "flapping"
    assert ("device.flapping", True) in [(c.condition, c.raised) for c in heard]


def test_a_batch_costs_the_same_queries_for_2_devices_as_for_8(db) -> None:
    customer = f.CustomerFactory()
    small = [f.DeviceFactory(customer=customer) for _ in range(2)]
    large = [f.DeviceFactory(customer=customer) for _ in range(8)]
    for devices in (small, large):
        record_polls([poll(d, 0) for d in devices])
    with CaptureQueriesContext(connection) as two:
        record_polls([poll(d, 1, octets=10) for d in small])
    with CaptureQueriesContext(connection) as eight:
        record_polls([poll(d, 1, octets=10) for d in large])
    assert len(eight) == len(two)


def test_unknown_devices_in_a_batch_are_ignored(db) -> None:
    device = f.DeviceFactory()
    gone = f.DeviceFactory()
    stale = poll(gone, 0)
    gone.delete()
    record_polls([poll(device, 0), stale])
    assert list(DeviceState.objects.values_list("device_id", flat=True)) == [device.pk]


def test_the_sample_key_backs_up_a_lost_state_row(db) -> None:
    """given a cycle stored, then its device's state row lost (a worker killed between writes
    elsewhere) / when the cycle is stored again / then no sample is duplicated, nothing fails."""
    device = f.DeviceFactory()
    record_polls([poll(device, 0)])
    count = Sample.objects.count()
    DeviceState.objects.filter(device=device).delete()
    record_polls([poll(device, 0)])
    assert Sample.objects.count() == count
