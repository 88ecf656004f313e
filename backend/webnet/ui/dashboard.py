"""The dashboard: real counts and recent jobs for the active customer, audit events for admins."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from webnet.alarms.models import OPEN_STATES, Alarm, Severity
from webnet.core import access
from webnet.core.models import AuditEvent
from webnet.devices.models import Credential, Device, DeviceGroup, DeviceStatus, Tag
from webnet.devices.platforms import Platform
from webnet.jobs.models import Job
from webnet.ui.crud import scoped
from webnet.ui.monitoring import dashboard_panel

RECENT_EVENTS = 10
RECENT_JOBS = 5


def _counts(request: HttpRequest) -> dict[str, Any]:
    devices = scoped(request, Device)
    by_status = dict(devices.order_by().values_list("status").annotate(n=Count("pk")))
    by_platform = dict(devices.order_by().values_list("platform").annotate(n=Count("pk")))
    return {
        "devices_total": devices.count(),
        "devices_enabled": devices.filter(enabled=True).count(),
        "by_status": [
            (label, by_status.get(value, 0), value) for value, label in DeviceStatus.choices
        ],
        "by_platform": [
            (label, by_platform[value])
            for value, label in Platform.choices
            if by_platform.get(value)
        ],
        "credentials": scoped(request, Credential).count(),
        "tags": scoped(request, Tag).count(),
        "groups": scoped(request, DeviceGroup).count(),
        "recent_jobs": scoped(request, Job).select_related("requested_by")[:RECENT_JOBS],
        "open_alarms": _open_alarms(request),
    }


def _open_alarms(request: HttpRequest) -> list[tuple[str, str, int]]:
    """(severity, label, open alarms) from critical down: the dashboard's alarm card."""
    open_alarms = scoped(request, Alarm).filter(state__in=OPEN_STATES).order_by()
    by_severity = dict(open_alarms.values_list("severity").annotate(n=Count("pk")))
    return [
        (value, label, by_severity.get(value, 0)) for value, label in reversed(Severity.choices)
    ]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"nav": "dashboard"}
    customer = getattr(request, "customer", None)
    if customer is not None:
        context.update(_counts(request))
        context.update(dashboard_panel(request))
        if access.can(request.user, "auditevent", "view", customer.pk):
            context["recent_events"] = scoped(request, AuditEvent)[:RECENT_EVENTS]
    return render(request, "dashboard/index.html", context)
