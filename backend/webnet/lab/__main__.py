"""`python -m webnet.lab`: run a simulated network until SIGINT/SIGTERM.

    python -m webnet.lab --count 50 --platforms cisco_ios:2,arista_eos:1,juniper_junos:1 \\
        --base-port 10000 --state-dir var/lab --fault R3=auth_failure \\
        --snmp --snmp-base-port 20000 --trap-receiver 127.0.0.1:1162 \\
        --syslog-receiver 127.0.0.1:5514
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

from .bng import run as bng_run
from .faults import FaultPlan
from .fleet import Fleet
from .inventory import write_inventory_csv
from .server import LabServer
from .snmp import SnmpOptions

log = logging.getLogger("webnet.lab")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m webnet.lab", description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=20, help="number of devices (default 20)")
    p.add_argument(
        "--platforms",
        default="",
        help="mix, e.g. cisco_ios:5,arista_eos:3 or a list; default: all six",
    )
    p.add_argument("--seed", type=int, default=1, help="fleet generation seed (default 1)")
    p.add_argument("--topology", type=Path, help="YAML topology file (overrides count/platforms)")
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument(
        "--base-port",
        type=int,
        default=0,
        help="first device's port, the rest follow; 0 = ephemeral (default)",
    )
    p.add_argument(
        "--ports", type=int, help="physical interfaces per device (default: the platform's)"
    )
    p.add_argument("--hostname-prefix", default="R", help="generated hostnames (default R)")
    p.add_argument("--username", default="admin")
    p.add_argument("--password", default="admin")
    p.add_argument("--enable-secret", default="enable")
    p.add_argument("--authorized-keys", type=Path, help="OpenSSH authorized_keys for key auth")
    p.add_argument("--latency-ms", type=float, default=0.0, help="per-command latency, all devices")
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="HOST=FAULT",
        help="e.g. R3=auth_failure, 'R1*=latency:50', '*=slow_output'; repeatable",
    )
    p.add_argument(
        "--minute-seconds",
        type=float,
        default=60.0,
        help="length of a 'minute' for commit confirmed (default 60)",
    )
    p.add_argument(
        "--state-dir", type=Path, help="writes lab.pid, inventory.csv and the fleet host keys here"
    )
    p.add_argument(
        "--inventory", type=Path, help="inventory CSV path (default STATE_DIR/inventory.csv)"
    )
    p.add_argument("--credential", default="lab", help="credential name in the CSV (default lab)")
    snmp = p.add_argument_group("SNMP agents, traps and syslog")
    snmp.add_argument("--snmp", action="store_true", help="run an SNMP agent per device")
    snmp.add_argument(
        "--snmp-base-port", type=int, default=0, help="first agent's UDP port; 0 = ephemeral"
    )
    snmp.add_argument(
        "--snmp-address-base",
        help="give each agent its own loopback address from here (e.g. 127.20.0.1), on port"
        " --snmp-base-port (161 when not given); traps and syslog then come from that address",
    )
    snmp.add_argument("--snmp-community", default="public")
    snmp.add_argument("--snmp-v3-user", default="webnet")
    snmp.add_argument("--snmp-auth-password", default="webnet-auth-pass")
    snmp.add_argument("--snmp-priv-password", default="webnet-priv-pass")
    snmp.add_argument(
        "--trap-receiver",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="send every device's traps here too (v2c, community public); repeatable",
    )
    snmp.add_argument(
        "--syslog-receiver",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="send every device's syslog lines here too; repeatable",
    )
    bng_run.add_arguments(p)
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def snmp_options(args: argparse.Namespace) -> SnmpOptions | None:
    if not args.snmp:
        return None
    return SnmpOptions(
        host=args.host,
        base_port=args.snmp_base_port,
        address_base=args.snmp_address_base,
        community=args.snmp_community,
        v3_user=args.snmp_v3_user,
        auth_password=args.snmp_auth_password,
        priv_password=args.snmp_priv_password,
        trap_receivers=args.trap_receiver,
        syslog_receivers=args.syslog_receiver,
    )


def make_fleet(args: argparse.Namespace) -> Fleet:
    plan = FaultPlan()
    for spec in args.fault:
        plan.add(spec)
    if args.topology:
        return Fleet.from_yaml(args.topology, seed=args.seed, faults=plan)
    return Fleet.generate(
        count=args.count,
        platforms=args.platforms or None,
        seed=args.seed,
        hostname_prefix=args.hostname_prefix,
        faults=plan,
        ports=args.ports,
    )


async def run(args: argparse.Namespace) -> int:
    fleet = make_fleet(args)
    key_dir = args.state_dir / "keys" if args.state_dir else None
    lab = LabServer(
        fleet,
        host=args.host,
        base_port=args.base_port,
        username=args.username,
        password=args.password,
        enable_secret=args.enable_secret,
        latency_ms=args.latency_ms,
        authorized_keys=args.authorized_keys,
        key_dir=key_dir,
        minute_seconds=args.minute_seconds,
        snmp=snmp_options(args),
    )
    await lab.start()
    pid_file = None
    inventory = args.inventory or (args.state_dir / "inventory.csv" if args.state_dir else None)
    if inventory:
        write_inventory_csv(lab.devices, inventory, credential=args.credential)
    if args.state_dir:
        args.state_dir.mkdir(parents=True, exist_ok=True)
        pid_file = args.state_dir / "lab.pid"
        pid_file.write_text(f"{os.getpid()}\n")
    devices = lab.devices
    ports = sorted(d.port for d in devices)
    print(
        f"webnet lab: {len(devices)} devices on {args.host} ports {ports[0]}-{ports[-1]} "
        f"(user {args.username!r}); inventory: {inventory or '-'}",
        flush=True,
    )
    if args.verbose:
        for d in devices:
            snmp = f"  snmp {d.snmp_host}:{d.snmp_port}" if d.snmp_host else ""
            print(f"  {d.hostname:<12} {d.platform:<14} {d.host}:{d.port}{snmp}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    bng = None
    if args.bng:
        status = args.state_dir / "bng-status.txt" if args.state_dir else None
        bng = asyncio.create_task(bng_run.serve(args, status, stop))
    try:
        await stop.wait()
        if bng is not None:
            await bng
    finally:
        await lab.stop()
        if pid_file is not None:
            pid_file.unlink(missing_ok=True)
    print("webnet lab: stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
