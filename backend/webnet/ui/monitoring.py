"""Monitoring on pages: state badges for device lists, the device page panel (state, graphs,
interfaces) and the dashboard's worst devices and top talkers. Reads only, through the gate."""

from typing import Any

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest

from webnet.devices.models import Device
from webnet.monitoring.models import DeviceState, Interface, State
from webnet.ui.crud import scoped

PANEL_ROWS = 10
# Worst first on the dashboard.
SEVERITY = [State.DOWN, State.UNREACHABLE, State.FLAPPING, State.POLL_TIMEOUT, State.DEGRADED]
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
        *[When(state=state, then=Value(n)) for n, state in enumerate(SEVERITY)],
        output_field=IntegerField(),
    )
    worst = (
        scoped(request, DeviceState)
        .filter(state__in=SEVERITY)
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
