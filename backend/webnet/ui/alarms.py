"""The alarm console: the active customer's alarms, filtered by severity, state and device,
acknowledged in bulk; the table re-renders when /ws/updates/ says an alarm changed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.alarms import services
from webnet.alarms.models import OPEN_STATES, Alarm, AlarmState, Severity
from webnet.core import access
from webnet.core.numbers import parse_int
from webnet.ui.crud import active_customer, paginate, querystring_without_page, scoped
from webnet.ui.subscribers import affected_counts

PER_PAGE = 100


def _alarms(request: HttpRequest) -> Any:
    alarms = scoped(request, Alarm).select_related("device", "acknowledged_by", "suppressed_by")
    state = request.GET.get("state", "open")
    if state == "open":
        alarms = alarms.filter(state__in=OPEN_STATES)
    elif state in AlarmState.values:
        alarms = alarms.filter(state=state)
    if request.GET.get("severity") in Severity.values:
        alarms = alarms.filter(severity=request.GET["severity"])
    if device := request.GET.get("device", "").strip():
        if "\x00" in device:  # no host name holds NUL (and PostgreSQL refuses it in a query)
            return alarms.none()
        alarms = alarms.filter(device__hostname__icontains=device)
    return alarms


@login_required
def alarm_console(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    page = paginate(request, _alarms(request), PER_PAGE)
    page.object_list = list(page.object_list)
    affected = affected_counts(request, {alarm.device_id for alarm in page.object_list})
    for alarm in page.object_list:
        alarm.affected_services = affected.get(alarm.device_id, 0)
    context = {
        "nav": "alarms",
        "page": page,
        "querystring": querystring_without_page(request),
        "states": [("open", "Open"), *AlarmState.choices],
        "severities": Severity.choices,
        "filters": {k: request.GET.get(k, "") for k in ("state", "severity", "device")},
        "can_acknowledge": access.can(request.user, "alarm", "acknowledge", customer.pk),
    }
    partial = request.headers.get("HX-Request")
    return render(
        request, "alarms/_alarm_table.html" if partial else "alarms/console.html", context
    )


@login_required
@require_POST
def alarm_bulk_acknowledge(request: HttpRequest) -> HttpResponse:
    ids = {parse_int(value) for value in request.POST.getlist("alarm")} - {None}
    alarms = list(scoped(request, Alarm).filter(pk__in=ids))
    if not access.can(request.user, "alarm", "acknowledge", active_customer(request).pk):
        raise PermissionDenied("Your role may not acknowledge alarms.")
    done = services.acknowledge(request.user, alarms, request.POST.get("comment", "")[:2000])
    messages.success(request, f"Acknowledged {len(done)} alarm{'s' if len(done) != 1 else ''}.")
    return redirect(f"{reverse('ui:alarm_console')}?{request.POST.get('next', '')}")
