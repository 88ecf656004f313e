"""Embedded mode: the delivery worker as a small loop, a background service of the embedded job
worker (core.background) — never on a first ASGI connection: it sends mail and webhooks, which a
test's or a tool's application must not do behind its back.

Sending blocks (SMTP, HTTP), so each drain runs in its own thread, never the job engine's
database thread. The loop drains every WEBNET_NOTIFY_INTERVAL seconds, or at once when an outbox
commit in the same process wakes it (commits in the web process wait for the interval).
"""

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections

from webnet.notifications import worker

logger = logging.getLogger("webnet.notifications")

_loop: asyncio.AbstractEventLoop | None = None
_event: asyncio.Event | None = None
_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webnet-notify-drain")


def _drain() -> int:
    close_old_connections()
    try:
        return worker.drain(seconds=settings.WEBNET_NOTIFY_INTERVAL * 10)
    finally:
        close_old_connections()


async def _run_forever() -> None:
    assert _event is not None
    while True:
        _event.clear()
        try:
            await asyncio.get_running_loop().run_in_executor(_thread, _drain)
        except Exception:  # the loop must survive a failed drain (e.g. database restarting)
            logger.exception("notification drain failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_event.wait(), settings.WEBNET_NOTIFY_INTERVAL)


async def run_embedded() -> None:
    """The delivery loop as a background service of the embedded worker (core.background)."""
    global _loop, _event
    _loop, _event = asyncio.get_running_loop(), asyncio.Event()
    logger.info("embedded notification worker started")
    await _run_forever()


def wake() -> None:
    """From any thread: drain now (a no-op when the loop is not running here)."""
    if _loop is not None and _event is not None and not _loop.is_closed():
        _loop.call_soon_threadsafe(_event.set)
