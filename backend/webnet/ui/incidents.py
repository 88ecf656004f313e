"""Incident pages: the list (with "open an incident"), the detail with its SLA panel (computed
from the log, remaining time shown with due times in the user's zone), status buttons, notes,
the log and escalation state; and the on-call page (who is on call now, the next days)."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from webnet.core import access
from webnet.incidents import affected, schedules, services, sla
from webnet.incidents.models import (
    ACTIVE_STATUSES,
    PAUSE_STATUSES,
    EscalationRunStep,
    Incident,
    OnCallSchedule,
    Priority,
    Status,
)
from webnet.ui.crud import active_customer, paginate, querystring_without_page, scoped
from webnet.ui.subscribers import affected_preview, affected_response

CLOCK_LABELS = {
    "acknowledge": "Time to acknowledge",
    "first_response": "Time to first response",
    "resolve_first": "Time to resolve (first)",
    "resolve_total": "Time to resolve (total)",
}
ACTIONS = {
    "acknowledge": services.acknowledge_incident,
    "resolve": services.resolve_incident,
    "close": services.close_incident,
    "reopen": services.reopen_incident,
}


def duration(seconds: float) -> str:
    """A span as "2h 05m" (negative: overdue by that much)."""
    sign = "-" if seconds < 0 else ""
    minutes = int(abs(seconds)) // 60
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    text = f"{days}d {hours}h {minutes:02d}m" if days else f"{hours}h {minutes:02d}m"
    return sign + text


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    incidents = scoped(request, Incident).select_related("assignee", "team")
    state = request.GET.get("status", "active")
    if state == "active":
        incidents = incidents.filter(status__in=ACTIVE_STATUSES)
    elif state in Status.values:
        incidents = incidents.filter(status=state)
    context = {
        "nav": "incidents",
        "page": paginate(request, incidents, 50),
        "querystring": querystring_without_page(request),
        "statuses": [("active", "Active"), *Status.choices],
        "status": state,
        "priorities": Priority.choices,
        "can_open": access.can(request.user, "incident", "add", customer.pk),
    }
    return render(request, "incidents/list.html", context)


@login_required
@require_POST
def incident_open(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    title = request.POST.get("title", "").strip()[:200]
    if not title:
        messages.error(request, "An incident needs a title.")
        return redirect("ui:incident_list")
    try:
        incident = services.open_incident(
            request.user,
            customer=customer,
            title=title,
            priority=request.POST.get("priority", Priority.P3),
            description=request.POST.get("description", "")[:10000],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ui:incident_list")
    return redirect("ui:incident_detail", pk=incident.pk)


def _clocks(incident: Incident) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": CLOCK_LABELS[name],
            "state": clock.state,
            "remaining": duration(clock.remaining_s),
            "target": duration(clock.target_s),
            "due_at": clock.due_at,
            "breached_at": clock.breached_at,
            "running": clock.running,
        }
        for name, clock in sla.clocks(incident, timezone.now()).items()
    ]


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = active_customer(request)
    incident = get_object_or_404(
        scoped(request, Incident).select_related("assignee", "team", "sla_policy"), pk=pk
    )
    can_work = access.can(request.user, "incident", "change", customer.pk)
    status = incident.status
    buttons = []
    if can_work:
        if status in (Status.TRIGGERED, *PAUSE_STATUSES):
            buttons.append(("acknowledge", "Acknowledge"))
        if status in ACTIVE_STATUSES:
            buttons.append(("resolve", "Resolve"))
        if status == Status.RESOLVED:
            buttons.append(("close", "Close"))
        if status in (Status.RESOLVED, Status.CLOSED):
            buttons.append(("reopen", "Reopen"))
    context = {
        "nav": "incidents",
        "incident": incident,
        "clocks": _clocks(incident),
        "events": incident.events.select_related("actor"),
        "steps": EscalationRunStep.objects.filter(run__incident=incident)
        .select_related("run", "step")
        .order_by("-run__generation", "position"),
        "buttons": buttons,
        "pauses": [(s.value, s.label) for s in PAUSE_STATUSES] if status in ACTIVE_STATUSES else [],
        "can_work": can_work,
        "affected": affected_preview(affected.by_incident(request.user, incident)),
    }
    return render(request, "incidents/detail.html", context)


@login_required
def incident_affected(request: HttpRequest, pk: int) -> HttpResponse:
    """The subscribers behind the incident, whole, as a page or CSV for the notice."""
    incident = get_object_or_404(scoped(request, Incident), pk=pk)
    return affected_response(
        request,
        affected.by_incident(request.user, incident),
        title=f"Incident #{incident.number}: {incident.title}",
        back=reverse("ui:incident_detail", args=[incident.pk]),
        filename=f"incident-{incident.number}-affected",
    )


@login_required
@require_POST
def incident_action(request: HttpRequest, pk: int) -> HttpResponse:
    """A status button, a pause status, or a note — through the same services as the API."""
    incident = get_object_or_404(scoped(request, Incident), pk=pk)
    what = request.POST.get("action", "")
    note = request.POST.get("note", "")[:4000]
    try:
        if what in ACTIONS:
            ACTIONS[what](request.user, incident, note=note)
        elif what == "status":
            services.set_status(
                request.user, incident, status=request.POST.get("status", ""), note=note
            )
        elif what == "note":
            services.add_note(
                request.user, incident, text=note, public=request.POST.get("public") == "on"
            )
        else:
            messages.error(request, "Unknown action.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ui:incident_detail", pk=incident.pk)


@login_required
def oncall_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = []
    for schedule in scoped(request, OnCallSchedule):
        pieces = schedules.timeline(schedule, now, now + timedelta(days=7))
        ids = {who for who, _ in pieces if who is not None}
        names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
        rows.append(
            {
                "schedule": schedule,
                "now": names.get(pieces[0][0]) if pieces and pieces[0][0] else None,
                "pieces": [(names.get(who) if who else None, a, b) for who, (a, b) in pieces],
            }
        )
    return render(request, "incidents/oncall.html", {"nav": "oncall", "rows": rows})
