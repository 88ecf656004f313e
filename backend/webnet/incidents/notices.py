"""Public notices of major incidents: one Announcement per incident, derived from its event log.

An incident that opens at, or is raised to, a public priority (P1/P2) gets one notice (source
"incident:<pk>", via maintenance.announcements.sync_notice). The log's later status lines become
its updates, each keyed by the line's `seq`, so the on_commit hook after a transition and the
tick's catch-up (a repeated run, two workers, a restart) append each word once. A resolved
incident's notice expires WEBNET_INCIDENT_NOTICE_LINGER_MINUTES after resolution and then lives in
the status page's history; reopening clears the expiry. Lowering the priority later does not
withdraw a notice (it has been said); resolution ends it. The page may be public, so the text names
only the site and times (in the site's zone, named): never titles, devices, notes or people. Title
and body are written once; an operator's edit of them stands.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from webnet.core import clock
from webnet.incidents.models import (
    ACTIVE_STATUSES,
    PAUSE_STATUSES,
    EventKind,
    Incident,
    Priority,
    Status,
)
from webnet.maintenance import announcements
from webnet.maintenance.models import Announcement
from webnet.maintenance.models.announcements import Priority as NoticePriority

PUBLIC_PRIORITIES = (Priority.P1, Priority.P2)
NOTICE_PRIORITY: dict[str, int] = {
    Priority.P1: NoticePriority.CRITICAL,
    Priority.P2: NoticePriority.WARNING,
}
PREFIX = "incident:"  # + the incident's pk: the notice's source key
WORKING = (Status.ACKNOWLEDGED, *PAUSE_STATUSES)
ENDED = (Status.RESOLVED, Status.CLOSED)
# One line of the log: seq, kind, value, at, data.
Line = tuple[int, str, str, datetime, dict[str, Any]]


@dataclass
class Plan:
    """What the log says the notice should be: up since `public_at` (None: never major), with
    `priority` then, ended at `resolved_at` (None: still on), and the words said so far."""

    public_at: datetime | None = None
    priority: str = ""
    resolved_at: datetime | None = None
    words: list[tuple[str, str]] = field(default_factory=list)


def plan(lines: Iterable[Line], zone: ZoneInfo) -> Plan:
    """Replay the log's opened/status/priority lines in `seq` order (pure: no ORM).

    Words: "We are investigating." once per episode (the first acknowledgement or pause after
    opening or reopening, or at once when the incident becomes major while being worked),
    "Resolved at …" on each resolution, "The disruption has returned." on each reopening.
    """
    result = Plan()
    status = priority = ""
    investigating = False
    for seq, kind, value, at, data in lines:
        key, before = f"seq:{seq}", status
        if kind == EventKind.OPENED:
            status, priority = value, data.get("priority", "")
        elif kind == EventKind.PRIORITY:
            priority = value
        elif kind == EventKind.STATUS:
            status = value
        else:
            continue
        if status == Status.RESOLVED and before != Status.RESOLVED:
            result.resolved_at = at
        elif status not in ENDED:
            result.resolved_at = None
        if result.public_at is None:
            if priority not in PUBLIC_PRIORITIES:
                continue
            result.public_at, result.priority = at, priority
            before = ""  # what happened before the notice went up is not news
        if kind == EventKind.STATUS and status == Status.RESOLVED:
            result.words.append((key, f"Resolved at {clock.when(at, zone)}."))
        elif status == Status.TRIGGERED and before in ENDED:
            investigating = False
            result.words.append((key, "The disruption has returned."))
        elif status in WORKING and not investigating:
            investigating = True
            result.words.append((key, "We are investigating."))
    return result


def _text(incident: Incident, zone: ZoneInfo) -> tuple[str, str]:
    """The public title and body: the site's name and the start, nothing the NOC wrote."""
    since = clock.when(incident.opened_at, zone)
    site = incident.site
    if site is None:
        return "Service disruption", f"We are aware of a service disruption since {since}."
    return (
        f"Service disruption — {site.name}",
        f"We are aware of a service disruption at {site.name} since {since}.",
    )


def sync_incident(incident_id: int) -> Announcement | None:
    """Bring the incident's notice in step with its log (idempotent); None if it never was major.

    The incident's row lock serializes concurrent syncs (and transitions) of one incident."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            return None
        zone = ZoneInfo(incident.site.time_zone if incident.site else "UTC")
        lines = (
            incident.events.filter(
                kind__in=(EventKind.OPENED, EventKind.STATUS, EventKind.PRIORITY)
            )
            .order_by("seq")
            .values_list("seq", "kind", "value", "at", "data")
        )
        found = plan(lines, zone)
        if found.public_at is None:
            return None
        linger = timedelta(minutes=settings.WEBNET_INCIDENT_NOTICE_LINGER_MINUTES)
        title, body = _text(incident, zone)
        return announcements.sync_notice(
            incident.customer,
            source=f"{PREFIX}{incident.pk}",
            title=title,
            body=body,
            publish_at=found.public_at,
            expire_at=found.resolved_at + linger if found.resolved_at else None,
            updates=found.words,
            keep_edits=True,
            priority=NOTICE_PRIORITY[found.priority],
        )


def sync_after_commit(incident: Incident) -> None:
    """After the transition commits, sync its notice (a failure is logged; the tick catches up)."""
    incident_id = incident.pk
    transaction.on_commit(lambda: sync_incident(incident_id), robust=True)


def tick(now: datetime) -> int:
    """Catch up on what a lost on_commit hook missed: every open major incident, and every
    incident whose notice is still up. Returns how many were synced."""
    major = Incident.objects.filter(status__in=ACTIVE_STATUSES, priority__in=PUBLIC_PRIORITIES)
    ids = set(major.values_list("pk", flat=True))
    live = Announcement.objects.filter(source__startswith=PREFIX).filter(
        Q(expire_at__isnull=True) | Q(expire_at__gt=now)
    )
    for source in live.values_list("source", flat=True):
        if (pk := source.removeprefix(PREFIX)).isdigit():
            ids.add(int(pk))
    for incident_id in sorted(ids):
        sync_incident(incident_id)
    return len(ids)
