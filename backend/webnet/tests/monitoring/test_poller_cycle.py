"""The cycle runner (pure): stable shards, wall-clock cycle keys, metrics, missed cycles."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter

import pytest

from webnet.monitoring.poller.cycle import CycleMetrics, CycleRunner, cycle_of, is_due, shard_of
from webnet.monitoring.poller.types import DevicePoll, PollTarget


def test_shard_of_is_stable_and_spreads() -> None:
    # CRC-32 of the decimal id: fixed values, identical in every process and Python version
    assert [shard_of(i, 4) for i in (1, 2, 3, 1000)] == [3, 1, 3, 3]
    assert shard_of(12345, 7) == 1
    counts = Counter(shard_of(i, 4) for i in range(10_000))
    assert set(counts) == {0, 1, 2, 3}
    assert min(counts.values()) > 2_300  # ~2,500 each
    assert {shard_of(i, 1) for i in range(100)} == {0}


def test_cycle_of() -> None:
    assert cycle_of(119.9, 60) == 1 and cycle_of(120.0, 60) == 2


class Fake:
    """Targets 1..n, polls that take `poll_s` and report 10 varbinds, device 2 timing out."""

    def __init__(self, n: int = 3, poll_s: float = 0.0) -> None:
        self.n, self.poll_s = n, poll_s
        self.recorded: list[list[DevicePoll]] = []
        self.loaded: list[tuple[int, int]] = []

    async def load(self, shard: int, shard_count: int) -> list[PollTarget]:
        self.loaded.append((shard, shard_count))
        return [PollTarget(device_id=i, address="127.0.0.1") for i in range(1, self.n + 1)]

    async def poll(self, targets: list[PollTarget], cycle: int) -> list[DevicePoll]:
        await asyncio.sleep(self.poll_s)
        now = time.time()
        return [
            DevicePoll(t.device_id, cycle, now, now, "timeout" if t.device_id == 2 else "ok",
                       varbinds=10)
            for t in targets
        ]  # fmt: skip

    async def record(self, polls: list[DevicePoll]) -> None:
        self.recorded.append(polls)


async def test_run_cycle_metrics() -> None:
    fake = Fake(n=3)
    runner = CycleRunner(fake.load, fake.record, interval_s=60, shard=1, shard_count=4,
                         poll=fake.poll)  # fmt: skip
    cycle = cycle_of(time.time(), 60)
    m = await runner.run_cycle(cycle)
    assert fake.loaded == [(1, 4)]
    assert [p.cycle for p in fake.recorded[0]] == [cycle] * 3
    assert (m.shard, m.cycle, m.devices, m.varbinds, m.not_ok, m.missed_cycles) == (
        1, cycle, 3, 30, 1, 0,
    )  # fmt: skip
    assert 0 <= m.lag_s < 60 and m.devices_per_s > 0
    assert m.varbinds_per_s == pytest.approx(10 * m.devices_per_s)


async def test_cycles_start_on_boundaries_and_overruns_are_missed() -> None:
    interval = 0.25
    fast, slow = Fake(poll_s=0.0), Fake(poll_s=0.3)  # slow overruns each interval
    seen: dict[str, list[CycleMetrics]] = {"fast": [], "slow": []}
    await asyncio.gather(
        CycleRunner(fast.load, fast.record, interval_s=interval, poll=fast.poll).run_forever(
            seen["fast"].append, cycles=3
        ),
        CycleRunner(slow.load, slow.record, interval_s=interval, poll=slow.poll).run_forever(
            seen["slow"].append, cycles=3
        ),
    )
    keys = [m.cycle for m in seen["fast"]]
    assert keys == list(range(keys[0], keys[0] + 3))  # consecutive, none missed
    assert all(m.missed_cycles == 0 and m.lag_s < 0.1 for m in seen["fast"])
    slow_keys = [m.cycle for m in seen["slow"]]
    assert [b - a for a, b in itertools.pairwise(slow_keys)] == [2, 2]
    assert all(m.missed_cycles == 1 for m in seen["slow"])
    assert all(m.lag_s < 0.1 for m in seen["slow"])  # each started on its boundary


async def test_a_failed_cycle_does_not_stop_the_loop() -> None:
    fake, calls = Fake(), []

    async def flaky_load(shard: int, shard_count: int) -> list[PollTarget]:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        return await fake.load(shard, shard_count)

    metrics: list[CycleMetrics] = []
    runner = CycleRunner(flaky_load, fake.record, interval_s=0.1, poll=fake.poll)
    await runner.run_forever(metrics.append, cycles=2)
    assert len(calls) == 2 and len(metrics) == 1 and len(fake.recorded) == 1


async def test_stop_ends_the_wait() -> None:
    stop = asyncio.Event()
    fake = Fake()
    runner = CycleRunner(fake.load, fake.record, interval_s=30, poll=fake.poll)
    task = asyncio.create_task(runner.run_forever(lambda m: None, stop))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert fake.recorded == []


@pytest.mark.parametrize(
    ("interval", "due_ticks"),
    [(60, [0, 1, 2, 3, 4, 5]), (30, [0, 1, 2, 3, 4, 5]), (0, [0, 1, 2, 3, 4, 5]),
     (300, [0, 5]), (120, [0, 2, 4]), (90, [0, 2, 3, 5])],
)  # fmt: skip
def test_which_devices_are_due_at_tick_t(interval: float, due_ticks: list[int]) -> None:
    base = 60
    start = cycle_of(1_800_000_000, base)  # a multiple of 300 s: tick 0 is due for everyone
    assert [t for t in range(6) if is_due(interval, start + t, base)] == due_ticks


async def test_a_cycle_polls_only_the_devices_due() -> None:
    fake = Fake(n=0)
    targets = [PollTarget(1, "127.0.0.1"), PollTarget(2, "127.0.0.1", interval_s=300)]
    fake.load = lambda shard, count: asyncio.sleep(0, targets)  # type: ignore[method-assign]
    runner = CycleRunner(fake.load, fake.record, interval_s=60, poll=fake.poll)
    due, not_due = await runner.run_cycle(30_000_000), await runner.run_cycle(30_000_001)
    assert [p.device_id for p in fake.recorded[0]] == [1, 2] and due.devices == 2
    assert [p.device_id for p in fake.recorded[1]] == [1] and not_due.devices == 1
