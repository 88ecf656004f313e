"""Is the poller keeping up? Read from the database when /metrics is scraped, so the answer is
the same whichever process polls (Celery workers on queue "poll" have no /metrics of their own):

- `webnet_poll_devices_not_polled{customer, shard}`: monitored devices whose last poll is older
  than twice their interval (or that were never polled);
- `webnet_poll_shard_overdue_seconds{shard}`: how far past its interval the shard's most
  overdue polled device is (0 when the shard keeps up) — the shard's lag as stored.

A device's interval is its profile's, never shorter than the cycle (WEBNET_POLL_INTERVAL).
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from webnet.devices.models import Device
from webnet.monitoring.models import DeviceState, PollProfile
from webnet.monitoring.poller.cycle import shard_of


@dataclass(frozen=True)
class Watched:
    device_id: int
    customer_id: int
    interval_s: float
    last_polled_at: datetime | None


@dataclass(frozen=True)
class Freshness:
    not_polled: dict[tuple[int, int], int]  # (customer id, shard) → devices
    overdue_s: dict[int, float]  # shard → seconds


def freshness(watched: Iterable[Watched], now: datetime, shard_count: int) -> Freshness:
    not_polled: Counter[tuple[int, int]] = Counter()
    overdue_s = dict.fromkeys(range(shard_count), 0.0)
    for row in watched:
        shard = shard_of(row.device_id, shard_count)
        if row.last_polled_at is None:
            not_polled[row.customer_id, shard] += 1
            continue
        late = (now - row.last_polled_at).total_seconds() - row.interval_s
        if late > row.interval_s:
            not_polled[row.customer_id, shard] += 1
        overdue_s[shard] = max(overdue_s[shard], late)
    return Freshness(dict(not_polled), overdue_s)


def watched_devices() -> Iterator[Watched]:
    """Every device the poller should poll (as targets.poll_targets picks them), with its last
    poll time; engine-internal, no gate."""
    defaults = dict(
        PollProfile.objects.filter(is_default=True).values_list("customer_id", "interval_s")
    )
    last = DeviceState.objects.filter(device=OuterRef("pk")).values("last_polled_at")[:1]
    rows = (
        Device.objects.filter(enabled=True)
        .filter(Q(monitoring__isnull=True) | Q(monitoring__enabled=True))
        .annotate(last_polled_at=Subquery(last))
        .values_list("pk", "customer_id", "monitoring__profile__interval_s", "last_polled_at")
    )
    cycle_s = settings.WEBNET_POLL_INTERVAL
    for pk, customer_id, own, last_polled_at in rows.iterator(chunk_size=2000):
        interval = own or defaults.get(customer_id)
        if interval is not None:  # no profile: not polled at all
            yield Watched(pk, customer_id, max(float(interval), cycle_s), last_polled_at)


class FreshnessCollector(Collector):
    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The names, without reading the database (registering calls this, not collect)."""
        return _families(Freshness({}, {}))

    def collect(self) -> Iterator[GaugeMetricFamily]:
        found = freshness(watched_devices(), timezone.now(), settings.WEBNET_POLL_SHARDS)
        return _families(found)


def _families(found: Freshness) -> Iterator[GaugeMetricFamily]:
    not_polled = GaugeMetricFamily(
        "webnet_poll_devices_not_polled",
        "Monitored devices not polled within twice their interval",
        labels=["customer", "shard"],
    )
    for (customer, shard), count in sorted(found.not_polled.items()):
        not_polled.add_metric([str(customer), str(shard)], count)
    overdue = GaugeMetricFamily(
        "webnet_poll_shard_overdue_seconds",
        "How far past its interval the shard's most overdue device is",
        labels=["shard"],
    )
    for shard, seconds in sorted(found.overdue_s.items()):
        overdue.add_metric([str(shard)], seconds)
    yield not_polled
    yield overdue


_registered: list[FreshnessCollector] = []


def register() -> None:
    """Serve these metrics at /metrics (once per process)."""
    if not _registered:
        _registered.append(FreshnessCollector())
        REGISTRY.register(_registered[0])
