"""On-call as an iCalendar feed (RFC 5545) that calendar apps subscribe to: one event per piece
of the timeline, with stable UIDs so a refreshed feed updates events instead of duplicating them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import icalendar

from webnet.incidents.oncall import Span


def oncall_feed(name: str, pieces: Iterable[tuple[str | None, Span]], stamp: datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//webnet//on-call//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for member, (start, end) in pieces:
        event = icalendar.Event()
        event.add("uid", f"{name}-{int(start.timestamp())}@webnet")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"On call: {member}" if member else "Nobody on call")
        calendar.add_component(event)
    return calendar.to_ical()
