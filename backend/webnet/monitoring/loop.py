"""The one module where the poller meets the database: the DB side's `poll_targets` and
`record_polls` (webnet.monitoring.targets / .persist) run on the job engine's database thread;
embedded, the poll loop is a background service of the job worker (core.background)."""

import functools

from django.conf import settings
from redis import Redis

from webnet.jobs.dbthread import run_db
from webnet.monitoring import polling
from webnet.monitoring.persist import record_polls
from webnet.monitoring.poller.types import DevicePoll, PollTarget
from webnet.monitoring.targets import poll_targets


async def load_targets(shard: int, shard_count: int) -> list[PollTarget]:
    return await run_db(poll_targets, shard, shard_count)


async def record(polls: list[DevicePoll]) -> None:
    await run_db(record_polls, polls)


@functools.cache
def redis_client() -> Redis:
    return Redis.from_url(settings.REDIS_URL)


async def run_embedded() -> None:
    """Embedded mode: every device in one shard, cycles on the worker's loop."""
    await polling.run_embedded(load_targets, record)
