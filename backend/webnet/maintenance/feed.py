"""The customer's calendar as iCalendar (RFC 5545) behind a revocable token: maintenance windows
(with their RRULE and zone, so calendar apps expand them themselves), freezes and changes.

Every zone a start names (TZID) gets its VTIMEZONE (RFC 5545 §3.6.5 requires one per TZID, and
clients without the IANA database need it), from the earliest start to the furthest a
recurrence may reach (rules are bounded to 20 years)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from webnet.core import tokens
from webnet.maintenance.models import (
    CalendarToken,
    FreezeWindow,
    MaintenanceWindow,
    ScheduledChange,
    ScheduledStatus,
)
from webnet.maintenance.models.windows import Timed
from webnet.maintenance.recurrence import rule_with_utc_until
from webnet.maintenance.services import MAX_SPAN, overlapping

PAST = timedelta(days=90)  # how much history a feed carries
AHEAD = timedelta(days=366)


def token_for(raw: str) -> CalendarToken | None:
    """The live token with this secret (unknown or revoked: None, the caller answers 404)."""
    token = tokens.live(CalendarToken, raw)
    if token is not None:
        tokens.mark_used(token)
    return token


def _event(uid: str, summary: str, item: Timed, description: str = "") -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstamp", timezone.now())
    zone = ZoneInfo(item.time_zone)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    if item.rrule:
        event.add("rrule", vRecur.from_ical(rule_with_utc_until(item.rrule, item.time_zone)))
    if description:
        event.add("description", description)
    return event


def render(customer_id: int, now: datetime) -> bytes:
    """The feed of one customer: what overlaps [now - PAST, now + AHEAD)."""
    start, end = now - PAST, now + AHEAD
    calendar = Calendar()
    calendar.add("prodid", "-//webnet//maintenance calendar//EN")
    calendar.add("version", "2.0")
    windows = list(
        overlapping(
            MaintenanceWindow.objects.for_customer(customer_id).filter(cancelled=False), start, end
        )
    )
    freezes = list(overlapping(FreezeWindow.objects.for_customer(customer_id), start, end))
    for window in windows:
        calendar.add_component(
            _event(
                f"maintenance-{window.pk}@webnet",
                f"Maintenance: {window.name}",
                window,
                window.description,
            )
        )
    for freeze in freezes:
        calendar.add_component(
            _event(f"freeze-{freeze.pk}@webnet", f"Freeze: {freeze.name}", freeze)
        )
    changes = ScheduledChange.objects.for_customer(customer_id).filter(
        status__in=[ScheduledStatus.SCHEDULED, ScheduledStatus.STARTED],
        occurrence_start__lt=end,
        occurrence_end__gt=start,
    )
    for change in changes.select_related("plan", "window"):
        event = Event()
        event.add("uid", f"change-{change.pk}@webnet")
        event.add("summary", f"Change: {change.plan} (in {change.window.name})")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", change.occurrence_start)
        event.add("dtend", change.occurrence_end)
        calendar.add_component(event)
    first = min([start, *(item.starts_at for item in [*windows, *freezes])])
    calendar.add_missing_timezones(first_date=first.date(), last_date=(end + MAX_SPAN).date())
    return calendar.to_ical()
