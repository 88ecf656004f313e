"""Opening and closing audited terminal sessions; the per-user limit.

The gate is the same as everywhere: a device the user may not view is "not found", a device they
may view but not open a terminal on (viewer) is "forbidden". Each open and each close writes one
audit event; the close event carries the byte counts and the number of typed lines.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webnet.core import access, audit
from webnet.devices.models import Device
from webnet.terminal.models import EndReason, TerminalSession

# A session whose relay stopped sending heartbeats (its server process died) stops counting
# against the user's limit after this long.
HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 3)


class TerminalRefused(Exception):
    """The session may not start; `code` is the WebSocket close code, `message` is for people."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


NOT_AUTHENTICATED = 4401
FORBIDDEN = 4403
NOT_FOUND = 4404
TOO_MANY = 4429


def open_sessions(user: Any) -> int:
    """The user's live sessions, across customers (the limit is per person)."""
    return (
        TerminalSession.objects.filter(user_id=user.pk, ended_at__isnull=True)
        .filter(heartbeat_at__gte=timezone.now() - STALE_AFTER)
        .count()
    )


def allowed_device(actor: Any, device_id: int) -> Device:
    """The device if the gate lets `actor` hold a terminal on it (at start and while open)."""
    if actor is None or not actor.is_authenticated:
        raise TerminalRefused(NOT_AUTHENTICATED, "Sign in to open a terminal.")
    device = Device.objects.restrict(actor, "view").filter(pk=device_id).first()
    if device is None:
        raise TerminalRefused(NOT_FOUND, "Device not found.")
    if not access.can(actor, "terminal", "open", device.customer_id):
        raise TerminalRefused(FORBIDDEN, "Your role does not allow opening a terminal.")
    return device


def start_session(actor: Any, device_id: int, client_ip: str | None) -> TerminalSession:
    """Check the gate and the limit, then create the audited session row."""
    device = allowed_device(actor, device_id)
    if device.credential_id is None:
        raise TerminalRefused(FORBIDDEN, "The device has no credential; ask an admin to bind one.")
    limit = settings.WEBNET_TERMINAL_MAX_SESSIONS
    with transaction.atomic():
        if open_sessions(actor) >= limit:
            raise TerminalRefused(
                TOO_MANY, f"You already have {limit} terminal session(s) open; close one first."
            )
        session = TerminalSession.objects.create(
            customer_id=device.customer_id,
            device=device,
            device_hostname=device.hostname,
            user=actor,
            username=actor.get_username(),
            client_ip=client_ip,
        )
        audit.record("terminal_open", actor=actor, customer_id=device.customer_id, obj=session)
    return session


def heartbeat(session_id: int, transcript: list[dict], bytes_in: int, bytes_out: int) -> None:
    TerminalSession.objects.filter(pk=session_id, ended_at__isnull=True).update(
        heartbeat_at=timezone.now(),
        transcript=transcript,
        bytes_in=bytes_in,
        bytes_out=bytes_out,
    )


def end_session(
    session_id: int,
    *,
    reason: str,
    message: str,
    transcript: list[dict],
    bytes_in: int,
    bytes_out: int,
) -> TerminalSession | None:
    """Close the row once (later calls are no-ops) and audit the close."""
    with transaction.atomic():
        session = (
            TerminalSession.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=session_id, ended_at__isnull=True)
            .first()
        )
        if session is None:
            return None
        session.ended_at = timezone.now()
        session.end_reason = EndReason(reason)
        session.message = message[:300]
        session.transcript = transcript
        session.bytes_in = bytes_in
        session.bytes_out = bytes_out
        session.save()
        audit.record(
            "terminal_close",
            actor=session.user,
            customer_id=session.customer_id,
            obj=session,
            changes={
                "reason": [None, reason],
                "bytes_in": [None, bytes_in],
                "bytes_out": [None, bytes_out],
                "lines": [None, len(transcript)],
            },
        )
    return session
