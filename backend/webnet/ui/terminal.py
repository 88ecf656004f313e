"""Terminal pages: the device terminal (operator+) and session transcripts with replay (admin)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from webnet.devices.models import Device
from webnet.terminal.models import TerminalSession
from webnet.ui.crud import paginate, require, scoped
from webnet.ui.errors import get_or_404


@login_required
def device_terminal(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(scoped(request, Device), pk=pk)
    require(request, "terminal", "open")
    props = {
        "wsPath": f"/ws/devices/{device.pk}/ssh/",
        "hostname": device.hostname,
        "deviceUrl": reverse("ui:device_detail", args=[device.pk]),
    }
    return render(
        request, "terminal/device.html", {"device": device, "props": props, "nav": "devices"}
    )


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    require(request, "terminalsession", "view")
    sessions = scoped(request, TerminalSession).only(
        "pk",
        "device_id",
        "device_hostname",
        "username",
        "started_at",
        "ended_at",
        "end_reason",
        "bytes_in",
        "bytes_out",
    )
    return render(
        request,
        "terminal/sessions.html",
        {"page": paginate(request, sessions), "nav": "terminal_sessions"},
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "terminalsession", "view")
    session = get_or_404(request, scoped(request, TerminalSession), pk)
    props = {"hostname": session.device_hostname, "transcript": session.transcript}
    return render(
        request,
        "terminal/session.html",
        {"session": session, "props": props, "nav": "terminal_sessions"},
    )
