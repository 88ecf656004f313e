"""One time format everywhere (`2026-12-01 21:49:33 CET`): an aware datetime in the active time
zone (the UI activates the user's for each request; UTC otherwise), with the zone named. Here in
core so that services' messages (a conflict "at …") read like the pages around them."""

from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone

FORMAT = "%Y-%m-%d %H:%M:%S"


def when(value: Any, zone: tzinfo | None = None) -> str:
    """An aware datetime in `zone` (default: the active zone), with the zone named; "" for
    None. A notice names its own zone (a window's, a site's), whoever reads it."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value, zone) if timezone.is_aware(value) else value
    return f"{local.strftime(FORMAT)} {local.tzname() or ''}".rstrip()
