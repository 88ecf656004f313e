"""`make bench`: a full config backup of N lab devices by webnet, by Nornir, and by a bare floor.

Usage: python bench/bench_backup.py --count 200 [--latency-ms 50]

The lab runs in its own process (N cisco_ios devices, 50 ms per command by default). Each
contender runs in a fresh process of its own, one after the other, against the same devices:

- webnet: the real job runner — a `config.backup` job that stores every snapshot, logs every
  device and broadcasts every line; a live-log subscriber on the channel layer counts the lines
  it receives and checks that no `seq` is missing;
- nornir: Nornir's threaded runner (100 workers) with nornir-netmiko `netmiko_send_command`;
- floor: a bare asyncssh client that logs in, enters enable, disables paging and reads the
  configuration, storing nothing — the physical limit for a Python client on this machine.

Each prints wall time, devices/second, client CPU seconds and peak RSS, and the run ends with
one machine-readable RESULT line.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
PROMPT = re.compile(rb"[\w.-]+[>#]\s*$")
CONCURRENCY = 200
NORNIR_WORKERS = 100
ENABLE_SECRET = b"enable"  # the lab's default


def _usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def _read_inventory(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


# ---- floor: bare asyncssh ----------------------------------------------------------------


async def _read_until_prompt(process, buffer: bytearray) -> bytes:  # type: ignore[no-untyped-def]
    while not PROMPT.search(buffer[-200:]):
        chunk = await process.stdout.read(65536)
        if not chunk:
            raise ConnectionError("closed before the prompt")
        buffer.extend(chunk)
    data = bytes(buffer)
    buffer.clear()
    return data


async def _floor_device(row: dict[str, str], limit: asyncio.Semaphore) -> bool:
    import asyncssh

    async with limit:
        try:
            async with asyncssh.connect(
                row["management_host"],
                port=int(row["port"]),
                username="admin",
                password="admin",
                known_hosts=None,
            ) as conn:
                process = await conn.create_process(term_type="vt100", encoding=None)
                buffer = bytearray()
                banner = await _read_until_prompt(process, buffer)
                if banner.rstrip().endswith(b">"):
                    process.stdin.write(b"enable\n")
                    while b"assword" not in buffer:
                        buffer.extend(await process.stdout.read(4096))
                    buffer.clear()
                    process.stdin.write(ENABLE_SECRET + b"\n")
                    await _read_until_prompt(process, buffer)
                process.stdin.write(b"terminal length 0\n")
                await _read_until_prompt(process, buffer)
                process.stdin.write(b"show running-config\n")
                config = await _read_until_prompt(process, buffer)
                process.close()
                return b"hostname" in config
        except (OSError, asyncssh.Error):
            return False


async def _floor(rows: list[dict[str, str]]) -> dict[str, float]:
    limit = asyncio.Semaphore(CONCURRENCY)
    start = time.perf_counter()
    results = await asyncio.gather(*(_floor_device(row, limit) for row in rows))
    return {"wall": time.perf_counter() - start, "failed": results.count(False)}


def run_floor(inventory: Path) -> dict[str, float]:
    return asyncio.run(_floor(_read_inventory(inventory)))


# ---- nornir + netmiko --------------------------------------------------------------------


def run_nornir(inventory: Path) -> dict[str, float]:
    import logging

    from nornir import InitNornir
    from nornir_netmiko.tasks import netmiko_send_command

    logging.disable(logging.CRITICAL)
    hosts = {
        row["hostname"]: {
            "hostname": row["management_host"],
            "port": int(row["port"]),
            "username": "admin",
            "password": "admin",
            "platform": "cisco_ios",
            "connection_options": {"netmiko": {"extras": {"secret": "enable"}}},
        }
        for row in _read_inventory(inventory)
    }
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": NORNIR_WORKERS}},
        inventory={
            "plugin": "SimpleInventory",
            "options": {"host_file": _write_yaml(inventory.parent / "hosts.yaml", hosts)},
        },
        logging={"enabled": False},
    )
    start = time.perf_counter()
    result = nr.run(task=netmiko_send_command, command_string="show running-config", enable=True)
    wall = time.perf_counter() - start
    failed = sum(1 for host in result.values() if host.failed or "hostname" not in str(host.result))
    return {"wall": wall, "failed": failed}


def _write_yaml(path: Path, data: dict) -> str:
    import yaml

    path.write_text(yaml.safe_dump(data))
    return str(path)


# ---- webnet --------------------------------------------------------------------------------


def _prepare_webnet(inventory: Path) -> int:
    from django.core.management import call_command

    from webnet.core import crypto
    from webnet.customers.models import Customer, Membership
    from webnet.devices.models import Credential, Device
    from webnet.jobs.services import JobService
    from webnet.users.models import User

    call_command("migrate", verbosity=0)
    customer = Customer.objects.create(name="Bench", slug="bench")
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, customer=customer, role="operator")
    credential = Credential.objects.create(
        customer=customer,
        name="lab",
        username="admin",
        password_encrypted=crypto.encrypt("admin"),
        enable_secret_encrypted=crypto.encrypt("enable"),
    )
    Device.objects.bulk_create(
        [
            Device(
                customer=customer,
                hostname=row["hostname"],
                management_host=row["management_host"],
                port=int(row["port"]),
                platform=row["platform"],
                credential=credential,
            )
            for row in _read_inventory(inventory)
        ]
    )
    job = JobService.create_job(
        user, customer, "config.backup", {"all": True}, {"concurrency": CONCURRENCY}, submit=False
    )
    return job.pk


async def _subscribe(job_id: int, seqs: list[int], stop: asyncio.Event) -> None:
    from channels.layers import get_channel_layer

    from webnet.core import broadcasts

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(broadcasts.job_group(job_id), channel)
    while not stop.is_set():
        try:
            message = await asyncio.wait_for(layer.receive(channel), 0.2)
        except TimeoutError:
            continue
        if message["type"] == "job.log":
            seqs.extend(line["seq"] for line in message["lines"])


async def _webnet(job_id: int) -> dict[str, float]:
    from asgiref.sync import sync_to_async

    from webnet.jobs.models import Job
    from webnet.jobs.runner import run_job

    seqs: list[int] = []
    stop = asyncio.Event()
    subscriber = asyncio.create_task(_subscribe(job_id, seqs, stop))
    await asyncio.sleep(0)
    start = time.perf_counter()
    await run_job(job_id)
    wall = time.perf_counter() - start
    await asyncio.sleep(0.5)
    stop.set()
    await subscriber
    job = await sync_to_async(Job.objects.get)(pk=job_id)
    expected = set(range(1, job.log_seq + 1))
    return {
        "wall": wall,
        "failed": job.failed,
        "log_lines": job.log_seq,
        "log_lines_missed": len(expected - set(seqs)),
        "out_of_order": int(seqs != sorted(seqs)),
    }


def run_webnet(inventory: Path) -> dict[str, float]:
    import django

    sys.path.insert(0, str(BACKEND))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    django.setup()
    job_id = _prepare_webnet(inventory)
    before = _usage()  # the job alone: Django start-up, migrations and the inventory excluded
    result = asyncio.run(_webnet(job_id))
    result["cpu"] = _usage()["cpu"] - before["cpu"]
    return result


WORKERS = {"webnet": run_webnet, "nornir": run_nornir, "floor": run_floor}


def worker_main(name: str, inventory: Path) -> None:
    before = _usage()
    result = WORKERS[name](inventory)
    after = _usage()
    result.setdefault("cpu", after["cpu"] - before["cpu"])
    result["rss_mb"] = after["rss_mb"]
    print(json.dumps(result))


# ---- orchestration -------------------------------------------------------------------------


def start_lab(count: int, latency_ms: float, state: Path) -> tuple[subprocess.Popen, Path]:
    inventory = state / "inventory.csv"
    lab = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "webnet.lab",
            "--count",
            str(count),
            "--platforms",
            "cisco_ios",
            "--latency-ms",
            str(latency_ms),
            "--state-dir",
            str(state),
        ],
        cwd=BACKEND,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not inventory.exists():
        if lab.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the lab did not start")
        time.sleep(0.2)
    time.sleep(0.5)
    return lab, inventory


def run_contender(name: str, inventory: Path, state: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "WEBNET_STATE_DIR": str(state / f"webnet-{name}"),
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "webnet.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", name, "--inventory", str(inventory)],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--contenders", default="floor,webnet,nornir")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--inventory", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker, args.inventory)
        return
    with tempfile.TemporaryDirectory(prefix="webnet-bench-") as tmp:
        state = Path(tmp)
        lab, inventory = start_lab(args.count, args.latency_ms, state / "lab")
        try:
            results = {
                name: run_contender(name, inventory, state) for name in args.contenders.split(",")
            }
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    report(args.count, args.latency_ms, results)


def report(count: int, latency_ms: float, results: dict[str, dict[str, float]]) -> None:
    print(
        f"\nconfig backup of {count} cisco_ios lab devices, {latency_ms:g} ms per command, "
        f"{os.cpu_count()} CPUs (lab on the same machine)\n"
    )
    print(
        f"{'contender':<10} {'wall s':>8} {'dev/s':>8} {'CPU s':>8} {'CPU ms/dev':>11} "
        f"{'peak RSS MB':>12} {'failed':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:<10} {r['wall']:>8.2f} {count / r['wall']:>8.1f} {r['cpu']:>8.2f} "
            f"{r['cpu'] * 1000 / count:>11.2f} {r['rss_mb']:>12.0f} {int(r['failed']):>7}"
        )
    web, nor, flo = (results.get(name) for name in ("webnet", "nornir", "floor"))
    if web:
        print(
            f"\nwebnet live log: {int(web['log_lines'])} lines, "
            f"{int(web['log_lines_missed'])} missed, out of order: {bool(web['out_of_order'])}"
        )
    dps = {name: count / r["wall"] for name, r in results.items()}
    vs_nornir = dps["webnet"] / dps["nornir"] if web and nor else float("nan")
    vs_floor = web["wall"] / flo["wall"] if web and flo else float("nan")
    cpu_ratio = web["cpu"] / flo["cpu"] if web and flo and flo["cpu"] else float("nan")
    print(
        f"RESULT n={count} webnet_dps={dps.get('webnet', 0):.1f} "
        f"nornir_dps={dps.get('nornir', 0):.1f} floor_dps={dps.get('floor', 0):.1f} "
        f"vs_nornir={vs_nornir:.2f} vs_floor_wall={vs_floor:.2f} cpu_ratio={cpu_ratio:.2f} "
        f"failed={int(web['failed']) if web else -1} "
        f"log_lines_missed={int(web['log_lines_missed']) if web else -1}"
    )


if __name__ == "__main__":
    main()
