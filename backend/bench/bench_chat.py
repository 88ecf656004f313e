"""make bench-chat: room fan-out latency and reconnect gaps, embedded and on Redis.

CLIENTS signed-in users spread over ROOMS team channels (a file SQLite database in WAL, as in
embedded mode) talk through /ws/chat/<room>/ at RATE messages per second in total for SECONDS.
Each message carries its send time; every member's socket, the sender's included, records when
it arrived (fan-out latency: the send frame, the membership check, the store with its seq, the
broadcast through the channel layer, the frame out). A quarter of the clients drop their socket
mid-run and come back with `after_seq` a moment later; at the end every client must hold every
seq of its room exactly once (gaps counts what is missing or doubled).

The sockets are Channels' in-process communicators over the real ASGI application, so one
process carries the server and the clients: the measure is the server's path, not a network.
The run is made twice — the in-memory layer, then channels_redis on a redis-server started on a
free loopback port — each in its own process (settings pick the layer at start-up). Ends with
`RESULT clients=<c> rooms=<r> p95_ms=<worst of both> gaps=<sum of both>`.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent


@dataclass
class Client:
    room_id: int
    headers: list[tuple[bytes, bytes]]
    seqs: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    connected_at: float = 0.0
    online: bool = False
    ws: Any = None
    reader: asyncio.Task | None = None


def _seed(clients: int, rooms: int) -> list[Client]:
    from django.test import Client as HttpClient

    from webnet.customers.models import Customer, Membership
    from webnet.incidents import rooms as room_service
    from webnet.users.models import User

    tag = f"{time.time_ns():x}"
    customer = Customer.objects.create(name=f"Bench chat {tag}", slug=f"bench-chat-{tag}")
    owner = User.objects.create_user(f"bench-owner-{tag}")
    Membership.objects.create(user=owner, customer=customer, role="operator")
    users = []
    for i in range(clients):
        user = User.objects.create_user(f"bench-{tag}-{i}")
        Membership.objects.create(user=user, customer=customer, role="viewer")
        users.append(user)
    created = []
    for r in range(rooms):
        members = [u.pk for i, u in enumerate(users) if i % rooms == r]
        created.append(
            room_service.create_room(
                owner, customer, kind="team", name=f"room {r}", member_ids=members
            )
        )
    out = []
    for i, user in enumerate(users):
        http = HttpClient()
        http.force_login(user)
        cookie = f"sessionid={http.cookies['sessionid'].value}".encode()
        headers = [(b"cookie", cookie), (b"origin", b"http://127.0.0.1")]
        out.append(Client(created[i % rooms].pk, headers))
    return out


async def _read(client: Client) -> None:
    while True:
        frame = json.loads((await client.ws.receive_output(timeout=3600))["text"])
        if frame["type"] != "messages":
            continue
        now = time.perf_counter()
        for message in frame["messages"]:
            client.seqs.append(message["seq"])
            sent = float(message["body"].removeprefix("t="))
            if sent >= client.connected_at:  # not a replay of what was sent while away
                client.latencies.append(now - sent)


async def _connect(client: Client, after_seq: int) -> None:
    from channels.testing import WebsocketCommunicator

    from webnet.asgi import application

    path = f"/ws/chat/{client.room_id}/?after_seq={after_seq}"
    client.ws = WebsocketCommunicator(application, path, headers=client.headers)
    client.connected_at = time.perf_counter()
    connected, code = await client.ws.connect(timeout=30)
    if not connected:
        raise SystemExit(f"refused with {code}")
    client.reader = asyncio.create_task(_read(client))
    client.online = True


async def _hang_up(client: Client) -> None:
    assert client.reader is not None
    client.online = False
    client.reader.cancel()
    await client.ws.disconnect()


async def _reconnect(client: Client, delay: float) -> None:
    await _hang_up(client)
    await asyncio.sleep(delay)
    await _connect(client, max(client.seqs, default=0))


async def _drive(clients: list[Client], rate: float, seconds: float) -> dict[str, Any]:
    from channels.db import database_sync_to_async

    from webnet.incidents.models import Room

    for client in clients:
        await _connect(client, 0)
    rng = random.Random(7)
    leavers = rng.sample(clients, len(clients) // 4)
    total = int(rate * seconds)
    start = time.perf_counter()
    reconnects: list[asyncio.Task] = []
    for n in range(total):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        sender = next(c for c in clients[n % len(clients) :] + clients if c.online)
        await sender.ws.send_json_to({"type": "message", "body": f"t={time.perf_counter()}"})
        if n == total // 3:  # a quarter of the clients drop and come back during the middle third
            reconnects = [
                asyncio.create_task(_reconnect(c, rng.uniform(0.5, seconds / 3))) for c in leavers
            ]
    await asyncio.gather(*reconnects)
    last = await database_sync_to_async(
        lambda: dict(
            Room.objects.filter(pk__in={c.room_id for c in clients}).values_list("pk", "last_seq")
        )
    )()
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and any(len(c.seqs) < last[c.room_id] for c in clients):
        await asyncio.sleep(0.2)
    for client in clients:
        await _hang_up(client)
    gaps = sum(
        last[c.room_id]
        - len(set(c.seqs) & set(range(1, last[c.room_id] + 1)))
        + (len(c.seqs) - len(set(c.seqs)))
        for c in clients
    )
    latencies = sorted(x for c in clients for x in c.latencies)
    return {
        "messages": sum(last.values()),
        "received": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "reconnects": len(leavers),
        "gaps": gaps,
    }


def run_layer(args: argparse.Namespace) -> None:
    """One measured run in this process (the layer is whatever settings chose)."""
    sys.path.insert(0, str(BACKEND))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    import django

    django.setup()
    clients = _seed(args.clients, args.rooms)
    result = asyncio.run(_drive(clients, args.rate, args.seconds))
    print("LAYER " + json.dumps(result), flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def _child(args: argparse.Namespace, env: dict[str, str], layer: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--layer", layer]
    for name in ("clients", "rooms", "rate", "seconds"):
        command += [f"--{name}", str(getattr(args, name))]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("LAYER "))
    return json.loads(line.removeprefix("LAYER "))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--layer", choices=["memory", "redis"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.layer:
        run_layer(args)
        return
    root = Path(tempfile.mkdtemp(prefix="webnet-bench-chat-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(BACKEND),
        "WEBNET_STATE_DIR": str(root / "state"),
        "DATABASE_URL": f"sqlite:///{root / 'chat.sqlite3'}",
        "REDIS_URL": "",
    }
    redis = None
    try:
        manage = [sys.executable, str(BACKEND / "manage.py"), "migrate", "--no-input", "-v0"]
        subprocess.run(manage, env=env, check=True)
        results = {"memory": _child(args, env, "memory")}
        port = _free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(root)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_port(port)
        results["redis"] = _child(
            args, {**env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}, "redis"
        )
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
    for layer, result in results.items():
        print(f"{layer}: " + " ".join(f"{k}={v}" for k, v in result.items()))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    p95 = max(r["p95_ms"] for r in results.values())
    gaps = sum(r["gaps"] for r in results.values())
    print(f"RESULT clients={args.clients} rooms={args.rooms} p95_ms={p95} gaps={gaps}")


if __name__ == "__main__":
    main()
