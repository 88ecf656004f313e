"""Celery entry points of the scaled path (no arguments: due rows are found in the database)."""

from django.conf import settings

from webnet.core.celery import app
from webnet.notifications import worker


@app.task(name="webnet.notifications.deliver_due", acks_late=False, ignore_result=True)
def deliver_due() -> int:
    """Woken after outbox commits and by beat; a killed run's rows return when leases end."""
    return worker.drain(seconds=settings.WEBNET_NOTIFY_INTERVAL * 10)
