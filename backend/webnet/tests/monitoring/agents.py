"""Third-party SNMP agents for the poller's tests and `make bench-poll`: snmpsim (PyPI) serving a
walk of a 24-interface switch, and Debian's net-snmp `snmpd`. We did not write either, so
webnet's readings are checked against agents (and `snmpbulkwalk`) that are not our own code.

The walk is written as an snmpsim `.snmprec` file (`OID|type|value`, sorted by OID) with the
standard numeric OIDs: system group, IF-MIB ifTable/ifXTable, HOST-RESOURCES hrStorage (RAM) and
hrProcessorLoad.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

INTERFACES = 24
SYS_DESCR = "webnet test switch, 24 ports"
SYS_OBJECT_ID = "1.3.6.1.4.1.8072.3.2.10"
CPU_LOADS = (12, 30)  # two processors: the device's CPU is their mean, 21 %
RAM_UNITS, RAM_SIZE, RAM_USED = 1024, 4_000_000, 1_000_000  # 25 % used
CUSTOM_OID, CUSTOM_VALUE = "1.3.6.1.4.1.99999.1.0", "custom-42"
# snmprec type tags (snmpsim's grammar): 2 Integer, 4 OCTET STRING, 6 OID, 65 Counter32,
# 66 Gauge32, 67 TimeTicks, 70 Counter64.


def _oid_key(line: str) -> tuple[int, ...]:
    return tuple(int(part) for part in line.split("|", 1)[0].split("."))


def in_octets(if_index: int) -> int:
    """A 64-bit counter value beyond 2^32, so a reader that truncates to 32 bits is caught."""
    return 2**32 + if_index * 1_000_003


def out_octets(if_index: int) -> int:
    return 2**33 + if_index * 7_000_001


def oper_status(if_index: int) -> int:
    return 2 if if_index % 6 == 0 else 1  # every sixth port is down


def snmprec(sys_name: str = "sw-test") -> str:
    """The walk of one switch, as snmpsim's `.snmprec` text."""
    rows = [
        f"1.3.6.1.2.1.1.1.0|4|{SYS_DESCR}",
        f"1.3.6.1.2.1.1.2.0|6|{SYS_OBJECT_ID}",
        "1.3.6.1.2.1.1.3.0|67|123456",
        "1.3.6.1.2.1.1.4.0|4|noc@example.net",
        f"1.3.6.1.2.1.1.5.0|4|{sys_name}",
        "1.3.6.1.2.1.1.6.0|4|lab",
        f"1.3.6.1.2.1.2.1.0|2|{INTERFACES}",
        f"{CUSTOM_OID}|4|{CUSTOM_VALUE}",
    ]
    for i in range(1, INTERFACES + 1):
        t, x = "1.3.6.1.2.1.2.2.1", "1.3.6.1.2.1.31.1.1.1"
        rows += [
            f"{t}.1.{i}|2|{i}",
            f"{t}.2.{i}|4|GigabitEthernet0/{i}",
            f"{t}.3.{i}|2|6",
            f"{t}.4.{i}|2|1500",
            f"{t}.5.{i}|66|{4294967295 if i == 1 else 1000000000}",
            f"{t}.7.{i}|2|1",
            f"{t}.8.{i}|2|{oper_status(i)}",
            f"{t}.10.{i}|65|{in_octets(i) % 2**32}",
            f"{t}.13.{i}|65|{i * 3}",
            f"{t}.14.{i}|65|{i * 5}",
            f"{t}.16.{i}|65|{out_octets(i) % 2**32}",
            f"{t}.19.{i}|65|{i * 7}",
            f"{t}.20.{i}|65|{i * 11}",
            f"{x}.1.{i}|4|Gi0/{i}",
            f"{x}.6.{i}|70|{in_octets(i)}",
            f"{x}.10.{i}|70|{out_octets(i)}",
            f"{x}.15.{i}|66|{10000 if i == 1 else 1000}",
            f"{x}.18.{i}|4|{'uplink' if i == 1 else ''}",
        ]
    storage = "1.3.6.1.2.1.25.2.3.1"
    for idx, kind, descr, units, size, used in (
        (1, "1.3.6.1.2.1.25.2.1.2", "Physical memory", RAM_UNITS, RAM_SIZE, RAM_USED),
        (31, "1.3.6.1.2.1.25.2.1.4", "/", 4096, 1_000_000, 900_000),
    ):
        rows += [
            f"{storage}.1.{idx}|2|{idx}",
            f"{storage}.2.{idx}|6|{kind}",
            f"{storage}.3.{idx}|4|{descr}",
            f"{storage}.4.{idx}|2|{units}",
            f"{storage}.5.{idx}|2|{size}",
            f"{storage}.6.{idx}|2|{used}",
        ]
    for n, load in enumerate(CPU_LOADS):
        rows.append(f"1.3.6.1.2.1.25.3.3.1.2.{196608 + n}|2|{load}")
    return "\n".join(sorted(rows, key=_oid_key)) + "\n"


