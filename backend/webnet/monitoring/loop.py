"""The one module where the poller meets the database: the DB side's `poll_targets` and
`record_polls` (webnet.monitoring.targets / .persist) run on the job engine's database thread,
and the embedded loop starts on the server's event loop (`manage.py serve`)."""

import asyncio
import functools

from django.conf import settings
from redis import Redis

from webnet.jobs.dbthread import run_db
from webnet.monitoring import polling
from webnet.monitoring.persist import record_polls
from webnet.monitoring.poller.types import DevicePoll, PollTarget
from webnet.monitoring.targets import poll_targets

_embedded: asyncio.Task | None = None


async def load_targets(shard: int, shard_count: int) -> list[PollTarget]:
    return await run_db(poll_targets, shard, shard_count)


async def record(polls: list[DevicePoll]) -> None:
    await run_db(record_polls, polls)


@functools.cache
def redis_client() -> Redis:
    return Redis.from_url(settings.REDIS_URL)


def start(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Embedded mode only (no broker): the poll loop on the serving loop; idempotent."""
    global _embedded
    if not settings.EMBEDDED or (_embedded is not None and not _embedded.done()):
        return
    loop = loop or asyncio.get_event_loop()
    _embedded = loop.create_task(polling.run_embedded(load_targets, record))
