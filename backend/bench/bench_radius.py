"""`make bench-radius`: Access-Requests/s and p99 of FreeRADIUS on webnet's schema.

Usage: python bench/bench_radius.py [--users 1000] [--requests 20000] [--parallel 64] [--postgres]

A fresh state directory (SQLite, or with --postgres a throwaway PostgreSQL; migrated), two
customers with the same `--users` usernames (customer isolation in every query is part of the
cost), one NAS on 127.0.0.1. Two Debian FreeRADIUS servers, each rendered by webnet's radiusconf:
rlm_sql on webnet's tables (authorize from radcheck/radreply/radusergroup and the groups; rejects
logged to radpostauth), and the no-database peer with the same users in a `files` users file.
Load is `radclient -p 64` (freeradius-utils) over `--requests` PAP requests with a
Message-Authenticator; every reply must be an Access-Accept.
p99 is measured while the load runs by a probe that sends one request every 10 ms (pyrad).
Ends with one machine-readable line:

    RESULT webnet_rps=<x> peer_rps=<y> ratio=<x/y> p99_ms=<p>
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-1"


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
    from webnet.aaa import provisioning
    from webnet.aaa.models import Nas
    from webnet.customers.models import Customer

    mine, other = (Customer.objects.create(name=n, slug=n) for n in ("bench", "bench-other"))
    nas = Nas(customer=mine, name="bng", nasname="127.0.0.1")
    nas.set_secret(SECRET)
    nas.save()
    for customer in (mine, other):
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


class Probe(threading.Thread):
    """One Access-Request at a time, every 10 ms, while the load runs: latency under load."""

    def __init__(self, port: int, users: int) -> None:
        super().__init__(daemon=True)
        self.port, self.users = port, users
        self.latencies: list[float] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        from pyrad import packet
        from pyrad.client import Client, Timeout

        from webnet.drivers import radius

        client = Client("127.0.0.1", authport=self.port, secret=SECRET.encode())
        client.dict, client.retries, client.timeout = radius.dictionary(), 1, 1.0
        k = 0
        while not self.stopping.is_set():
            k += 1
            request = client.CreateAuthPacket(code=packet.AccessRequest)
            request["User-Name"] = f"user{k % self.users}"
            request["User-Password"] = request.PwCrypt(f"pw{k % self.users}-bench")
            request.add_message_authenticator()
            began = time.perf_counter()
            try:
                client.SendPacket(request)
                self.latencies.append((time.perf_counter() - began) * 1000)
            except Timeout:
                self.latencies.append(1000.0)
            time.sleep(0.01)


def load(port: int, requests: Path, parallel: int, users: int) -> tuple[float, float, str]:
    """(requests per second, probe p99 in ms, radclient's summary) of one radclient run."""
    probe = Probe(port, users)
    probe.start()
    began = time.perf_counter()
    radclient = ["radclient", "-q", "-s", "-p", str(parallel), "-r", "3", "-t", "2"]
    done = subprocess.run(
        [*radclient, "-f", str(requests), f"127.0.0.1:{port}", "auth", SECRET],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - began
    probe.stopping.set()
    probe.join()
    count = sum(1 for line in requests.read_text().split("\n\n") if line.strip())
    accepted = re.search(r"Accepted\s*:\s*(\d+)", done.stdout)
    if accepted is None or int(accepted.group(1)) != count:
        raise SystemExit(f"not every request was accepted:\n{done.stdout}{done.stderr}")
    latencies = sorted(probe.latencies)
    p99 = latencies[int(len(latencies) * 0.99)] if latencies else float("nan")
    return count / elapsed, p99, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--parallel", type=int, default=64)
    parser.add_argument("--threads", type=int, default=4, help="FreeRADIUS worker threads")
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
                threads=args.threads,
            ),
            "peer": start(
                state / "radius-files",
                clients=radius_clients(),
                auth_port=ports["peer"][0],
                acct_port=ports["peer"][1],
                users=users_file(args.users),
                threads=args.threads,
            ),
        }
        results = {}
        try:
            for name in ("webnet", "peer"):
                rps, p99, summary = load(ports[name][0], requests, args.parallel, args.users)
                results[name] = (rps, p99)
                print(f"{name}: {rps:.0f} Access-Requests/s, probe p99 {p99:.1f} ms")
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
