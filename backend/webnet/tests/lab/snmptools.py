"""net-snmp tools and plain UDP receivers for async tests (the lab shares their event loop)."""

from __future__ import annotations

import asyncio
import re
import socket

V3 = ["-v3", "-l", "authPriv", "-u", "webnet", "-a", "SHA", "-A", "webnet-auth-pass"]
V3 += ["-x", "AES", "-X", "webnet-priv-pass"]
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_ADMIN = "1.3.6.1.2.1.2.2.1.7"
IF_OPER = "1.3.6.1.2.1.2.2.1.8"
IF_IN_OCTETS = "1.3.6.1.2.1.2.2.1.10"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HC_IN = "1.3.6.1.2.1.31.1.1.1.6"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
LINE = re.compile(r"^(\.[\d.]+) = (?:([\w-]+): )?(.*)$")


def target(dev) -> str:
    return f"{dev.snmp_host}:{dev.snmp_port}"


async def run(tool: str, *args: str, timeout: float = 20) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        tool, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    return proc.returncode or 0, out.decode(), err.decode()


def parse(text: str) -> dict[str, tuple[str, str]]:
    """`-On -Oe -Ot` output -> {oid: (type, value)}; multi-line strings are joined, the walk's
    closing endOfMibView line is left out."""
    out: dict[str, tuple[str, str]] = {}
    last = None
    for line in text.splitlines():
        m = LINE.match(line)
        if m and m.group(3).startswith("No more variables left"):
            continue
        if m:
            last = m.group(1)
            out[last] = (m.group(2) or "", m.group(3))
        elif last is not None:
            kind, value = out[last]
            out[last] = (kind, value + "\n" + line)
    return out


async def walk(dev, oid: str, *extra: str, version: list[str] | None = None) -> dict:
    args = [*(version or ["-v2c", "-c", "public"]), "-On", "-Oe", "-Ot", *extra]
    code, out, err = await run("snmpbulkwalk", *args, target(dev), oid)
    assert code == 0, err
    return parse(out)


async def get(dev, *oids: str, version: list[str] | None = None, extra=()) -> dict:
    args = [*(version or ["-v2c", "-c", "public"]), "-On", "-Oe", "-Ot", *extra]
    code, out, err = await run("snmpget", *args, target(dev), *oids)
    assert code == 0, err
    return parse(out)


def value(result: dict, oid: str) -> str:
    return result["." + oid.lstrip(".")][1]


class UDPReceiver(asyncio.DatagramProtocol):
    """A syslog/trap sink on 127.0.0.1: every datagram lands in `queue`."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr) -> None:
        self.queue.put_nowait(data)

    @classmethod
    async def open(cls) -> tuple[UDPReceiver, asyncio.DatagramTransport, int]:
        loop = asyncio.get_running_loop()
        transport, proto = await loop.create_datagram_endpoint(cls, local_addr=("127.0.0.1", 0))
        return proto, transport, transport.get_extra_info("sockname")[1]

    async def until(self, pattern: bytes, timeout: float = 5) -> list[bytes]:
        """Datagrams up to and including the first containing `pattern`."""
        seen: list[bytes] = []
        async with asyncio.timeout(timeout):
            while not seen or pattern not in seen[-1]:
                seen.append(await self.queue.get())
        return seen


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
