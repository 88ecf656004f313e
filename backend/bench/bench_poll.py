"""Poller benchmark: N SNMP devices × 24 interfaces, polled by webnet's core for several cycles,
then by a peer — Debian's `snmpbulkwalk`, 50 devices at a time — over the same agents.

    cd backend && ../.venv/bin/python bench/bench_poll.py --count 1000

Agent sources (`--source`):
  snmpd    Debian's net-snmp agents (default until the lab's agents land): the bench re-runs itself
           inside a network namespace it creates, with 12 veth pairs (24 interfaces besides lo);
           each device is its own 127.1.x.y address, answered by a few snmpd processes
           listening on the namespace's wildcard. Nothing leaves that namespace.
  lab      the lab's own SNMP agents (webnet/lab/snmp): `--agents` lab processes
           (`python -m webnet.lab --snmp --ports 24`), each running its share of the devices'
           agents on one event loop, on ephemeral loopback ports read back from the inventory
           CSV each writes; values follow each device's simulated state.
  snmpsim  snmpsim processes serving the 24-port walk of webnet/tests/monitoring/agents.py on
           loopback ports (a Python agent, ~300 ms CPU per device poll: a few devices, low
           concurrency, e.g. --count 20 --agents 10 --concurrency 10 --timeout 5).

Both sides read the same data: system group, IF-MIB ifTable/ifXTable, HOST-RESOURCES storage
and processor load. webnet walks only the columns it stores; the peer walks the five subtrees a
script would (system, ifTable, ifXTable, hrStorageTable, hrProcessorLoad), one process each.
CPU is the poller's own (its process and its fping children) or the peer's processes', never the
agents'; the agents' CPU is printed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import functools
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BACKEND))

from webnet.monitoring.poller.cycle import CycleMetrics, CycleRunner  # noqa: E402
from webnet.monitoring.poller.snmp import poll_devices  # noqa: E402
from webnet.monitoring.poller.types import DevicePoll, PollTarget, SnmpAuth  # noqa: E402
from webnet.tests.monitoring import agents  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
PEER_ROOTS = (
    "1.3.6.1.2.1.1",
    "1.3.6.1.2.1.2.2",
    "1.3.6.1.2.1.31.1.1",
    "1.3.6.1.2.1.25.2.3",
    "1.3.6.1.2.1.25.3.3.1.2",
)
PARTS = frozenset({"system", "interfaces", "cpu_mem"})


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def own_cpu() -> float:
    """This process's CPU seconds plus its waited-for children's (fping, snmpbulkwalk)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else (values or [0.0])[0]


# ---------------------------------------------------------------- agent sources


@contextlib.contextmanager
def snmpd_agents(count: int, processes: int) -> Iterator[tuple[list[tuple[str, int]], list[int]]]:
    """(device endpoints, agent pids): `processes` snmpd on ports 161, 1161, ...; devices spread
    over them, each on its own loopback address of this (namespaced) host."""
    workdir = Path(tempfile.mkdtemp(prefix="webnet-bench-snmpd-"))
    procs = []
    try:
        for n in range(processes):
            d = workdir / str(n)
            d.mkdir()
            (d / "snmpd.conf").write_text("rocommunity public 127.0.0.0/8\nsysName bench-snmpd\n")
            procs.append(
                subprocess.Popen(
                    ["snmpd", "-f", "-Ln", "-C", "-c", str(d / "snmpd.conf"),
                     "-p", str(d / "pid"), f"udp:0.0.0.0:{161 + 1000 * n}"],
                    env={**os.environ, "SNMP_PERSISTENT_DIR": str(d), "MIBS": ""},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        endpoints = [
            (f"127.1.{i // 250}.{i % 250 + 1}", 161 + 1000 * (i % processes)) for i in range(count)
        ]
        for host, port in endpoints[:processes]:
            agents.wait_answering(host, port, "public", 20)
        yield endpoints, [p.pid for p in procs]
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def snmpsim_agents(count: int, processes: int) -> Iterator[tuple[list[tuple[str, int]], list[int]]]:
    ports = agents.free_udp_ports(count)
    share = math.ceil(count / processes)
    with contextlib.ExitStack() as stack:
        sims = [
            stack.enter_context(
                agents.snmpsim(
                    Path(stack.enter_context(tempfile.TemporaryDirectory())),
                    ports[i : i + share],
                )
            )
            for i in range(0, count, share)
        ]
        yield [("127.0.0.1", p) for p in ports], [s.proc.pid for s in sims]


@contextlib.contextmanager
def lab_agents(count: int, processes: int) -> Iterator[tuple[list[tuple[str, int]], list[int]]]:
    """(device endpoints, lab pids): lab processes with SNMP agents, `count` devices in all."""
    share = math.ceil(count / processes)
    workdir = Path(tempfile.mkdtemp(prefix="webnet-bench-lab-"))
    procs: list[subprocess.Popen] = []
    try:
        for n, first in enumerate(range(0, count, share)):
            state = workdir / str(n)
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "webnet.lab", "--count", str(min(share, count - first)),
                     "--ports", "24", "--snmp", "--hostname-prefix", f"L{n}-",
                     "--state-dir", str(state)],
                    cwd=BACKEND, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        endpoints: list[tuple[str, int]] = []
        for n in range(len(procs)):
            endpoints += _lab_endpoints(workdir / str(n) / "inventory.csv", procs[n])
        for host, port in endpoints[: len(procs)]:
            agents.wait_answering(host, port, "public", 20)
        yield endpoints, [p.pid for p in procs]
    finally:
        for p in procs:
            p.terminate()
            p.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)


