"""Background services of the embedded form: long-running coroutines (the poll loop, the trap and
syslog receivers, the notification delivery loop) that apps register when they are ready and the
embedded job worker runs beside its jobs — one process for all background work, so the web
server's loop only serves pages. Scaled out, Celery workers, beat and `manage.py receive_events`
do the same work and nothing here runs.

A service that fails is logged and started again after a pause: one broken receiver must not
take the worker (and every job) down with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger("webnet.background")

Service = Callable[[], Awaitable[None]]
RESTART_PAUSE_SECONDS = 5.0

_services: dict[str, Service] = {}


def register(name: str, service: Service) -> None:
    """Run `service` in the embedded worker (idempotent per name)."""
    _services[name] = service


def registered() -> dict[str, Service]:
    return dict(_services)


async def _keep_running(name: str, service: Service) -> None:
    while True:
        try:
            await service()
            logger.warning("background service %s returned; starting it again", name)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("background service %s failed; starting it again", name)
        await asyncio.sleep(RESTART_PAUSE_SECONDS)


def start_all() -> list[asyncio.Task]:
    """Every registered service as a task on the running loop (cancel them to stop)."""
    return [
        asyncio.create_task(_keep_running(name, service), name=f"background:{name}")
        for name, service in _services.items()
    ]
