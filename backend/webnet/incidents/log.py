"""Appending to an incident's event log: the one place a line (with its per-incident `seq`) is
written. Callers hold the incident's row lock, so lines of one incident are numbered in turn."""

from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from webnet.incidents.models import Incident, IncidentEvent


def append_event(
    incident: Incident,
    kind: str,
    value: str = "",
    *,
    actor: Any = None,
    at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> IncidentEvent:
    last = incident.events.aggregate(last=Max("seq"))["last"] or 0
    user = actor if getattr(actor, "is_authenticated", False) else None
    return IncidentEvent.objects.create(
        customer_id=incident.customer_id,
        incident=incident,
        seq=last + 1,
        at=at or timezone.now(),
        kind=kind,
        value=value,
        data=data or {},
        actor=user,
    )
