"""`make bench-events`: a trap storm through the receiver into deduplicated alarms.

Usage: python bench/bench_events.py [--traps 10000] [--sources 500] [--seconds 10] [--ifs 4]
                                    [--v3-users 50]

A fresh embedded database (SQLite, temporary state directory) with one customer and one device per
source address (127.0.x.y loopback addresses). The receivers run in this process, exactly as
`manage.py receive_events` runs them; a child process sends linkDown traps (SNMPv2c, one UDP
socket bound to each source address) at an even rate, each to a random interface of a random
source, carrying its send time in a varbind. Checked afterwards: one open alarm per
(device, ifIndex, condition) and each alarm's occurrence count equal to the traps sent for it.
Trap-to-alarm latency is send time → the commit of the batch that counted it. Dropped = sent
minus stored (kernel or queue). CPU is the receiver process's (the sender is not counted).

Before the storm, once the receivers have prepared (the customer has --v3-users SNMPv3 users),
net-snmp's `snmptrap -v 3` (authPriv) sends one linkDown from the first source: first_v3_ms is
its arrival at the receiver → the commit that raised its alarm.

    RESULT traps=<n> alarms=<a> expected_alarms=<e> p95_ms=<p> dropped=<d> first_v3_ms=<f>
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[1]
LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
SENT_AT = "1.3.6.1.4.1.99999.1.0"
V3_IF = 9999  # the v3 trap's ifIndex: no storm trap uses it (they use 1..--ifs)
V3_USER = ["-u", "bench0", "-l", "authPriv", "-a", "SHA", "-A", "bench-auth-0", "-x", "AES",
           "-X", "bench-priv-0"]  # fmt: skip


def source_address(index: int) -> str:
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def _tlv(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + body


def _int(value: int, tag: int = 0x02) -> bytes:
    return _tlv(tag, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, bytes(body))


def trap(request_id: int, if_index: int, sent_at: float) -> bytes:
    varbinds = b"".join(
        _tlv(0x30, name + value)
        for name, value in (
            (_oid("1.3.6.1.2.1.1.3.0"), _int(12345, 0x43)),
            (_oid("1.3.6.1.6.3.1.1.4.1.0"), _oid(LINK_DOWN)),
            (_oid(f"{IF_INDEX}.{if_index}"), _int(if_index)),
            (_oid(SENT_AT), _tlv(0x04, repr(sent_at).encode())),
        )
    )
    pdu = _tlv(0xA7, _int(request_id) + _int(0) + _int(0) + _tlv(0x30, varbinds))
    return _tlv(0x30, _int(1) + _tlv(0x04, b"public") + pdu)


def send(port: int, plan: list[tuple[int, int]], seconds: float) -> None:
    """The child process: plan[i] = (source index, ifIndex), sent evenly over `seconds`."""
    sockets: dict[int, socket.socket] = {}
    for index in {source for source, _ in plan}:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((source_address(index), 0))
        sockets[index] = sock
    start = time.perf_counter()
    interval = seconds / len(plan)
    for number, (source, if_index) in enumerate(plan):
        delay = start + number * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sockets[source].sendto(trap(number, if_index, time.time()), ("127.0.0.1", port))


def setup_django(state_dir: str) -> None:
    os.environ["WEBNET_STATE_DIR"] = state_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BACKEND))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_devices(sources: int, v3_users: int) -> dict[str, int]:
    from webnet.core import crypto
    from webnet.customers.models import Customer
    from webnet.devices.models import Device
    from webnet.monitoring.models import SnmpCredential

    customer = Customer.objects.create(name="Bench", slug="bench")
    # The receiver takes a customer's v2c traps only with one of its communities.
    SnmpCredential.objects.create(
        customer=customer, name="bench-v2c", community_encrypted=crypto.encrypt("public")
    )
    SnmpCredential.objects.bulk_create(
        SnmpCredential(
            customer=customer,
            name=f"bench-v3-{index}",
            version="v3",
            username=f"bench{index}",
            auth_protocol="SHA",
            auth_key_encrypted=crypto.encrypt(f"bench-auth-{index}"),
            priv_protocol="AES",
            priv_key_encrypted=crypto.encrypt(f"bench-priv-{index}"),
        )
        for index in range(v3_users)
    )
    Device.objects.bulk_create(
        Device(
            customer=customer,
            hostname=f"edge-{index:04d}",
            management_host=source_address(index),
            platform="cisco_ios",
        )
        for index in range(sources)
    )
    return dict(Device.objects.values_list("management_host", "pk"))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def first_v3_trap(port: int, alarmed: asyncio.Future) -> float:
    """Seconds from the v3 trap's arrival to the commit that raised its alarm."""
    process = await asyncio.create_subprocess_exec(
        "snmptrap", f"--clientaddr={source_address(0)}", "-v", "3", "-e", "8000000001020304",
        *V3_USER, f"127.0.0.1:{port}", "", LINK_DOWN, f"{IF_INDEX}.{V3_IF}", "i", str(V3_IF),
    )  # fmt: skip
    await process.wait()
    return await asyncio.wait_for(alarmed, 30)


