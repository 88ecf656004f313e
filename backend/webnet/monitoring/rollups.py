"""Rollups (5 min from raw samples, 1 h from the 5 min rows) and retention, run by the tick.

Both are idempotent. A bucket is rolled up once it is complete and GRACE_S has passed (late
samples of a slow cycle still land in it); the next tick starts after the newest stored bucket,
and a tick that finds nothing due does nothing. Rows are written with ignore_conflicts, so two
overlapping ticks write each bucket once. The 1 h p95 is the nearest-rank 95th percentile of
its 5 min p95s (raw samples are gone after 48 h; this keeps the hourly tier cheap).
"""

import math
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Min

from webnet.monitoring.models import Rollup, Sample

FIVE_MIN = 300
HOUR = 3600
GRACE_S = 120
MAX_BUCKETS_PER_TICK = 24
BATCH = 2000

Key = tuple[int, int, int, str, datetime]  # customer, device, if_index, metric, bucket


def percentile(values: list[float], pct: float = 95.0) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def floor_to(moment: datetime, step_s: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % step_s, tz=moment.tzinfo)


def _window(step_s: int, now: datetime, first: datetime | None) -> tuple[datetime, datetime]:
    """The buckets [start, end) due now, at most MAX_BUCKETS_PER_TICK of them."""
    newest = Rollup.objects.filter(step_s=step_s).aggregate(m=Max("bucket"))["m"]
    start = newest + timedelta(seconds=step_s) if newest else floor_to(first or now, step_s)
    end = floor_to(now - timedelta(seconds=GRACE_S), step_s)
    return start, min(end, start + timedelta(seconds=step_s * MAX_BUCKETS_PER_TICK))


def _store(groups: dict[Key, list[float]], step_s: int) -> int:
    rows = [
        Rollup(
            customer_id=customer_id,
            device_id=device_id,
            if_index=if_index,
            metric=metric,
            step_s=step_s,
            bucket=bucket,
            count=len(values),
            min=min(values),
            avg=sum(values) / len(values),
            max=max(values),
            p95=percentile(values),
        )
        for key, values in groups.items()
        for customer_id, device_id, if_index, metric, bucket in [key]
    ]
    Rollup.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    return len(rows)


def roll_up_five_minutes(now: datetime) -> int:
    first = Sample.objects.aggregate(m=Min("at"))["m"]
    if first is None:
        return 0
    start, end = _window(FIVE_MIN, now, first)
    if start >= end:
        return 0
    groups: dict[Key, list[float]] = defaultdict(list)
    rows = Sample.objects.filter(at__gte=start, at__lt=end).values_list(
        "customer_id", "device_id", "if_index", "metric", "at", "value"
    )
    for customer_id, device_id, if_index, metric, at, value in rows.iterator(chunk_size=BATCH):
        groups[(customer_id, device_id, if_index, metric, floor_to(at, FIVE_MIN))].append(value)
    return _store(groups, FIVE_MIN)


def roll_up_hours(now: datetime) -> int:
    """Hourly rows from the 5 min rows: exact min, max and count-weighted mean."""
    five = Rollup.objects.filter(step_s=FIVE_MIN)
    first = five.aggregate(m=Min("bucket"))["m"]
    if first is None:
        return 0
    start, end = _window(HOUR, now, first)
    if start >= end:
        return 0
    # Only hours whose 5 min rows are all written (the 5 min tier may be catching up).
    newest_five = five.aggregate(m=Max("bucket"))["m"]
    end = min(end, floor_to(newest_five + timedelta(seconds=FIVE_MIN), HOUR))
    if start >= end:
        return 0
    p95s: dict[Key, list[float]] = defaultdict(list)
    totals: dict[Key, list[float]] = {}
    rows = five.filter(bucket__gte=start, bucket__lt=end).values_list(
        "customer_id",
        "device_id",
        "if_index",
        "metric",
        "bucket",
        "count",
        "min",
        "avg",
        "max",
        "p95",
    )
    for customer_id, device_id, if_index, metric, bucket, n, low, avg, high, p95 in rows.iterator(
        chunk_size=BATCH
    ):
        key = (customer_id, device_id, if_index, metric, floor_to(bucket, HOUR))
        p95s[key].append(p95)
        total = totals.setdefault(key, [0, math.inf, 0.0, -math.inf])
        total[0] += n
        total[1] = min(total[1], low)
        total[2] += avg * n
        total[3] = max(total[3], high)
    hourly = [
        Rollup(
            customer_id=key[0],
            device_id=key[1],
            if_index=key[2],
            metric=key[3],
            step_s=HOUR,
            bucket=key[4],
            count=int(n),
            min=low,
            avg=weighted / n,
            max=high,
            p95=percentile(p95s[key]),
        )
        for key, (n, low, weighted, high) in totals.items()
    ]
    Rollup.objects.bulk_create(hourly, ignore_conflicts=True, batch_size=BATCH)
    return len(hourly)


def enforce_retention(now: datetime) -> dict[str, int]:
    """Delete what is older than each tier keeps (settings WEBNET_RETENTION_*). State history
    stays: it is small, and availability needs the state a window starts in."""
    raw, _ = Sample.objects.filter(
        at__lt=now - timedelta(hours=settings.WEBNET_RETENTION_RAW_HOURS)
    ).delete()
    five, _ = Rollup.objects.filter(
        step_s=FIVE_MIN, bucket__lt=now - timedelta(days=settings.WEBNET_RETENTION_5M_DAYS)
    ).delete()
    hourly, _ = Rollup.objects.filter(
        step_s=HOUR, bucket__lt=now - timedelta(days=settings.WEBNET_RETENTION_1H_DAYS)
    ).delete()
    return {"raw": raw, "5m": five, "1h": hourly}


def tick(now: datetime) -> dict[str, object]:
    """The monitoring part of the scheduler tick."""
    return {
        "rollups_5m": roll_up_five_minutes(now),
        "rollups_1h": roll_up_hours(now),
        "deleted": enforce_retention(now),
    }
