"""Monitoring on pages: state badges for device lists, the device page panel (state, graphs,
interfaces) and the dashboard's worst devices and top talkers. Reads only, through the gate."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest

from webnet.devices.models import Device
from webnet.monitoring.models import PROBLEMS, DeviceState, Interface, State
from webnet.ui.crud import scoped

PANEL_ROWS = 10
GRAPHS = [
    {"key": "traffic", "title": "Traffic", "metrics": ["in_bps", "out_bps"], "unit": "bit/s"},
    {
        "key": "errors",
        "title": "Errors",
        "metrics": ["in_errors_ps", "out_errors_ps"],
        "unit": "/s",
    },
    {"key": "cpu", "title": "CPU", "metrics": ["cpu_pct"], "unit": "%", "device": True},
    {"key": "memory", "title": "Memory", "metrics": ["mem_pct"], "unit": "%", "device": True},
    {"key": "latency", "title": "Latency", "metrics": ["rtt_ms"], "unit": "ms", "device": True},
    {"key": "loss", "title": "Loss", "metrics": ["loss_pct"], "unit": "%", "device": True},
]


def with_state(devices: QuerySet) -> QuerySet:
    """Devices annotated with `monitor_state` (one subquery in the list query, no N+1)."""
    state = DeviceState.objects.filter(device_id=OuterRef("pk")).values("state")[:1]
    return devices.annotate(monitor_state=Coalesce(Subquery(state), Value(State.UNKNOWN.value)))


def states_of(request: HttpRequest, device_ids: Iterable[int | None]) -> dict[int, str]:
    """device id → its monitoring state, for pages that show a badge beside each device."""
    ids = {pk for pk in device_ids if pk is not None}
    found = dict(
        scoped(request, DeviceState).filter(device_id__in=ids).values_list("device_id", "state")
    )
    return {pk: found.get(pk, State.UNKNOWN.value) for pk in ids}


def device_panel(request: HttpRequest, device: Device) -> dict[str, Any]:
    interfaces = list(scoped(request, Interface).filter(device=device).order_by("if_index"))
    return {
        "monitor": scoped(request, DeviceState).filter(device=device).first(),
        "interfaces": interfaces,
        "graph_props": {
            "seriesUrl": "/api/v1/monitoring/series/",
            "device": device.pk,
            "interfaces": [
                {"ifIndex": i.if_index, "name": i.name or str(i.if_index)} for i in interfaces
            ],
            "graphs": GRAPHS,
        },
    }


def dashboard_panel(request: HttpRequest) -> dict[str, Any]:
    rank = Case(
        *[When(state=state, then=Value(n)) for n, state in enumerate(PROBLEMS)],
        output_field=IntegerField(),
    )
    worst = (
        scoped(request, DeviceState)
        .filter(state__in=PROBLEMS)
        .select_related("device")
        .annotate(rank=rank)
        .order_by("rank", "since")[:PANEL_ROWS]
    )
    talkers = (
        scoped(request, Interface)
        .filter(updated_at__isnull=False)
        .annotate(peak=Greatest(Coalesce(F("in_bps"), 0.0), Coalesce(F("out_bps"), 0.0)))
        .filter(peak__gt=0)
        .select_related("device")
        .order_by("-peak")[:PANEL_ROWS]
    )
    return {"worst_devices": worst, "top_talkers": talkers}
