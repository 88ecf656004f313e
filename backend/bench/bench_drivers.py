"""Micro-benchmark: webnet.drivers vs a bare asyncssh floor, backing up a lab fleet.

    python bench/bench_drivers.py --count 300 --concurrency 150 --latency 0 --latency 50

For each latency a lab runs in a *subprocess* (`python -m webnet.lab`), so the CPU seconds
printed are the client's own. Both clients log in, enable where the prompt says so, disable
paging and read the running configuration of every device with bounded concurrency:

  floor      asyncssh.connect + create_process + prompt regex on the stream; `terminal length 0`
             only; output neither cleaned nor checked; asyncssh's default algorithms
  floor+gcm  the same with the driver's cipher preference (AES-GCM first)
  driver     webnet.drivers.open_session(...).get_running_config(): host key check (TOFU),
             the platform's full setup (paging + width), echo/prompt stripping, garbage and
             rejection checks
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncssh

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webnet.drivers import ConnectParams, DriverError, Timeouts, open_session
from webnet.drivers.transport import PREFERRED_CIPHERS

PROMPT = re.compile(rb"(?:[\w.\-/:]+(?:\([\w.\-]+\))?[>#]|\w+@[\w.\-]+[>#]) ?$")
PAGING = {"juniper_junos": "set cli screen-length 0"}
CONFIG = {"juniper_junos": "show configuration | display set"}


@dataclass(frozen=True)
class Device:
    hostname: str
    host: str
    port: int
    platform: str


@dataclass
class Run:
    name: str
    latency: float
    wall: float
    cpu: float
    ok: int
    failed: int
    errors: dict[str, int]

    def line(self, n: int) -> str:
        return (
            f"{self.name:<9} latency={self.latency:>3g}ms  n={n}  wall={self.wall:6.2f}s  "
            f"devices/s={n / self.wall:7.1f}  client_cpu={self.cpu:6.2f}s  "
            f"cpu/session={1000 * self.cpu / n:5.2f}ms  failed={self.failed} {self.errors or ''}"
        )


# ---- the two clients --------------------------------------------------------------------------
async def _read_prompt(proc: asyncssh.SSHClientProcess, timeout: float = 30) -> bytes:
    buf = bytearray()
    async with asyncio.timeout(timeout):
        while True:
            chunk = await proc.stdout.read(65536)
            if not chunk:
                raise ConnectionError("eof")
            buf += chunk
            if PROMPT.search(buf[-256:]):
                return bytes(buf)


async def floor_backup(dev: Device, **algs: str) -> int:
    async with asyncssh.connect(
        dev.host, dev.port, username="admin", password="admin", known_hosts=None, **algs
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(511, 1000), encoding=None)
        first = await _read_prompt(proc)
        if first.rstrip().endswith(b">") and dev.platform != "juniper_junos":
            proc.stdin.write(b"enable\n")
            out = await _read_prompt_or_password(proc)
            if out.rstrip().endswith(b":"):
                proc.stdin.write(b"enable\n")
                await _read_prompt(proc)
        proc.stdin.write(PAGING.get(dev.platform, "terminal length 0").encode() + b"\n")
        await _read_prompt(proc)
        proc.stdin.write(CONFIG.get(dev.platform, "show running-config").encode() + b"\n")
        return len(await _read_prompt(proc))


async def floor_gcm_backup(dev: Device) -> int:
    """The floor with the driver's cipher preference, to separate that gain from the rest."""
    return await floor_backup(dev, encryption_algs=PREFERRED_CIPHERS)


async def _read_prompt_or_password(proc: asyncssh.SSHClientProcess) -> bytes:
    buf = bytearray()
    while not (PROMPT.search(buf[-256:]) or buf.rstrip().endswith(b"Password:")):
        chunk = await proc.stdout.read(65536)
        if not chunk:
            raise ConnectionError("eof")
        buf += chunk
    return bytes(buf)


