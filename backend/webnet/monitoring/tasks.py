"""Celery entry points of the poller (ids only): beat dispatches each cycle's shards to queue
"poll"; a worker runs one shard × cycle once, whatever the number of deliveries."""

import time

from django.conf import settings

from webnet.core.celery import app
from webnet.monitoring import loop, polling
from webnet.monitoring.poller.cycle import cycle_of


@app.task(name="webnet.monitoring.poll_shard", queue="poll", acks_late=False)
def poll_shard(shard: int, cycle: int) -> None:
    polling.run_shard(
        shard, cycle, load=loop.load_targets, record=loop.record, redis=loop.redis_client()
    )


@app.task(name="webnet.monitoring.dispatch_poll")
def dispatch_poll() -> None:
    """Called by Celery beat every WEBNET_POLL_INTERVAL: this cycle's task for every shard."""
    cycle = cycle_of(time.time(), settings.WEBNET_POLL_INTERVAL)
    for shard in range(settings.WEBNET_POLL_SHARDS):
        poll_shard.delay(shard, cycle)
