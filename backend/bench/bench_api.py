"""`make bench-api`: is the UI/API responsive while a big job runs in the embedded form?

Usage: python bench/bench_api.py --count 10000 [--requests 200]

Starts `manage.py serve` (embedded: SQLite, jobs in the job worker process beside the server;
`WEBNET_EXECUTOR=local` in the environment measures the in-process form instead) on a fresh state
directory with one customer of N devices on loopback addresses (127.x.y.z, port 1: nothing listens
there, so each device is refused at once — no traffic leaves the machine). Then it times
`GET /api/v1/devices/?page_size=50` over one keep-alive connection: first at rest, then while a
reachability job over all N devices runs, and ends with one machine-readable line:

    RESULT devices=<n> p95_rest_ms=<a> p95_busy_ms=<b> job_dps=<d>
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[1]
LIST = "/api/v1/devices/?page_size=50"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _loopback(index: int) -> str:
    """The index-th address of 127.1.0.0/16 and up (never 127.0.0.1, never a private range)."""
    return f"127.{1 + index // 65536}.{(index // 256) % 256}.{index % 256}"


def prepare(count: int) -> None:
    """In a fresh database: a customer, an admin with a token, N loopback devices; prints it."""
    import django

    sys.path.insert(0, str(BACKEND))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    django.setup()
    from django.core.management import call_command

    from webnet.core import crypto
    from webnet.customers.models import Customer, Membership
    from webnet.devices.models import Credential, Device
    from webnet.users import services as user_services
    from webnet.users.models import User

    call_command("migrate", verbosity=0)
    customer = Customer.objects.create(name="Bench", slug="bench")
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, customer=customer, role="admin")
    credential = Credential.objects.create(
        customer=customer, name="lab", username="admin", password_encrypted=crypto.encrypt("x")
    )
    Device.objects.bulk_create(
        [
            Device(
                customer=customer,
                hostname=f"bench-{index:05d}",
                management_host=_loopback(index),
                port=1,
                platform="cisco_ios",
                credential=credential,
            )
            for index in range(count)
        ],
        batch_size=2000,
    )
    _, raw = user_services.create_token(None, user=user, name="bench")
    print(json.dumps({"token": raw, "customer": customer.pk}))


class Client:
    """One keep-alive HTTP connection to the server, with the bench's token."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        start = time.perf_counter()
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        data = json.loads(response.read() or b"{}")
        return response.status, data, (time.perf_counter() - start) * 1000


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else float("nan")


def _serve(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def measure(port: int, token: str, customer: int, requests: int) -> dict[str, float]:
    client = Client(port, token)
    client.call("GET", LIST)  # warm up (first queries, templates, caches)
    rest = [client.call("GET", LIST)[2] for _ in range(requests)]
    status, job, _ = client.call(
        "POST",
        "/api/v1/jobs/",
        {"customer": customer, "kind": "devices.check_reachability", "targets": {"all": True}},
    )
    if status != 202:
        raise SystemExit(f"could not start the job: {status} {job}")
    busy: list[float] = []
    while True:
        busy.extend(client.call("GET", LIST)[2] for _ in range(10))
        _, state, _ = client.call("GET", f"/api/v1/jobs/{job['id']}/")
        if state["status"] not in ("queued", "running"):
            break
    started = state["started_at"] and _parse(state["started_at"])
    finished = _parse(state["finished_at"])
    seconds = finished - started if started else float("nan")
    return {
        "p95_rest_ms": p95(rest),
        "p95_busy_ms": p95(busy),
        "busy_samples": len(busy),
        "job_seconds": seconds,
        "job_status": state["status"],
    }


def _parse(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.count)
        return
    with tempfile.TemporaryDirectory(prefix="webnet-bench-api-") as state:
        env = {**os.environ, "WEBNET_STATE_DIR": state, "LOG_LEVEL": "ERROR"}
        for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
            env.pop(name, None)
        done = subprocess.run(
            [sys.executable, __file__, "--prepare", "--count", str(args.count)],
            cwd=BACKEND,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"prepare failed:\n{done.stderr[-3000:]}")
        setup = json.loads(done.stdout.strip().splitlines()[-1])
        port = _free_port()
        server = _serve(env, port)
        try:
            result = measure(port, setup["token"], setup["customer"], args.requests)
        finally:
            server.terminate()
            server.wait(timeout=30)
    dps = args.count / result["job_seconds"]
    print(
        f"\nGET {LIST} with {args.count} devices (embedded, SQLite, {os.cpu_count()} CPUs, "
        f"executor {os.environ.get('WEBNET_EXECUTOR', 'worker')}):"
        f"\n  at rest: p95 {result['p95_rest_ms']:.1f} ms over {args.requests} requests"
        f"\n  during a reachability job of every device: p95 {result['p95_busy_ms']:.1f} ms over "
        f"{int(result['busy_samples'])} requests; the job took {result['job_seconds']:.1f} s "
        f"({result['job_status']})"
    )
    print(
        f"RESULT devices={args.count} p95_rest_ms={result['p95_rest_ms']:.1f} "
        f"p95_busy_ms={result['p95_busy_ms']:.1f} job_dps={dps:.1f}"
    )


if __name__ == "__main__":
    main()
