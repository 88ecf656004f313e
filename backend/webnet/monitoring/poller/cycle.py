"""The cycle runner: poll a shard's devices once per interval, aligned to the wall clock.

The runner ticks at the base interval (WEBNET_POLL_INTERVAL); a device whose profile has a longer
interval is polled only on the ticks where a multiple of its interval falls (wall-clock aligned,
so a 300 s profile is polled on every 5th 60 s tick, the same ticks on every worker).

A cycle's key is its start epoch // interval, the same on every worker, so storing a cycle is
idempotent and two workers can agree (through a lock outside this package) on who polls it. A
cycle that overruns its interval makes the runner skip the boundaries it ran past — counted as
missed cycles, never queued up behind each other.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from webnet.monitoring.poller.snmp import poll_devices
from webnet.monitoring.poller.types import DevicePoll, PollTarget

logger = logging.getLogger("webnet.monitoring")

LoadTargets = Callable[[int, int], Awaitable[list[PollTarget]]]  # (shard, shard_count)
RecordPolls = Callable[[list[DevicePoll]], Awaitable[None]]
Poll = Callable[[list[PollTarget], int], Awaitable[list[DevicePoll]]]


def shard_of(device_id: int, shard_count: int) -> int:
    """A device's shard: CRC-32 of its id, the same in every process (unlike `hash()`)."""
    return zlib.crc32(str(device_id).encode()) % shard_count


def cycle_of(epoch: float, interval_s: float) -> int:
    return int(epoch // interval_s)


def is_due(interval_s: float, cycle: int, base_s: float) -> bool:
    """Whether a device polled every `interval_s` is due on tick `cycle` of `base_s`: a multiple
    of its interval falls in the tick's window ((cycle - 1) × base, cycle × base]."""
    if interval_s <= base_s:
        return True
    return cycle_of(cycle * base_s, interval_s) != cycle_of((cycle - 1) * base_s, interval_s)


def due_targets(targets: list[PollTarget], cycle: int, base_s: float) -> list[PollTarget]:
    return [t for t in targets if is_due(t.interval_s, cycle, base_s)]


@dataclass(frozen=True, slots=True)
class CycleMetrics:
    shard: int
    cycle: int
    lag_s: float  # how late the shard started after the cycle's boundary
    duration_s: float
    devices: int
    varbinds: int
    not_ok: int  # outcome other than "ok"
    missed_cycles: int  # boundaries skipped because this cycle ran past them

    @property
    def devices_per_s(self) -> float:
        return self.devices / self.duration_s if self.duration_s else 0.0

    @property
    def varbinds_per_s(self) -> float:
        return self.varbinds / self.duration_s if self.duration_s else 0.0


class CycleRunner:
    """Runs one shard's cycles: load targets, poll them, record the results."""

    def __init__(
        self,
        load: LoadTargets,
        record: RecordPolls,
        *,
        interval_s: float,
        shard: int = 0,
        shard_count: int = 1,
        poll: Poll = poll_devices,
    ) -> None:
        self.load, self.record, self.poll = load, record, poll
        self.interval_s, self.shard, self.shard_count = interval_s, shard, shard_count

    async def run_cycle(self, cycle: int) -> CycleMetrics:
        """Poll the shard's devices due on `cycle` (whenever it is called: the caller owns the
        timing)."""
        started = time.time()
        targets = due_targets(await self.load(self.shard, self.shard_count), cycle, self.interval_s)
        polls = await self.poll(targets, cycle)
        await self.record(polls)
        finished = time.time()
        return CycleMetrics(
            shard=self.shard,
            cycle=cycle,
            lag_s=max(0.0, started - cycle * self.interval_s),
            duration_s=finished - started,
            devices=len(polls),
            varbinds=sum(p.varbinds for p in polls),
            not_ok=sum(p.outcome != "ok" for p in polls),
            missed_cycles=max(0, cycle_of(finished, self.interval_s) - cycle),
        )

    async def run_forever(
        self,
        on_metrics: Callable[[CycleMetrics], None],
        stop: asyncio.Event | None = None,
        cycles: int | None = None,
    ) -> None:
        """Cycles at each boundary until `stop` is set (or `cycles` have run). A boundary that
        passed while a cycle was still running is skipped: its cycle is missed, not late."""
        stop = stop or asyncio.Event()
        cycle = cycle_of(time.time(), self.interval_s) + 1
        done = 0
        while not stop.is_set() and (cycles is None or done < cycles):
            wait = cycle * self.interval_s - time.time()
            if wait > 0:
                try:
                    await asyncio.wait_for(stop.wait(), wait)
                    return
                except TimeoutError:
                    pass
            try:
                on_metrics(await self.run_cycle(cycle))
            except Exception:  # the loop outlives a failed cycle (e.g. the database restarting)
                logger.exception("poll cycle %s of shard %s failed", cycle, self.shard)
            done += 1
            cycle = max(cycle + 1, cycle_of(time.time(), self.interval_s) + 1)
