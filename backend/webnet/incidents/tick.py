"""The incidents' periodic pass (jobs.periodic, every scheduler tick): acknowledge timeouts,
escalation steps, stored SLA clocks, public notices. Each part is idempotent, so overlapping or
repeated ticks (scaled out, after a crash) change nothing twice."""

from datetime import datetime, timedelta

from django.db import transaction

from webnet.incidents import escalation, notices, services, sla
from webnet.incidents.models import EventKind, Incident, Status


def retrigger_overdue_acks(now: datetime) -> int:
    """Acknowledged incidents whose chain's acknowledge timeout has passed since the last
    acknowledgement go back to triggered, which starts a new escalation run."""
    count = 0
    candidates = Incident.objects.filter(
        status=Status.ACKNOWLEDGED, escalation_chain__ack_timeout_seconds__isnull=False
    ).select_related("escalation_chain")
    for incident in candidates:
        last_ack = (
            incident.events.filter(kind=EventKind.STATUS, value=Status.ACKNOWLEDGED)
            .order_by("-seq")
            .values_list("at", flat=True)
            .first()
        )
        timeout = timedelta(seconds=incident.escalation_chain.ack_timeout_seconds)
        if last_ack is None or last_ack + timeout > now:
            continue
        with transaction.atomic():
            fresh = Incident.objects.select_for_update().get(pk=incident.pk)
            if fresh.status == Status.ACKNOWLEDGED:
                services.set_status(
                    None, fresh, status=Status.TRIGGERED, note="acknowledge timeout", at=now
                )
                count += 1
    return count


def tick(now: datetime) -> dict[str, int]:
    retriggered = retrigger_overdue_acks(now)
    steps = escalation.tick(now)
    return {
        "retriggered": retriggered,
        **steps,
        "sla_incidents": sla.tick(now),
        "incident_notices": notices.tick(now),
    }
