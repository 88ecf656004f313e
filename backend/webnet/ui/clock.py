"""Times as people read them: one format everywhere (`2026-12-01 21:49:33 CET`), in the user's
time zone — the profile's, else the browser's (a cookie the islands' loader sets), else UTC.

The JS islands format in the same zone with the same names: `clock_props()` hands them the zone
and its abbreviations by UTC offset, so a live log line and a page header read alike.
"""

import zoneinfo
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from webnet.core.clock import FORMAT as FORMAT
from webnet.core.clock import when as when

COOKIE = "webnet_tz"


def zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def user_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The profile's zone, else the browser's (cookie); None means UTC."""
    user = getattr(request, "user", None)
    chosen = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
    return zone_or_none(chosen) or zone_or_none(request.COOKIES.get(COOKIE))


class TimeZoneMiddleware:
    """Activate the user's zone for a page, so templates and forms show local times. The API
    keeps answering in UTC: its clients format times themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None if request.path.startswith("/api/") else user_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def clock_props() -> dict[str, Any]:
    """The active zone for islands: IANA name and abbreviation per UTC offset (minutes)."""
    zone = timezone.get_current_timezone()
    year = timezone.now().year
    names: dict[str, str] = {}
    for month in (1, 7):
        moment = datetime(year, month, 1, 12, tzinfo=zone)
        offset = moment.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        names[str(minutes)] = moment.tzname() or ""
    return {"zone": str(zone), "names": names}
