"""`make bench-radius`: Access-Requests/s and p99 of FreeRADIUS on webnet's schema.

Usage: python bench/bench_radius.py [--users 1000] [--requests 20000] [--parallel 64] [--postgres]

A fresh state directory (SQLite, or with --postgres a throwaway PostgreSQL; migrated), two
customers with the same `--users` usernames (customer isolation in every query is part of the
cost), one NAS on 127.0.0.1. Two Debian FreeRADIUS servers, each rendered by webnet's radiusconf:
rlm_sql on webnet's tables (authorize from radcheck/radreply/radusergroup and the groups; rejects
logged to radpostauth), and the no-database peer with the same users in a `files` users file.
Both servers run the same number of worker threads (`--threads`, default radiusconf's for the
database, as `make radius` would). Load is `radclient -p 64` (freeradius-utils) over `--requests`
PAP requests with a Message-Authenticator; every reply must be an Access-Accept. Every request
and reply is timestamped by the kernel on loopback (AF_PACKET capture, so run as root): the rate
is timed requests over first request → last reply, p99 is over all of radclient's requests.
With 64 requests always in flight, mean latency is 64 / rate (Little's law), so p99 < 20 ms at
-p 64 needs > 3,200 requests/s. Ends with one machine-readable line:

    RESULT webnet_rps=<x> peer_rps=<y> ratio=<x/y> p99_ms=<p>
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import resource
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-1"
ETH_P_IP = 0x0800
PACKET_HOST = 0
SO_ATTACH_FILTER, SO_RCVBUFFORCE, SO_TIMESTAMPNS = 26, 33, 35  # Linux <asm/socket.h>


def start_postgres(state: Path) -> Path:
    """A throwaway PostgreSQL (scripts/pg-redis.sh) whose URL becomes DATABASE_URL."""
    services = state / "services"
    services.mkdir(parents=True, exist_ok=True)
    services.chmod(0o755)
    state.chmod(0o755)
    script = BACKEND.parent / "scripts" / "pg-redis.sh"
    lines = subprocess.run(
        ["bash", str(script), "start", str(services)], capture_output=True, text=True, check=True
    ).stdout
    url = re.search(r"DATABASE_URL=(\S+)", lines)
    assert url is not None, lines
    os.environ["DATABASE_URL"] = url.group(1)
    return services


def setup_django(state: Path) -> None:
    os.environ["WEBNET_STATE_DIR"] = str(state)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    sys.path.insert(0, str(BACKEND))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def provision(users: int) -> None:
    from django.db import transaction

    from webnet.aaa import provisioning
    from webnet.aaa.models import Nas
    from webnet.customers.models import Customer

    mine, other = (Customer.objects.create(name=n, slug=n) for n in ("bench", "bench-other"))
    nas = Nas(customer=mine, name="bng", nasname="127.0.0.1")
    nas.set_secret(SECRET)
    nas.save()
    for customer in (mine, other):
        with transaction.atomic():  # one commit per customer, not one per user
            for k in range(users):
                provisioning.apply_user(
                    customer,
                    f"user{k}",
                    check=[("Cleartext-Password", ":=", f"pw{k}-{customer.slug}")],
                    reply=[("Mikrotik-Rate-Limit", "=", "20M/20M")],
                    groups=["plan-20m"],
                )


def users_file(users: int) -> str:
    return "".join(
        f'user{k} Cleartext-Password := "pw{k}-bench"\n\tMikrotik-Rate-Limit = "20M/20M"\n\n'
        for k in range(users)
    )


def start(directory: Path, **render: object) -> subprocess.Popen:
    from webnet.aaa import radiusconf

    radiusconf.render(directory, **render)  # type: ignore[arg-type]
    log = directory / "log" / "radius.log"
    log.unlink(missing_ok=True)
    process = subprocess.Popen(["freeradius", "-f", "-d", str(directory)])
    deadline = time.monotonic() + 20
    while not (log.exists() and "Ready to process requests" in log.read_text()):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"freeradius in {directory} did not start")
        time.sleep(0.1)
    return process


class Timings(threading.Thread):
    """Every Access-Request to `port` and its reply, timed by the kernel as they cross loopback
    (an AF_PACKET socket with a BPF filter for the port, SO_TIMESTAMPNS): per-request latency
    of radclient's own requests, retransmissions included, and the window from the first request
    to the last reply (radclient's start-up and file parsing are outside it)."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.latencies: list[float] = []
        self.first = self.last = 0.0
        self.stopping = threading.Event()
        self.socket = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.socket.bind(("lo", 0))
        program = b"".join(struct.pack("HBBI", *op) for op in udp_port_filter(port))
        self._filter = ctypes.create_string_buffer(program)  # must outlive the socket
        fprog = struct.pack("HL", len(program) // 8, ctypes.addressof(self._filter))
        self.socket.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
        self.socket.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
        self.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.socket.settimeout(0.2)

    def run(self) -> None:
        sent: dict[tuple[int, int], float] = {}
        while not self.stopping.is_set():
            try:
                frame, ancillary, _flags, address = self.socket.recvmsg(2048, 64)
            except TimeoutError:
                continue
            if address[2] != PACKET_HOST or len(frame) < 36:  # each frame crosses lo twice
                continue
            seconds, nanoseconds = struct.unpack("qq", ancillary[0][2][:16])
            stamp = seconds + nanoseconds / 1e9
            header = 14 + (frame[14] & 0x0F) * 4
            source, destination = struct.unpack("!HH", frame[header : header + 4])
            code, ident = frame[header + 8], frame[header + 9]
            if destination == self.port and code == 1:  # Access-Request (first send kept)
                sent.setdefault((source, ident), stamp)
                self.first = self.first or stamp
            elif source == self.port and (began := sent.pop((destination, ident), None)):
                self.latencies.append((stamp - began) * 1000)
                self.last = stamp
        self.socket.close()


def udp_port_filter(port: int) -> list[tuple[int, int, int, int]]:
    """Classic BPF (as `tcpdump -dd 'ip and udp port P'` on an Ethernet-framed lo): IPv4, UDP,
    not a fragment, source or destination port P."""
    return [
        (0x28, 0, 0, 12),  # ldh [12]: ethertype
        (0x15, 0, 10, ETH_P_IP),
        (0x30, 0, 0, 23),  # ldb [23]: IP protocol
        (0x15, 0, 8, 17),  # UDP
        (0x28, 0, 0, 20),  # ldh [20]: fragment offset
        (0x45, 6, 0, 0x1FFF),
        (0xB1, 0, 0, 14),  # ldxb 4*([14]&0xf): IP header length
        (0x48, 0, 0, 14),  # ldh [x+14]: source port
        (0x15, 2, 0, port),
        (0x48, 0, 0, 16),  # ldh [x+16]: destination port
        (0x15, 0, 1, port),
        (0x06, 0, 0, 0x40000),  # accept
        (0x06, 0, 0, 0),  # drop
    ]


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (/proc/PID/stat utime and stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(port: int, requests: Path, parallel: int, server: int) -> tuple[float, float, str]:
    """(requests per second, p99 in ms, a summary) of one radclient run against the FreeRADIUS
    of PID `server`: both figures from the per-request timings, plus the CPU each side spent
    per request (which of them is the bottleneck on 2 cores)."""
    timings = Timings(port)
    timings.start()
    client_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = cpu_seconds(server)
    radclient = ["radclient", "-q", "-s", "-p", str(parallel), "-r", "3", "-t", "2"]
    done = subprocess.run(
        [*radclient, "-f", str(requests), f"127.0.0.1:{port}", "auth", SECRET],
        capture_output=True,
        text=True,
    )
    server_cpu = cpu_seconds(server) - server_cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = after.ru_utime + after.ru_stime - client_cpu.ru_utime - client_cpu.ru_stime
    time.sleep(0.3)  # the last replies reach the capture socket
    timings.stopping.set()
    timings.join()
    count = sum(1 for line in requests.read_text().split("\n\n") if line.strip())
    accepted = re.search(r"Accepted\s*:\s*(\d+)", done.stdout)
    if accepted is None or int(accepted.group(1)) != count:
        raise SystemExit(f"not every request was accepted:\n{done.stdout}{done.stderr}")
    latencies = sorted(timings.latencies)
    if len(latencies) < 0.99 * count:
        raise SystemExit(f"only {len(latencies)} of {count} requests were timed")
    rps = len(latencies) / (timings.last - timings.first)
    p99 = latencies[int(len(latencies) * 0.99)]
    summary = (
        f"{done.stdout.strip()}\ntimed {len(latencies)} requests: "
        f"p50 {latencies[len(latencies) // 2]:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f}"
        f" ms; {parallel} in flight / {rps:.0f} rps = {parallel / rps * 1000:.1f} ms mean"
        " (Little's law)\n"
        f"CPU per request: radclient {client_cpu / count * 1e6:.0f} µs, "
        f"freeradius {server_cpu / count * 1e6:.0f} µs"
    )
    return rps, p99, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--parallel", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0, help="FreeRADIUS worker threads")
    parser.add_argument("--state-dir", type=Path, help="keep (and reuse) the SQLite database here")
    parser.add_argument(
        "--postgres", action="store_true", help="webnet's schema on a throwaway PostgreSQL"
    )
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="bench-radius-") as tmp:
        state = args.state_dir or Path(tmp)
        services = start_postgres(state) if args.postgres else None
        fresh = args.postgres or not (state / "webnet.sqlite3").exists()
        t0 = time.perf_counter()
        setup_django(state)
        if fresh:
            provision(args.users)
        print(f"setup: migrated and {2 * args.users} users in {time.perf_counter() - t0:.1f} s")
        from webnet.aaa.nas import radius_clients, radius_database
        from webnet.aaa.radiusconf import default_threads

        threads = args.threads or default_threads(radius_database())
        print(f"{threads} worker threads; load average {os.getloadavg()[0]:.2f} at the start")

        requests = state / "requests.txt"
        requests.write_text(
            "".join(
                f'User-Name = "user{k % args.users}", '
                f'User-Password = "pw{k % args.users}-bench", Message-Authenticator = 0x00\n\n'
                for k in range(args.requests)
            )
        )
        ports = {"webnet": (18920, 18921), "peer": (18930, 18931)}
        servers = {
            "webnet": start(
                state / "radius-sql",
                clients=radius_clients(),
                auth_port=ports["webnet"][0],
                acct_port=ports["webnet"][1],
                database=radius_database(),
                threads=threads,
            ),
            "peer": start(
                state / "radius-files",
                clients=radius_clients(),
                auth_port=ports["peer"][0],
                acct_port=ports["peer"][1],
                users=users_file(args.users),
                threads=threads,
            ),
        }
        results = {}
        try:
            for name in ("webnet", "peer"):
                port, server = ports[name][0], servers[name].pid
                rps, p99, summary = load(port, requests, args.parallel, server)
                results[name] = (rps, p99)
                print(f"{name}: {rps:.0f} Access-Requests/s, p99 {p99:.1f} ms")
                print("  " + summary.replace("\n", "\n  "))
        finally:
            for process in servers.values():
                process.terminate()
                process.wait(timeout=10)
            if services is not None:
                script = BACKEND.parent / "scripts" / "pg-redis.sh"
                subprocess.run(["bash", str(script), "stop", str(services)], check=False)
        load_avg = os.getloadavg()[0]
        print(f"load average (1 min) at the end: {load_avg:.2f} on {os.cpu_count()} CPUs")
        webnet_rps, peer_rps = results["webnet"][0], results["peer"][0]
        print(
            f"RESULT webnet_rps={webnet_rps:.0f} peer_rps={peer_rps:.0f} "
            f"ratio={webnet_rps / peer_rps:.2f} p99_ms={results['webnet'][1]:.1f}"
        )


if __name__ == "__main__":
    main()