def _lab_endpoints(inventory: Path, proc: subprocess.Popen) -> list[tuple[str, int]]:
    """The SNMP (host, port) of every device in a lab's inventory, once the lab has written it."""
    deadline = time.monotonic() + 300
    while not inventory.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the lab did not start (exit {proc.returncode})")
        time.sleep(0.2)
    with inventory.open() as rows:
        return [(row["snmp_host"], int(row["snmp_port"])) for row in csv.DictReader(rows)]


SOURCES = {"snmpd": snmpd_agents, "snmpsim": snmpsim_agents, "lab": lab_agents}


def namespaced(argv: list[str]) -> int:
    """Re-run this bench inside a fresh network namespace with 24 veth interfaces."""
    ns = f"webnet-bench-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        for i in range(12):
            subprocess.run(
                ["ip", "-n", ns, "link", "add", f"eth{2 * i}", "type", "veth",
                 "peer", "name", f"eth{2 * i + 1}"],
                check=True,
            )  # fmt: skip
            for end in (2 * i, 2 * i + 1):
                subprocess.run(["ip", "-n", ns, "link", "set", f"eth{end}", "up"], check=True)
        cmd = ["ip", "netns", "exec", ns, sys.executable, __file__, *argv, "--in-netns"]
        return subprocess.run(cmd).returncode
    finally:
        subprocess.run(["ip", "netns", "del", ns])


# ---------------------------------------------------------------- the two pollers


async def run_webnet(
    targets: list[PollTarget], cycles: int, interval: float, concurrency: int
) -> tuple[list[CycleMetrics], list[DevicePoll], float]:
    polls: list[DevicePoll] = []

    async def load(shard: int, shard_count: int) -> list[PollTarget]:
        return targets

    async def record(batch: list[DevicePoll]) -> None:
        polls.extend(batch)

    runner = CycleRunner(
        load, record, interval_s=interval,
        poll=functools.partial(poll_devices, concurrency=concurrency),
    )  # fmt: skip
    await poll_devices(targets[:10], 0)  # warm-up: imports, first sockets
    metrics: list[CycleMetrics] = []
    cpu0 = own_cpu()
    await runner.run_forever(metrics.append, cycles=cycles)
    return metrics, polls, own_cpu() - cpu0


