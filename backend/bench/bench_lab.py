"""Device-lab benchmark: N simulated devices in one process, N asyncssh clients against them.

    cd backend && ../.venv/bin/python bench/bench_lab.py --count 1000 --concurrency 100

The simulator runs as a separate process (`python -m webnet.lab`) so its CPU seconds and RSS are
measured from /proc apart from the clients'. Reports startup time, idle CPU, handshake rate,
per-command round trip (one session, unloaded) and simulator CPU per command under load.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

BACKEND = Path(__file__).resolve().parents[1]
PROMPT = re.compile(r"[\w./:@-]+(?:\([\w.-]+\))?[>#] ?$")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Session:
    def __init__(self, conn, proc) -> None:
        self.conn, self.proc, self.buf = conn, proc, ""

    async def until_prompt(self) -> str:
        while not PROMPT.search(self.buf):
            data = await self.proc.stdout.read(65536)
            if not data:
                raise EOFError(self.buf)
            self.buf += data
        out, self.buf = self.buf, ""
        return out

    async def run(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        return await self.until_prompt()


async def open_session(row: dict, username: str, password: str) -> Session:
    conn = await asyncssh.connect(
        row["management_host"],
        int(row["port"]),
        username=username,
        password=password,
        known_hosts=None,
    )
    proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
    session = Session(conn, proc)
    await session.until_prompt()
    await session.run(
        "set cli screen-length 0" if row["platform"] == "juniper_junos" else "terminal length 0"
    )
    return session


async def bench(args: argparse.Namespace) -> dict:
    state = Path(tempfile.mkdtemp(prefix="bench-lab-"))
    cmd = [
        sys.executable,
        "-m",
        "webnet.lab",
        "--count",
        str(args.count),
        "--state-dir",
        str(state),
        "--seed",
        "1",
    ]
    if args.platforms:
        cmd += ["--platforms", args.platforms]
    env = {**os.environ, "PYTHONPATH": str(BACKEND)}
    t0 = time.perf_counter()
    sim = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    pid_file = state / "lab.pid"
    while not pid_file.exists():
        if sim.poll() is not None:
            raise SystemExit("lab failed to start")
        await asyncio.sleep(0.05)
    startup = time.perf_counter() - t0
    rows = list(csv.DictReader((state / "inventory.csv").read_text().splitlines()))
    r = {"devices": len(rows), "startup_s": startup, "rss_started_mb": rss_mb(sim.pid)}
    try:
        c0 = cpu_seconds(sim.pid)
        await asyncio.sleep(args.idle_seconds)
        r["idle_cpu_pct"] = 100 * (cpu_seconds(sim.pid) - c0) / args.idle_seconds

        # handshakes: N connections + shells, bounded concurrency
        sem = asyncio.Semaphore(args.concurrency)

        async def connect(row):
            async with sem:
                return await open_session(row, args.username, args.password)

        c0, t = cpu_seconds(sim.pid), time.perf_counter()
        sessions = await asyncio.gather(*(connect(row) for row in rows))
        elapsed = time.perf_counter() - t
        r["handshake_s"] = elapsed
        r["handshakes_per_s"] = len(rows) / elapsed
        r["sim_cpu_per_handshake_ms"] = 1000 * (cpu_seconds(sim.pid) - c0) / len(rows)
        r["rss_connected_mb"] = rss_mb(sim.pid)

        # unloaded per-command round trip on one session (show version)
        one = sessions[0]
        rtts = []
        for _ in range(args.rtt_samples):
            t = time.perf_counter()
            await one.run("show version")
            rtts.append(1000 * (time.perf_counter() - t))
        rtts.sort()
        r["rtt_p50_ms"] = statistics.median(rtts)
        r["rtt_p95_ms"] = rtts[int(len(rtts) * 0.95) - 1]

        # loaded: every session runs K commands; simulator CPU per command
        async def work(s: Session):
            async with sem:
                for _ in range(args.commands):
                    await s.run("show version")

        c0, t = cpu_seconds(sim.pid), time.perf_counter()
        await asyncio.gather(*(work(s) for s in sessions))
        elapsed = time.perf_counter() - t
        total = len(sessions) * args.commands
        r["commands_per_s"] = total / elapsed
        r["sim_cpu_per_command_ms"] = 1000 * (cpu_seconds(sim.pid) - c0) / total
        r["rss_after_commands_mb"] = rss_mb(sim.pid)
        for s in sessions:
            s.conn.close()
        await asyncio.sleep(1)
        c0 = cpu_seconds(sim.pid)
        await asyncio.sleep(args.idle_seconds)
        r["idle_cpu_after_pct"] = 100 * (cpu_seconds(sim.pid) - c0) / args.idle_seconds
        r["sim_cpu_total_s"] = cpu_seconds(sim.pid)
    finally:
        sim.terminate()
        sim.wait(30)
    return r


LABELS = [
    ("devices", "devices", "{:.0f}"),
    ("startup_s", "startup (process start to PID file)", "{:.2f} s"),
    ("rss_started_mb", "simulator RSS, started, idle", "{:.0f} MB"),
    ("idle_cpu_pct", "simulator CPU while idle", "{:.2f} %"),
    ("handshakes_per_s", "SSH handshakes + shell (login to prompt)", "{:.0f} /s"),
    ("handshake_s", "  time to connect all clients", "{:.1f} s"),
    ("sim_cpu_per_handshake_ms", "  simulator CPU per handshake", "{:.2f} ms"),
    ("rss_connected_mb", "simulator RSS, all clients connected", "{:.0f} MB"),
    ("rtt_p50_ms", "command round trip, 1 session (p50)", "{:.2f} ms"),
    ("rtt_p95_ms", "command round trip, 1 session (p95)", "{:.2f} ms"),
    ("commands_per_s", "commands/s, all sessions busy", "{:.0f} /s"),
    ("sim_cpu_per_command_ms", "  simulator CPU per command", "{:.3f} ms"),
    ("rss_after_commands_mb", "simulator RSS after commands", "{:.0f} MB"),
    ("idle_cpu_after_pct", "simulator CPU idle again", "{:.2f} %"),
    ("sim_cpu_total_s", "simulator CPU seconds, whole run", "{:.1f} s"),
]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--platforms", default="")
    p.add_argument("--concurrency", type=int, default=100)
    p.add_argument("--commands", type=int, default=5, help="commands per session under load")
    p.add_argument("--rtt-samples", type=int, default=200)
    p.add_argument("--idle-seconds", type=float, default=5.0)
    p.add_argument("--username", default="admin")
    p.add_argument("--password", default="admin")
    args = p.parse_args()
    result = asyncio.run(bench(args))
    width = max(len(label) for _, label, _ in LABELS)
    print(f"\nwebnet device lab benchmark (concurrency {args.concurrency}, {os.cpu_count()} CPUs)")
    print("-" * (width + 14))
    for key, label, fmt in LABELS:
        if key in result:
            print(f"{label:<{width}}  {fmt.format(result[key]):>11}")


if __name__ == "__main__":
    main()