async def driver_backup(dev: Device) -> int:
    params = ConnectParams(
        host=dev.host,
        port=dev.port,
        platform=dev.platform,
        username="admin",
        password="admin",
        enable_secret="enable",
        timeouts=Timeouts(connect=30, auth=30, command=30),
    )
    async with open_session(params) as session:
        return len(await session.get_running_config())


CLIENTS: tuple[tuple[str, Callable[[Device], Awaitable[int]]], ...] = (
    ("floor", floor_backup),
    ("floor+gcm", floor_gcm_backup),
    ("driver", driver_backup),
)


async def run_all(
    name: str, fn: Callable[[Device], Awaitable[int]], devices: list[Device], limit: int, lat: float
) -> Run:
    sem = asyncio.Semaphore(limit)
    errors: dict[str, int] = {}

    async def one(dev: Device) -> bool:
        async with sem:
            try:
                await fn(dev)
                return True
            except (DriverError, OSError, asyncssh.Error, TimeoutError) as exc:
                code = getattr(exc, "code", type(exc).__name__)
                errors[code] = errors.get(code, 0) + 1
                return False

    cpu0, t0 = time.process_time(), time.perf_counter()
    results = await asyncio.gather(*(one(d) for d in devices))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    ok = sum(results)
    return Run(name, lat, wall, cpu, ok, len(devices) - ok, errors)


# ---- the lab subprocess -----------------------------------------------------------------------
def start_lab(count: int, latency: float, state: Path) -> tuple[subprocess.Popen, list[Device]]:
    inventory = state / "inventory.csv"
    inventory.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "webnet.lab", "--count", str(count), "--state-dir", str(state)]
    cmd += ["--latency-ms", str(latency)]
    proc = subprocess.Popen(
        cmd, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL, env=os.environ
    )
    deadline = time.monotonic() + 120
    while not inventory.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the lab did not start")
        time.sleep(0.1)
    with inventory.open() as fh:
        rows = list(csv.DictReader(fh))
    devices = [
        Device(r["hostname"], r["management_host"], int(r["port"]), r["platform"]) for r in rows
    ]
    return proc, devices


def stop_lab(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


async def bench(args: argparse.Namespace) -> list[Run]:
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-drivers-") as tmp:
        for latency in args.latency:
            lab, devices = start_lab(args.count, latency, Path(tmp))
            try:
                await run_all("warmup", driver_backup, devices[:20], args.concurrency, latency)
                for _ in range(args.repeat):
                    for name, fn in CLIENTS:
                        run = await run_all(name, fn, devices, args.concurrency, latency)
                        print(run.line(len(devices)), flush=True)
                        runs.append(run)
            finally:
                stop_lab(lab)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=150)
    parser.add_argument("--latency", type=float, action="append", help="ms; repeatable")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    args.latency = args.latency or [0.0, 50.0]
    runs = asyncio.run(bench(args))
    for latency in args.latency:
        mine = [r for r in runs if r.latency == latency]
        best = {
            name: min((r for r in mine if r.name == name), key=lambda r: r.wall)
            for name, _ in CLIENTS
        }
        cpu = {name: sorted(r.cpu for r in mine if r.name == name) for name, _ in CLIENTS}
        med = {name: values[len(values) // 2] / args.count * 1000 for name, values in cpu.items()}
        f, g, d = best["floor"], best["floor+gcm"], best["driver"]
        print(
            f"RESULT latency={latency:g}ms n={args.count} conc={args.concurrency} "
            f"floor_dps={args.count / f.wall:.1f} floor_gcm_dps={args.count / g.wall:.1f} "
            f"driver_dps={args.count / d.wall:.1f} vs_floor_wall={d.wall / f.wall:.2f} "
            f"cpu_ms_per_session(median) floor={med['floor']:.2f} floor_gcm={med['floor+gcm']:.2f} "
            f"driver={med['driver']:.2f} failed={sum(r.failed for r in mine)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