async def run_peer(
    endpoints: list[tuple[str, int]], concurrency: int, timeout: float, retries: int
) -> tuple[float, list[float], int, int, float]:
    """(cycle s, per-device s, varbinds, devices with an error, CPU s of the walks)."""
    sem = asyncio.Semaphore(concurrency)
    times: list[float] = []
    varbinds = errors = 0

    async def device(host: str, port: int) -> None:
        nonlocal varbinds, errors
        async with sem:
            start, failed = time.monotonic(), False
            for root in PEER_ROOTS:
                proc = await asyncio.create_subprocess_exec(
                    "snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Cr30",
                    "-t", str(timeout), "-r", str(retries), f"{host}:{port}", root,
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
                out, _ = await proc.communicate()
                varbinds += out.count(b"\n")
                failed |= proc.returncode != 0
            errors += failed
            times.append(time.monotonic() - start)

    cpu0, start = own_cpu(), time.monotonic()
    await asyncio.gather(*(device(h, p) for h, p in endpoints))
    return time.monotonic() - start, times, varbinds, errors, own_cpu() - cpu0


# ---------------------------------------------------------------- main


async def bench(args: argparse.Namespace) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    source = SOURCES[args.source]
    with source(args.count, args.agents) as (endpoints, agent_pids):
        targets = [
            PollTarget(device_id=i + 1, address=h, port=p, auth=SnmpAuth(community="public"),
                       parts=PARTS, timeout_s=args.timeout, retries=args.retries)
            for i, (h, p) in enumerate(endpoints)
        ]  # fmt: skip
        print(f"{len(targets)} devices ({args.source}, {len(agent_pids)} agent processes), "
              f"{args.cycles} cycles every {args.interval:g}s, concurrency {args.concurrency}",
              flush=True)  # fmt: skip
        agent_cpu0 = sum(cpu_seconds(p) for p in agent_pids)
        metrics, polls, cpu = await run_webnet(
            targets, args.cycles, args.interval, args.concurrency
        )
        agent_cpu = sum(cpu_seconds(p) for p in agent_pids) - agent_cpu0
        durations = [p.finished_at - p.started_at for p in polls]
        errors = sum(p.outcome != "ok" for p in polls)
        for m in metrics:
            print(f"  webnet cycle {m.cycle}: {m.duration_s:.2f}s, {m.devices_per_s:.0f} dev/s, "
                  f"{m.varbinds_per_s:.0f} varbinds/s, {m.not_ok} not ok, lag {m.lag_s:.2f}s, "
                  f"missed {m.missed_cycles}", flush=True)  # fmt: skip
        n_polls = max(1, len(polls))
        cycle_s = max(m.duration_s for m in metrics)
        webnet_dps = statistics.mean(m.devices_per_s for m in metrics)
        webnet_vbs = statistics.mean(m.varbinds_per_s for m in metrics)
        missed = sum(m.missed_cycles for m in metrics)
        cpu_ms = 1000 * cpu / n_polls
        print(f"webnet: cycle {cycle_s:.2f}s (worst), {webnet_dps:.0f} devices/s, "
              f"{webnet_vbs:.0f} varbinds/s, CPU {cpu_ms:.2f} ms/device, "
              f"p95 device {p95(durations):.3f}s, missed cycles {missed}, errors {errors}; "
              f"agents' CPU {1000 * agent_cpu / n_polls:.2f} ms/device", flush=True)  # fmt: skip

        agent_cpu0 = sum(cpu_seconds(p) for p in agent_pids)
        peer_s, peer_times, peer_vb, peer_err, peer_cpu = await run_peer(
            endpoints, args.peer_concurrency, args.timeout, args.retries
        )
        agent_cpu = sum(cpu_seconds(p) for p in agent_pids) - agent_cpu0
        peer_dps = len(endpoints) / peer_s
        print(f"peer (snmpbulkwalk × {args.peer_concurrency}): cycle {peer_s:.2f}s, "
              f"{peer_dps:.0f} devices/s, {peer_vb / peer_s:.0f} varbinds/s, "
              f"CPU {1000 * peer_cpu / len(endpoints):.2f} ms/device, "
              f"p95 device {p95(peer_times):.3f}s, missed cycles "
              f"{int(peer_s // args.interval)}, errors {peer_err}; agents' CPU "
              f"{1000 * agent_cpu / len(endpoints):.2f} ms/device", flush=True)  # fmt: skip
    print(f"RESULT n={args.count} webnet_dps={webnet_dps:.1f} peer_dps={peer_dps:.1f} "
          f"vs_peer={webnet_dps / peer_dps:.2f} cycle_s={cycle_s:.2f} "
          f"cpu_ms_per_device={cpu_ms:.2f} missed_cycles={missed} "
          f"poll_errors={errors}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--source", choices=sorted(SOURCES), default="snmpd")
    parser.add_argument("--agents", type=int, default=10, help="agent processes")
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--interval", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--peer-concurrency", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--retries", type=int, default=1)
    parser.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.source == "snmpd" and not args.in_netns:
        return namespaced(sys.argv[1:])
    asyncio.run(bench(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
