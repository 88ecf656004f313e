"""MTTA / MTTR and SLA attainment per customer, team, priority and month.

MTTA is the mean time from opening to the first acknowledgement, MTTR the mean time from opening
to the first resolution, both in seconds over the incidents opened in that month (of those that
got there). SLA attainment reads the clock rows the tick stores: met / (met + missed + breached).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from webnet.incidents.models import SlaClockState

FINISHED = ("met", "missed", "breached")


@dataclass
class _Bucket:
    count: int = 0
    ack: list[float] = field(default_factory=list)
    resolve: list[float] = field(default_factory=list)
    sla: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def report(incidents: QuerySet) -> list[dict[str, Any]]:
    """One row per (customer, team, priority, month) of the given (already gated) incidents."""
    buckets: dict[tuple, _Bucket] = defaultdict(_Bucket)
    keys: dict[int, tuple] = {}
    rows = incidents.values_list(
        "pk",
        "customer__name",
        "team__name",
        "priority",
        "opened_at",
        "acknowledged_at",
        "resolved_at",
    )
    for pk, customer, team, priority, opened, acked, resolved in rows:
        key = (customer, team or "", priority, opened.strftime("%Y-%m"))
        keys[pk] = key
        bucket = buckets[key]
        bucket.count += 1
        if acked is not None:
            bucket.ack.append((acked - opened).total_seconds())
        if resolved is not None:
            bucket.resolve.append((resolved - opened).total_seconds())
    clocks = SlaClockState.objects.filter(incident__in=list(keys), state__in=FINISHED)
    for incident_id, state in clocks.values_list("incident_id", "state"):
        buckets[keys[incident_id]].sla[state] += 1
    out = []
    for (customer, team, priority, month), bucket in sorted(buckets.items()):
        judged = sum(bucket.sla.values())
        out.append(
            {
                "customer": customer,
                "team": team,
                "priority": priority,
                "month": month,
                "incidents": bucket.count,
                "mtta_s": _mean(bucket.ack),
                "mttr_s": _mean(bucket.resolve),
                "sla_met": bucket.sla["met"],
                "sla_missed": bucket.sla["missed"] + bucket.sla["breached"],
                "sla_attainment": round(bucket.sla["met"] / judged, 4) if judged else None,
            }
        )
    return out
