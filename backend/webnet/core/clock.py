"""One time format everywhere (`2026-12-01 21:49:33 CET`): an aware datetime in the active time
zone (the UI activates the user's for each request; UTC otherwise), with the zone named. Here in
core so that services' messages (a conflict "at …") read like the pages around them."""

from datetime import datetime
from typing import Any

from django.utils import timezone

FORMAT = "%Y-%m-%d %H:%M:%S"


def when(value: Any) -> str:
    """An aware datetime in the active zone, with the zone named; "" for None."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.strftime(FORMAT)} {local.tzname() or ''}".rstrip()
