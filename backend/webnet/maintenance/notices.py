"""Notices of announced maintenance windows: one per occurrence, kept in step with the window.

The tick publishes a notice for each occurrence of an `announce` window that starts within
WEBNET_NOTICE_LEAD_HOURS (announcements.sync_notice is idempotent per source key, so a repeated
tick writes nothing and a moved window updates its notice); a cancelled or early-ended window's
notice expires then. Times are written in the window's own zone, named.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from webnet.core import clock
from webnet.maintenance import announcements, services
from webnet.maintenance.models import Announcement, MaintenanceWindow


def _source(window: MaintenanceWindow, starts: datetime) -> str:
    return f"maintenance:{window.pk}:{starts:%Y%m%dT%H%M%SZ}"


def _body(window: MaintenanceWindow, starts: datetime, ends: datetime) -> str:
    zone = ZoneInfo(window.time_zone)
    when = f"From {clock.when(starts, zone)} to {clock.when(ends, zone)}."
    return f"{window.description}\n\n{when}".strip()


def publish(now: datetime) -> dict[str, int]:
    """Create or refresh the notices of occurrences starting in [now, now + lead); expire those
    of windows cancelled or ended early."""
    horizon = now + timedelta(hours=settings.WEBNET_NOTICE_LEAD_HOURS)
    windows = services.overlapping(
        MaintenanceWindow.objects.filter(announce=True).select_related("customer"), now, horizon
    )
    written = 0
    for window in windows:
        stopped = window.cancelled or (window.ended_early_at or horizon) <= now
        if stopped:
            written += _expire(window, now)
            continue
        for starts, ends in window.occurrences(now, horizon):
            announcements.sync_notice(
                window.customer,
                source=_source(window, starts),
                title=f"Planned maintenance: {window.name}",
                body=_body(window, starts, ends),
                publish_at=min(announcements.notice_publish_at(starts), starts),
                expire_at=ends,
            )
            written += 1
    return {"notices": written}


def _expire(window: MaintenanceWindow, now: datetime) -> int:
    live = Announcement.objects.for_customer(window.customer_id).filter(
        source__startswith=f"maintenance:{window.pk}:", expire_at__gt=now
    )
    for notice in live:
        announcements.sync_notice(
            window.customer,
            source=notice.source,
            title=notice.title,
            body=notice.body,
            publish_at=min(notice.publish_at, now),
            expire_at=now,
            update="Cancelled." if window.cancelled else "Ended early.",
        )
    return len(live)
