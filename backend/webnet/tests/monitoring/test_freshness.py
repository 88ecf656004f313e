"""Poller freshness metrics: devices not polled in twice their interval (per customer and
shard) and each shard's overdue seconds, read from the database at /metrics."""

from datetime import timedelta

from django.test import Client, override_settings
from django.utils import timezone

from webnet.monitoring.freshness import Watched, freshness
from webnet.monitoring.poller.cycle import shard_of
from webnet.tests import factories as f


def test_counts_devices_late_by_more_than_one_interval_and_the_worst_lag() -> None:
    now = timezone.now()
    rows = [
        Watched(1, 10, 60, now - timedelta(seconds=30)),  # on time
        Watched(2, 10, 60, now - timedelta(seconds=119)),  # late, not yet 2×
        Watched(3, 10, 60, now - timedelta(seconds=121)),  # not polled in 2×
        Watched(4, 20, 60, None),  # never polled
    ]
    found = freshness(rows, now, shard_count=1)
    assert found.not_polled == {(10, 0): 1, (20, 0): 1}
    assert round(found.overdue_s[0]) == 61


def test_shards_count_apart_and_a_shard_that_keeps_up_is_zero() -> None:
    now = timezone.now()
    late = next(pk for pk in range(1, 100) if shard_of(pk, 2) == 1)
    on_time = next(pk for pk in range(1, 100) if shard_of(pk, 2) == 0)
    rows = [
        Watched(late, 10, 60, now - timedelta(seconds=300)),
        Watched(on_time, 10, 60, now - timedelta(seconds=10)),
    ]
    found = freshness(rows, now, shard_count=2)
    assert found.not_polled == {(10, 1): 1}
    assert found.overdue_s == {0: 0.0, 1: 240.0}


@override_settings(WEBNET_POLL_INTERVAL=60.0, WEBNET_POLL_SHARDS=1)
def test_metrics_serve_them_for_monitored_devices(db) -> None:
    profile = f.PollProfileFactory(is_default=True, interval_s=60)
    stale = f.DeviceStateFactory(
        device=f.DeviceFactory(customer=profile.customer),
        last_polled_at=timezone.now() - timedelta(minutes=10),
    )
    f.DeviceStateFactory(device=f.DeviceFactory(customer=profile.customer, enabled=False))
    f.DeviceFactory()  # a customer without a poll profile: not polled, not counted
    text = Client().get("/metrics").content.decode()
    customer = stale.device.customer_id
    assert f'webnet_poll_devices_not_polled{{customer="{customer}",shard="0"}} 1.0' in text
    overdue = next(
        line for line in text.splitlines() if line.startswith("webnet_poll_shard_overdue_seconds{")
    )
    assert 530 < float(overdue.split()[-1]) < 600
