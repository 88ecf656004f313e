"""The alarm console: the active customer's alarms, filtered by severity, state, device and
location subtree (alarms.filters, shared with the API), acknowledged in bulk; the table
re-renders when /ws/updates/ says an alarm changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.alarms import services
from webnet.alarms.filters import STATE_CHOICES, AlarmFilterSet
from webnet.alarms.models import Alarm, Severity
from webnet.core import access
from webnet.core.numbers import parse_int
from webnet.ui.crud import active_customer, paginate, querystring_without_page, scoped
from webnet.ui.subscribers import affected_counts

PER_PAGE = 100


FILTER_KEYS = ("state", "severity", "device", "within")


def _filter_params(request: HttpRequest) -> dict[str, str]:
    """The console's query (device is a host name here) in the FilterSet's terms; open by
    default."""
    data = {key: request.GET.get(key, "").strip() for key in FILTER_KEYS}
    data["state"] = data["state"] or "open"
    data["hostname"] = data.pop("device")
    return {key: value for key, value in data.items() if value}


def _alarms(request: HttpRequest) -> AlarmFilterSet:
    alarms = scoped(request, Alarm).select_related("device", "acknowledged_by", "suppressed_by")
    return AlarmFilterSet(_filter_params(request), queryset=alarms)


@login_required
def alarm_console(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    filterset = _alarms(request)
    alarms = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, alarms, PER_PAGE)
    page.object_list = list(page.object_list)
    affected = affected_counts(request, {alarm.device_id for alarm in page.object_list})
    for alarm in page.object_list:
        alarm.affected_services = affected.get(alarm.device_id, 0)
    context = {
        "nav": "alarms",
        "page": page,
        "querystring": querystring_without_page(request),
        "states": STATE_CHOICES,
        "severities": Severity.choices,
        "filters": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "filter_errors": filterset.errors,
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
