"""Scaled-out shard runs with a real Redis (Debian's redis-server on loopback): one shard × cycle
is polled once however many workers get its task; the next cycle is polled again."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from webnet.monitoring import polling
from webnet.monitoring.poller.types import DevicePoll, PollTarget


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server not installed (make test installs it)")
    workdir: Path = tmp_path_factory.mktemp("redis")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    client = Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except Exception:
                time.sleep(0.05)
        client.ping()
        yield client
    finally:
        proc.terminate()
        proc.wait(10)


class World:
    """Loads one loopback ICMP-only device per shard, slowly, and counts what gets recorded."""

    def __init__(self) -> None:
        self.recorded: list[list[DevicePoll]] = []
        self.lock = threading.Lock()

    async def load(self, shard: int, shard_count: int) -> list[PollTarget]:
        time.sleep(0.2)  # a slow database: the twin task arrives while this one runs
        return [PollTarget(device_id=shard + 1, address="127.0.0.1", parts=frozenset({"icmp"}))]

    async def record(self, polls: list[DevicePoll]) -> None:
        with self.lock:
            self.recorded.append(polls)


def test_one_shard_cycle_is_polled_once(redis: Redis, settings) -> None:
    settings.WEBNET_POLL_INTERVAL, settings.WEBNET_POLL_SHARDS = 60, 2
    world, results = World(), []
    cycle = 1_000_000 + int(time.time())  # a key no earlier run has claimed

    def task(shard: int, cycle: int) -> None:
        results.append(
            polling.run_shard(shard, cycle, load=world.load, record=world.record, redis=redis)
        )

    twins = [threading.Thread(target=task, args=(0, cycle)) for _ in range(3)]
    for t in twins:
        t.start()
    for t in twins:
        t.join()
    assert len(world.recorded) == 1 and sum(m is not None for m in results) == 1
    (poll,) = world.recorded[0]
    assert (poll.device_id, poll.cycle, poll.outcome) == (1, cycle, "ok")
    assert poll.icmp is not None and poll.icmp.received == poll.icmp.sent
    assert 0 < redis.ttl(polling.lock_key(0, cycle)) <= 120

    task(0, cycle)  # a redelivery after the first finished: still nothing
    task(1, cycle)  # the other shard of the same cycle
    task(0, cycle + 1)  # the next cycle
    assert [p[0].device_id for p in world.recorded] == [1, 2, 1]
    assert [p[0].cycle for p in world.recorded] == [cycle, cycle, cycle + 1]
