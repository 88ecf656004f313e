"""Waking the delivery worker after an outbox commit: the scaled path's Celery task, or the
embedded loop's event. A wake is a hint; due rows are found by `next_attempt_at` regardless."""

import threading
import time

from django.conf import settings

from webnet.notifications import embedded
from webnet.notifications.tasks import deliver_due

_lock = threading.Lock()
_last = 0.0
MIN_GAP = 0.5  # seconds between two Celery wake-ups from one process


def kick() -> None:
    global _last
    if settings.WEBNET_EXECUTOR != "celery":
        embedded.wake()
        return
    with _lock:
        if time.monotonic() - _last < MIN_GAP:
            return
        _last = time.monotonic()
    deliver_due.apply_async()
