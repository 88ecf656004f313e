"""Where the pure poller core runs: a Celery task per shard × cycle on queue "poll" (scaled out),
or one in-process loop on the server's event loop (embedded). Both go through `CycleRunner`; the
database side (loading targets, storing polls) is injected, so this module knows no models.

Double polling is prevented by a Redis key per shard × cycle, set once and left to expire: a
redelivered or duplicated task for a cycle already claimed does nothing, whether the first one
is still running or finished. Cycle metrics go to Prometheus (/metrics) and the log.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket

from django.conf import settings
from prometheus_client import Counter
from redis import Redis

from webnet.core.metrics import set_gauge
from webnet.monitoring.poller.cycle import CycleMetrics, CycleRunner, LoadTargets, RecordPolls
from webnet.monitoring.poller.snmp import poll_devices

logger = logging.getLogger("webnet.monitoring")

CYCLE_SECONDS = set_gauge(
    "webnet_poll_cycle_seconds", "Duration of the last poll cycle", ("shard",)
)
LAG_SECONDS = set_gauge(
    "webnet_poll_shard_lag_seconds", "How late the shard's last cycle started", ("shard",)
)
DEVICES_PER_S = set_gauge("webnet_poll_devices_per_second", "Last cycle's device rate", ("shard",))
VARBINDS_PER_S = set_gauge(
    "webnet_poll_varbinds_per_second", "Last cycle's varbind rate", ("shard",)
)
NOT_OK = set_gauge("webnet_poll_devices_not_ok", "Devices of the last cycle not ok", ("shard",))
MISSED = Counter("webnet_poll_missed_cycles", "Cycles skipped after an overrun", ("shard",))


def runner(load: LoadTargets, record: RecordPolls, shard: int = 0, shard_count: int = 1):
    """A CycleRunner with the configured interval and concurrency."""
    return CycleRunner(
        load,
        record,
        interval_s=settings.WEBNET_POLL_INTERVAL,
        shard=shard,
        shard_count=shard_count,
        poll=functools.partial(poll_devices, concurrency=settings.WEBNET_POLL_CONCURRENCY),
    )


def observe(metrics: CycleMetrics) -> None:
    shard = str(metrics.shard)
    CYCLE_SECONDS.labels(shard).set(metrics.duration_s)
    LAG_SECONDS.labels(shard).set(metrics.lag_s)
    DEVICES_PER_S.labels(shard).set(metrics.devices_per_s)
    VARBINDS_PER_S.labels(shard).set(metrics.varbinds_per_s)
    NOT_OK.labels(shard).set(metrics.not_ok)
    MISSED.labels(shard).inc(metrics.missed_cycles)
    logger.info(
        "poll cycle %s shard %s: %s devices in %.1fs (%.0f/s, %.0f varbinds/s), %s not ok, "
        "lag %.1fs, missed %s",
        metrics.cycle, shard, metrics.devices, metrics.duration_s, metrics.devices_per_s,
        metrics.varbinds_per_s, metrics.not_ok, metrics.lag_s, metrics.missed_cycles,
    )  # fmt: skip


def lock_key(shard: int, cycle: int) -> str:
    return f"webnet:poll:{shard}:{cycle}"


def claim(redis: Redis, shard: int, cycle: int) -> bool:
    """True for the one caller that gets to poll this shard × cycle."""
    ttl = max(1, int(2 * settings.WEBNET_POLL_INTERVAL))
    owner = f"{socket.gethostname()}:{os.getpid()}"
    return bool(redis.set(lock_key(shard, cycle), owner, nx=True, ex=ttl))


def run_shard(
    shard: int, cycle: int, *, load: LoadTargets, record: RecordPolls, redis: Redis
) -> CycleMetrics | None:
    """One shard × cycle, unless another worker has claimed it (then None)."""
    if not claim(redis, shard, cycle):
        logger.info("poll cycle %s shard %s already claimed", cycle, shard)
        return None
    metrics = asyncio.run(runner(load, record, shard, settings.WEBNET_POLL_SHARDS).run_cycle(cycle))
    observe(metrics)
    return metrics


async def run_embedded(
    load: LoadTargets, record: RecordPolls, stop: asyncio.Event | None = None
) -> None:
    """Embedded mode: every device in one shard, cycles on the server's own loop."""
    await runner(load, record).run_forever(observe, stop)