def free_udp_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports the kernel just handed out for UDP (held open together, so they are distinct)."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(count)]
    try:
        for s in socks:
            s.bind((host, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class Agent:
    """A running agent process and the endpoints it answers on."""

    proc: subprocess.Popen
    host: str
    ports: list[int]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_answering(host: str, port: int, community: str, deadline_s: float) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        done = subprocess.run(
            [
                "snmpget",
                "-v2c",
                "-c",
                community,
                "-t",
                "0.5",
                "-r",
                "0",
                "-On",
                f"{host}:{port}",
                "1.3.6.1.2.1.1.5.0",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"agent on {host}:{port} did not answer")


# snmpsim refuses to run as root unless it drops to another user, who cannot read this
# interpreter's lazily imported modules under /root; the tests run as root and bind only loopback
# ports, so the launcher keeps the caller's identity.
_SNMPSIM_AS_IS = (
    "import contextlib, sys; from snmpsim import daemon; "
    "daemon.PrivilegesOf = lambda *a, **k: contextlib.nullcontext(); "
    "from snmpsim.commands.responder import main; sys.exit(main())"
)


@contextlib.contextmanager
def snmpsim(
    workdir: Path,
    ports: list[int],
    host: str = "127.0.0.1",
    community: str = "public",
    v3: tuple[str, str, str] | None = None,
) -> Iterator[Agent]:
    """One snmpsim process answering the switch's walk on every given UDP port. The v2c
    community is the data file's name; `v3` = (user, auth key, priv key) adds a SHA/AES user."""
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / f"{community}.snmprec").write_text(snmprec())
    args = [
        sys.executable, "-c", _SNMPSIM_AS_IS, "--quiet",
        f"--data-dir={data}", f"--cache-dir={workdir / 'cache'}",
        "--logging-method=null",
    ]  # fmt: skip
    if v3:
        user, auth_key, priv_key = v3
        args += [
            f"--v3-user={user}", f"--v3-auth-key={auth_key}", "--v3-auth-proto=SHA",
            f"--v3-priv-key={priv_key}", "--v3-priv-proto=AES",
        ]  # fmt: skip
        # an empty v3 context (what gufo-snmp sends) addressed to the agent's own engine
        (data / "self.snmprec").write_text(snmprec())
    args += [f"--agent-udpv4-endpoint={host}:{p}" for p in ports]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    agent = Agent(proc, host, ports)
    try:
        wait_answering(host, ports[0], community, 60)
        yield agent
    finally:
        agent.stop()


@contextlib.contextmanager
def snmpd(
    workdir: Path,
    port: int,
    host: str = "127.0.0.1",
    community: str = "public",
    v3: tuple[str, str, str] | None = None,
) -> Iterator[Agent]:
    """Debian's net-snmp agent on host:port, serving this host's real system group, interfaces
    and HOST-RESOURCES tables; `v3` = (user, auth key, priv key) adds a SHA/AES authPriv user."""
    binary = shutil.which("snmpd") or "/usr/sbin/snmpd"
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "snmpd.conf"
    lines = [f"rocommunity {community} 127.0.0.1", "sysName webnet-snmpd"]
    if v3:
        user, auth_key, priv_key = v3
        lines += [f"createUser {user} SHA {auth_key} AES {priv_key}", f"rouser {user} priv"]
    conf.write_text("\n".join(lines) + "\n")
    args = [
        binary, "-f", "-Ln", "-C", "-c", str(conf), "-p", str(workdir / "snmpd.pid"),
        f"udp:{host}:{port}",
    ]  # fmt: skip
    env = {**os.environ, "SNMP_PERSISTENT_DIR": str(workdir), "MIBS": ""}
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    agent = Agent(proc, host, [port])
    try:
        wait_answering(host, port, community, 20)
        yield agent
    finally:
        agent.stop()
