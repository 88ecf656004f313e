"""Threshold rules on stored samples, run after every poll batch (a monitoring samples listener,
inside record_polls' transaction).

For each customer whose batch touched a metric some enabled threshold rule watches, the recent
readings of the touched series are read in one query per rule and handed to the pure evaluator
(rules.threshold_breached): "for N seconds" reads back 2 × N seconds, "N consecutive polls" reads
back N × MAX_INTERVAL and keeps the newest N; neither reads back one MAX_INTERVAL.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from webnet.alarms.ingest import Series, record_events, threshold_events
from webnet.alarms.models import AlarmRule, RuleKind
from webnet.monitoring.models import DEVICE, Sample

# The longest poll interval a "consecutive polls" rule expects between two readings.
MAX_INTERVAL = timedelta(minutes=10)
Reading = tuple[datetime, float]  # (at, value) of one stored sample


def _lookback(spec: dict[str, Any]) -> timedelta:
    if "for_seconds" in spec:
        return timedelta(seconds=2 * spec["for_seconds"])
    return MAX_INTERVAL * spec.get("consecutive", 1)


def evaluate_samples(rows: Sequence[tuple[Any, ...]]) -> None:
    """rows: (customer_id, device_id, if_index, metric, cycle, at, value) just stored."""
    touched: dict[int, dict[str, set[tuple[int, int]]]] = defaultdict(lambda: defaultdict(set))
    newest: dict[int, Any] = {}
    for customer_id, device_id, if_index, metric, _cycle, at, _value in rows:
        touched[customer_id][metric].add((device_id, if_index))
        newest[customer_id] = max(newest.get(customer_id, at), at)
    items = []
    for customer_id, metrics in touched.items():
        rules = list(
            AlarmRule.objects.for_customer(customer_id).filter(
                enabled=True, kind=RuleKind.THRESHOLD, spec__metric__in=list(metrics)
            )
        )
        for rule in rules:
            series: dict[Series, Sequence[Reading]] = {}
            metric = rule.spec["metric"]
            wanted = metrics[metric]
            readings: dict[tuple[int, int], list[Reading]] = defaultdict(list)
            stored = Sample.objects.for_customer(customer_id).filter(
                metric=metric,
                device_id__in={device for device, _ in wanted},
                at__gte=newest[customer_id] - _lookback(rule.spec),
            )
            for device_id, if_index, at, value in stored.order_by("at").values_list(
                "device_id", "if_index", "at", "value"
            ):
                if (device_id, if_index) in wanted:
                    readings[(device_id, if_index)].append((at, value))
            keep = rule.spec.get("consecutive", 0)
            for (device_id, if_index), values in readings.items():
                key = (device_id, None if if_index == DEVICE else if_index, metric)
                series[key] = values[-keep:] if keep else values
            items += threshold_events(customer_id, [rule], series)
    if items:
        record_events(items)
