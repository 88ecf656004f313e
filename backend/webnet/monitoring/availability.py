"""Availability from state history: the share of counted time a device or interface was up.

Read from `StateTransition` rows (each says "from `at` on, the state was X"), never counted in
a loop. Up, degraded and flapping count as available; down as unavailable; unknown, poll
timeout, unreachable (the fault is upstream) and admin down are not counted either way.
Intervals an exclusion provider returns (maintenance windows, when that app exists) are cut out
before summing.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from webnet.devices.models import Device
from webnet.monitoring.models import State, StateTransition

PERIODS_DAYS = (1, 7, 30, 365)
AVAILABLE = frozenset({State.UP, State.DEGRADED, State.FLAPPING})
UNAVAILABLE = frozenset({State.DOWN})

Interval = tuple[datetime, datetime]
Resource = tuple[int, int]  # device id, if_index (0: the device)
# (customer id, device ids, start, end) → device id → intervals to leave out
ExclusionProvider = Callable[[int, list[int], datetime, datetime], dict[int, list[Interval]]]

_exclusions: list[ExclusionProvider] = []


def register_exclusions(provider: ExclusionProvider) -> None:
    """The maintenance app registers its windows here; none are registered yet."""
    if provider not in _exclusions:
        _exclusions.append(provider)


def excluded(
    customer_id: int, device_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    found: dict[int, list[Interval]] = defaultdict(list)
    for provider in _exclusions:
        for device_id, intervals in provider(customer_id, device_ids, start, end).items():
            found[device_id].extend(intervals)
    return found


@dataclass(frozen=True)
class Availability:
    up_s: float
    down_s: float

    @property
    def pct(self) -> float | None:
        counted = self.up_s + self.down_s
        return None if counted <= 0 else round(100.0 * self.up_s / counted, 4)


def _overlap(a: Interval, b: Interval) -> float:
    return max(0.0, (min(a[1], b[1]) - max(a[0], b[0])).total_seconds())


def _measure(
    steps: list[tuple[datetime, str]], start: datetime, end: datetime, cut: Iterable[Interval]
) -> Availability:
    up = down = 0.0
    cut = list(cut)
    for index, (at, state) in enumerate(steps):
        until = steps[index + 1][0] if index + 1 < len(steps) else end
        segment = (max(at, start), min(until, end))
        if segment[0] >= segment[1] or (state not in AVAILABLE and state not in UNAVAILABLE):
            continue
        seconds = (segment[1] - segment[0]).total_seconds() - sum(_overlap(segment, c) for c in cut)
        if state in AVAILABLE:
            up += seconds
        else:
            down += seconds
    return Availability(up, down)


def availability(
    customer_id: int,
    device_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    interfaces: bool = False,
) -> dict[Resource, Availability]:
    """(device, if_index) → availability in [start, end), for devices (if_index 0) or their
    interfaces. Callers pass device ids they have already passed through the gate."""
    history = StateTransition.objects.for_customer(customer_id).filter(
        device_id__in=device_ids, at__lt=end
    )
    history = history.exclude(if_index=0) if interfaces else history.filter(if_index=0)
    steps: dict[Resource, list[tuple[datetime, str]]] = defaultdict(list)
    rows = history.order_by("device_id", "if_index", "at", "id").values_list(
        "device_id", "if_index", "at", "state"
    )
    for device_id, if_index, at, state in rows:
        steps[(device_id, if_index)].append((at, state))
    cuts = excluded(customer_id, device_ids, start, end)
    return {
        resource: _measure(timeline, start, end, cuts.get(resource[0], ()))
        for resource, timeline in steps.items()
    }


def by_site(
    customer_id: int, device_ids: list[int], start: datetime, end: datetime
) -> dict[str, Availability]:
    """site name → availability of its devices together ("" for devices without a site)."""
    sites = dict(
        Device.objects.for_customer(customer_id)
        .filter(pk__in=device_ids)
        .values_list("pk", "site__name")
    )
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (device_id, _), result in availability(customer_id, device_ids, start, end).items():
        total = totals[sites.get(device_id) or ""]
        total[0] += result.up_s
        total[1] += result.down_s
    return {site: Availability(up, down) for site, (up, down) in totals.items()}
