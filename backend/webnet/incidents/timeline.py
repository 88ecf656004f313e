"""An incident's timeline: its log, its room's messages, its alarms' events, its jobs and the
notifications sent about it, in time order — and as Markdown for the post-incident review.

Every source is read through the gate for the reader (the room only when they are in it), so
the timeline never shows more than the reader's other pages do. Each source is capped at LIMIT
rows (the newest are dropped last: the review reads from the start).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpResponse

from webnet.alarms.models import Event
from webnet.incidents import rooms
from webnet.incidents.models import Incident, IncidentEvent, Message
from webnet.jobs.models import Job
from webnet.notifications.models import Delivery

LIMIT = 2000


@dataclass(frozen=True)
class Entry:
    at: datetime
    source: str  # incident | chat | alarm | job | notification
    actor: str
    text: str

    def wire(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "source": self.source, "actor": self.actor,
                "text": self.text}  # fmt: skip


def _name(user: Any) -> str:
    return user.get_username() if user is not None else "system"


def _log(user: Any, incident: Incident) -> list[Entry]:
    rows = (
        IncidentEvent.objects.restrict(user, "view")
        .filter(incident=incident)
        .select_related("actor")
        .order_by("seq")[:LIMIT]
    )
    out = []
    for row in rows:
        note = row.data.get("note") or row.data.get("text") or row.data.get("username") or ""
        text = f"{row.kind} {row.value}".strip() + (f" — {note}" if note else "")
        out.append(Entry(row.at, "incident", _name(row.actor), text))
    return out


def _chat(user: Any, incident: Incident) -> list[Entry]:
    room = rooms.visible_rooms(user).filter(incident=incident).first()
    if room is None:
        return []
    rows = (
        Message.objects.for_customer(room.customer_id)
        .filter(room=room)
        .select_related("author")
        .order_by("seq")[:LIMIT]
    )
    return [
        Entry(m.created_at, "chat", _name(m.author), "message deleted" if m.deleted_at else m.body)
        for m in rows
    ]


def _alarms(user: Any, incident: Incident) -> list[Entry]:
    rows = (
        Event.objects.restrict(user, "view")
        .filter(alarm__in=incident.alarms.values("pk"))
        .order_by("time", "pk")[:LIMIT]
    )
    return [
        Entry(e.time, "alarm", e.source, f"{e.severity} {e.condition} {e.message}".strip())
        for e in rows
    ]


def _jobs(user: Any, incident: Incident) -> list[Entry]:
    rows = (
        Job.objects.restrict(user, "view")
        .filter(incidents=incident)
        .select_related("requested_by")
        .order_by("pk")[:LIMIT]
    )
    out = []
    for job in rows:
        out.append(
            Entry(job.created_at, "job", _name(job.requested_by), f"job #{job.pk} {job.kind}")
        )
        if job.finished_at:
            out.append(Entry(job.finished_at, "job", "system", f"job #{job.pk} {job.status}"))
    return out


def _notifications(user: Any, incident: Incident) -> list[Entry]:
    rows = (
        Delivery.objects.restrict(user, "view")
        .filter(message__topic="incident", message__key__startswith=f"incident:{incident.pk}:")
        .select_related("user", "sink")
        .order_by("created_at", "pk")[:LIMIT]
    )
    out = []
    for d in rows:
        to = d.user.get_username() if d.user else str(d.sink) if d.sink else ""
        text = f"{d.channel} to {to}: {d.status}" + (f" ({d.last_error})" if d.last_error else "")
        out.append(Entry(d.delivered_at or d.created_at, "notification", "system", text))
    return out


SOURCES = (_log, _chat, _alarms, _jobs, _notifications)


def timeline(user: Any, incident: Incident) -> list[Entry]:
    """Every source merged by time (a stable sort keeps each source's own order on ties)."""
    entries = [entry for source in SOURCES for entry in source(user, incident)]
    return sorted(entries, key=lambda entry: entry.at)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def as_markdown(incident: Incident, entries: list[Entry]) -> str:
    """The post-incident review's starting point: a header and one table row per entry (UTC)."""
    lines = [
        f"# {incident}",
        "",
        f"- Status: {incident.get_status_display()}",
        f"- Priority: {incident.get_priority_display()}",
        f"- Opened: {incident.opened_at:%Y-%m-%d %H:%M:%S} UTC",
        "",
        "## Timeline",
        "",
        "| Time (UTC) | Source | Who | What |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {e.at:%Y-%m-%d %H:%M:%S} | {e.source} | {_cell(e.actor)} | {_cell(e.text)} |"
        for e in entries
    ]
    return "\n".join(lines) + "\n"


def review_download(incident: Incident, entries: list[Entry]) -> HttpResponse:
    """The review as a Markdown file download (API and UI)."""
    response = HttpResponse(
        as_markdown(incident, entries), content_type="text/markdown; charset=utf-8"
    )
    filename = f"INC-{incident.number}-timeline.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
