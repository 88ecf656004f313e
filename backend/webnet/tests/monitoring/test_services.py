"""Targets for the poller, rollups and retention in the tick, availability, signs of life."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async

from webnet.core import crypto
from webnet.jobs import outcomes, scheduler
from webnet.monitoring import availability, loop, polling
from webnet.monitoring.models import DeviceMonitoring, DeviceState, Rollup, Sample, StateTransition
from webnet.monitoring.poller.cycle import shard_of
from webnet.monitoring.rollups import FIVE_MIN, HOUR, percentile
from webnet.monitoring.targets import poll_targets
from webnet.tests import factories as f

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_targets_decrypt_snmp_and_follow_bindings(db) -> None:
    credential = f.SnmpCredentialFactory(community="lab-public")
    customer = credential.customer
    f.PollProfileFactory(customer=customer, is_default=True, snmp_credential=credential)
    plain = f.DeviceFactory(customer=customer, management_host="127.0.0.5")
    bound = f.DeviceFactory(customer=customer)
    DeviceMonitoring.objects.create(
        customer=customer, device=bound, snmp_address="127.0.0.9", snmp_port=10161
    )
    off = f.DeviceFactory(customer=customer)
    DeviceMonitoring.objects.create(customer=customer, device=off, enabled=False)
    f.DeviceFactory(customer=customer, enabled=False)
    f.DeviceFactory()  # a customer without a default profile polls nothing
    targets = {t.device_id: t for t in poll_targets(0, 1)}
    assert set(targets) == {plain.pk, bound.pk}
    assert (targets[plain.pk].address, targets[plain.pk].port) == ("127.0.0.5", 161)
    assert (targets[bound.pk].address, targets[bound.pk].port) == ("127.0.0.9", 10161)
    assert targets[plain.pk].auth.community == "lab-public"
    assert credential.community_encrypted != crypto.encrypt("lab-public")  # stored encrypted


def test_shards_split_the_fleet_without_overlap(db) -> None:
    customer = f.CustomerFactory()
    f.PollProfileFactory(customer=customer, is_default=True)
    devices = [f.DeviceFactory(customer=customer) for _ in range(12)]
    shards = [{t.device_id for t in poll_targets(s, 3)} for s in range(3)]
    assert set().union(*shards) == {d.pk for d in devices}
    assert sum(len(s) for s in shards) == 12
    assert all(d.pk in shards[shard_of(d.pk, 3)] for d in devices)


def _samples(device, values: list[float], start: datetime) -> None:
    Sample.objects.bulk_create(
        Sample(
            customer=device.customer,
            device=device,
            metric="cpu_pct",
            cycle=int(start.timestamp()) // 60 + i,
            at=start + timedelta(seconds=60 * i),
            value=v,
        )
        for i, v in enumerate(values)
    )


def test_the_tick_rolls_up_and_is_idempotent(db) -> None:
    device = f.DeviceFactory()
    _samples(device, [float(v) for v in range(60)], NOON)  # one value a minute for an hour
    later = NOON + timedelta(hours=1, minutes=5)
    scheduler.tick(later)
    scheduler.tick(later)
    five = Rollup.objects.filter(step_s=FIVE_MIN).order_by("bucket")
    assert five.count() == 12
    first = five.first()
    assert (first.count, first.min, first.avg, first.max, first.p95) == (5, 0.0, 2.0, 4.0, 4.0)
    hour = Rollup.objects.get(step_s=HOUR)
    assert (hour.count, hour.min, hour.max, hour.avg) == (60, 0.0, 59.0, 29.5)


def test_retention_deletes_expired_raw_samples(db, settings) -> None:
    settings.WEBNET_RETENTION_RAW_HOURS = 48
    device = f.DeviceFactory()
    _samples(device, [1.0], NOON - timedelta(hours=49))
    _samples(device, [2.0], NOON - timedelta(hours=1))
    result = scheduler.tick(NOON)
    assert result["periodic"]["monitoring"]["deleted"]["raw"] == 1
    assert list(Sample.objects.values_list("value", flat=True)) == [2.0]


def test_percentile_is_nearest_rank() -> None:
    assert percentile(list(range(1, 101))) == 95
    assert percentile([7.0]) == 7.0


def _history(device, *steps: tuple[datetime, str]) -> None:
    StateTransition.objects.bulk_create(
        StateTransition(customer=device.customer, device=device, state=s, at=at) for at, s in steps
    )


def test_availability_counts_up_against_down_and_skips_unknown(db) -> None:
    """given a day: up 18 h, down 3 h, unreachable 3 h / then 18 / 21 = 85.71 %."""
    device = f.DeviceFactory(site="FRA1")
    start = NOON - timedelta(days=1)
    _history(
        device,
        (start - timedelta(days=3), "up"),
        (start + timedelta(hours=18), "down"),
        (start + timedelta(hours=21), "unreachable"),
    )
    result = availability.availability(device.customer_id, [device.pk], start, NOON)
    assert result[(device.pk, 0)].pct == pytest.approx(85.7143, abs=1e-3)
    sites = availability.by_site(device.customer_id, [device.pk], start, NOON)
    assert sites["FRA1"].pct == result[(device.pk, 0)].pct


def test_excluded_intervals_are_left_out(db) -> None:
    device = f.DeviceFactory()
    start = NOON - timedelta(days=1)
    _history(device, (start, "up"), (start + timedelta(hours=12), "down"))

    def maintenance(customer_id, device_ids, a, b):
        return {device.pk: [(start + timedelta(hours=12), NOON)]}

    availability.register_exclusions(maintenance)
    try:
        result = availability.availability(device.customer_id, [device.pk], start, NOON)
    finally:
        availability._exclusions.remove(maintenance)
    assert result[(device.pk, 0)].pct == 100.0


def test_a_job_session_is_a_sign_of_life(db) -> None:
    device = f.DeviceFactory()
    outcomes.notify_seen(device.customer_id, [device.pk], NOON)
    state = DeviceState.objects.get(device=device)
    assert state.last_seen_at == NOON and state.state == "up"
    outcomes.notify_seen(device.customer_id, [device.pk], NOON - timedelta(hours=1))
    state.refresh_from_db()
    assert state.last_seen_at == NOON  # never moves backwards


async def test_the_embedded_cycle_skips_a_device_not_yet_due(transactional_db) -> None:
    # given a 60 s default profile and a device bound to a 300 s one, SNMP to a silent port
    def given() -> tuple[int, int]:
        quick = dict(parts=["system"], timeout_s=0.1, retries=0)
        customer = f.CustomerFactory()
        f.PollProfileFactory(customer=customer, is_default=True, interval_s=60, **quick)
        slow = f.PollProfileFactory(customer=customer, interval_s=300, **quick)
        every = f.DeviceFactory(customer=customer, management_host="127.0.0.1")
        rare = f.DeviceFactory(customer=customer)
        DeviceMonitoring.objects.create(
            customer=customer, device=rare, profile=slow, snmp_address="127.0.0.1", snmp_port=9
        )
        return every.pk, rare.pk

    every, rare = await sync_to_async(given)()
    polled: list[list[int]] = []

    async def record(polls) -> None:
        polled.append(sorted(p.device_id for p in polls))

    runner = polling.runner(loop.load_targets, record)
    tick = runner.interval_s
    # when the embedded runner polls a tick on a 300 s boundary, then the next one
    await runner.run_cycle(int(1_800_000_000 // tick))
    await runner.run_cycle(int(1_800_000_000 // tick) + 1)
    # then the 300 s device is in the first cycle only
    assert polled == [sorted([every, rare]), [every]]