async def storm(args: argparse.Namespace) -> None:
    from asgiref.sync import sync_to_async

    from webnet.alarms.models import Alarm
    from webnet.alarms.receivers import service

    devices = await sync_to_async(make_devices)(args.sources, args.v3_users)
    rng = random.Random(7)
    plan = [(rng.randrange(args.sources), rng.randint(1, args.ifs)) for _ in range(args.traps)]
    expected = Counter((devices[source_address(s)], i) for s, i in plan)
    latencies: list[float] = []
    v3_alarmed: asyncio.Future = asyncio.get_running_loop().create_future()
    loop = asyncio.get_running_loop()

    def committed(events, received) -> None:  # type: ignore[no-untyped-def]
        now = time.time()
        for event in events:
            if event.data["version"] == "v3":  # its time is its arrival at the receiver
                loop.call_soon_threadsafe(v3_alarmed.set_result, now - event.time.timestamp())
            else:
                latencies.append(now - float(event.data["varbinds"][SENT_AT]))

    started = time.perf_counter()
    receivers = await service.start(("127.0.0.1", 0), ("127.0.0.1", 0), committed)
    await receivers.pipeline.ready.wait()
    prepared = time.perf_counter() - started
    first_v3 = await first_v3_trap(receivers.ports["trap"], v3_alarmed)
    sender = multiprocessing.get_context("fork").Process(
        target=send, args=(receivers.ports["trap"], plan, args.seconds)
    )
    cpu_before, wall_before = cpu_seconds(), time.perf_counter()
    sender.start()
    while sender.is_alive():
        await asyncio.sleep(0.1)
    deadline, seen, quiet_since = time.monotonic() + 30, -1, time.monotonic()
    while len(latencies) < args.traps and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        if len(latencies) != seen:
            seen, quiet_since = len(latencies), time.monotonic()
        elif time.monotonic() - quiet_since > 10:  # nothing more arrives: the rest was dropped
            break
    reasons = {
        sample.labels["reason"]: int(sample.value)
        for metric in service.DROPPED.collect()
        for sample in metric.samples
        if sample.name.endswith("_total") and sample.value
    }
    cpu = cpu_seconds() - cpu_before
    wall = time.perf_counter() - wall_before
    receivers.close()

    rows = await sync_to_async(
        lambda: list(
            Alarm.objects.filter(state__in=("active", "acknowledged"))
            .exclude(if_index=V3_IF)
            .values_list("device_id", "if_index", "condition", "occurrences")
        )
    )()
    keys = Counter((device, if_index, condition) for device, if_index, condition, _ in rows)
    counts = {(device, if_index): n for device, if_index, _, n in rows}
    exact = all(v == 1 for v in keys.values()) and counts == dict(expected)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan")
    dropped = args.traps - len(latencies)
    print(
        f"sent {args.traps} traps from {args.sources} sources in {args.seconds:.0f} s; "
        f"stored {len(latencies)}; p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; exact counts: {exact}; "
        f"receiver CPU {cpu:.1f} s over {wall:.1f} s ({100 * cpu / wall:.0f}% of one core); "
        f"dropped by the receiver: {reasons or 'none'}; receivers prepared in "
        f"{prepared * 1000:.0f} ms ({args.v3_users} v3 users), first v3 trap to alarm "
        f"{first_v3 * 1000:.0f} ms"
    )
    print(
        f"RESULT traps={args.traps} alarms={len(rows)} expected_alarms={len(expected)} "
        f"p95_ms={p95:.0f} dropped={dropped} first_v3_ms={first_v3 * 1000:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traps", type=int, default=10_000)
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--ifs", type=int, default=4)
    parser.add_argument("--v3-users", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="webnet-bench-events-") as state_dir:
        setup_django(state_dir)
        asyncio.run(storm(args))


if __name__ == "__main__":
    main()
