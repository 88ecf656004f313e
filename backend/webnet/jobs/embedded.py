"""Embedded mode: jobs and the scheduler live on the web server's own event loop.

`start()` binds the loop for the local executor and starts a timer that calls scheduler.tick()
every WEBNET_SCHEDULER_INTERVAL seconds. It is idempotent: `manage.py serve` calls it when the
server starts, and the ASGI application calls it on its first connection otherwise.
"""

import asyncio
import logging

from django.conf import settings

from webnet.jobs import executors, scheduler
from webnet.jobs.dbthread import run_db

logger = logging.getLogger("webnet.jobs")

_timer: asyncio.Task | None = None


async def _tick_forever() -> None:
    while True:
        try:
            result = await run_db(scheduler.tick)
            if result["started"] or result["reaped"]:
                logger.info("scheduler tick: %s", result)
        except Exception:  # the timer must survive a failed tick (e.g. database restarting)
            logger.exception("scheduler tick failed")
        await asyncio.sleep(settings.WEBNET_SCHEDULER_INTERVAL)


def start(loop: asyncio.AbstractEventLoop | None = None) -> None:
    global _timer
    if settings.WEBNET_EXECUTOR != "local" or (_timer is not None and not _timer.done()):
        return
    loop = loop or asyncio.get_event_loop()
    executors.bind_loop(loop)
    _timer = loop.create_task(_tick_forever())
    logger.info(
        "embedded job engine started (scheduler every %ss)", settings.WEBNET_SCHEDULER_INTERVAL
    )


class EmbeddedJobsMiddleware:
    """ASGI middleware: make sure the embedded engine runs on the serving loop."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        start(asyncio.get_running_loop())
        return await self.app(scope, receive, send)
