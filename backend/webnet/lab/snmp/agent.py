"""SNMP agents for a lab fleet: one UDP endpoint per device, all on the lab's event loop.

Each agent answers v2c (community) and v3 (USM authPriv) GET/GETNEXT/GETBULK from the device's
simulated state, honours the SNMP faults, and sends the device's traps and syslog lines from its
own address when an interface changes state, a config session ends or the device reboots.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from dataclasses import dataclass, field

from ..devicestate import DeviceRuntime
from . import ber, engine, notify, usm
from .device import ConfigEvent, Event, SnmpDevice

DEBOUNCE_S = 0.05  # coalesce a burst of config lines into one look at the interfaces


def parse_target(text: str, default_port: int) -> tuple[str, int]:
    """`host[:port]` -> (host, port)."""
    host, _, port = text.strip().rpartition(":") if ":" in text else (text.strip(), "", "")
    return host, int(port) if port else default_port


@dataclass
class SnmpOptions:
    """How the fleet's agents listen and who they tell.

    Agents listen on `host` with one port per device (`base_port + index`, or ephemeral when
    0) — or, with `address_base` (e.g. `127.20.0.1`), each device on its own loopback address
    (`address_base + index`) and `port`, so receivers tell devices apart by source address.
    `trap_receivers` / `syslog_receivers` (`host:port`) get every device's traps and syslog, on
    top of the receivers in each device's running config.
    """

    host: str = "127.0.0.1"
    base_port: int = 0
    address_base: str | None = None
    port: int = 161
    community: str = "public"
    v3_user: str = "webnet"
    auth_protocol: str = "SHA"
    auth_password: str = "webnet-auth-pass"
    priv_protocol: str = "AES"
    priv_password: str = "webnet-priv-pass"
    trap_community: str = "public"
    trap_receivers: list[str] = field(default_factory=list)
    syslog_receivers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.auth_protocol not in usm.AUTH_PROTOCOLS:
            raise ValueError(f"auth protocol must be one of {', '.join(usm.AUTH_PROTOCOLS)}")
        if self.priv_protocol not in usm.PRIV_PROTOCOLS:
            raise ValueError(f"priv protocol must be one of {', '.join(usm.PRIV_PROTOCOLS)}")

    def address_of(self, index: int) -> tuple[str, int]:
        if self.address_base:  # every agent on `base_port` when given (no root needed), else 161
            address = str(ipaddress.ip_address(self.address_base) + index)
            return address, self.base_port or self.port
        return self.host, self.base_port + index if self.base_port else 0


def engine_id_of(hostname: str) -> bytes:
    """A net-snmp style text engine ID (enterprise 8072, format 4), stable per device."""
    return b"\x80\x00\x1f\x88\x04" + f"lab-{hostname}".encode()[:27]


class DeviceAgent(asyncio.DatagramProtocol):
    def __init__(self, rt: DeviceRuntime, options: SnmpOptions) -> None:
        self.rt = rt
        self.options = options
        self.device = SnmpDevice(rt)
        hash_name, digest_len = usm.AUTH_PROTOCOLS[options.auth_protocol]
        self.usm = usm.USMEngine(
            engine_id_of(rt.spec.hostname),
            usm.User(
                options.v3_user.encode(),
                hash_name,
                digest_len,
                options.auth_password,
                options.priv_password,
            ),
            boots=lambda: self.device.engine_boots,
            engine_time=lambda: int(time.time() - rt.boot_time),
            wrong_key=lambda: rt.spec.faults.snmp_wrong_community,
        )
        self.transport: asyncio.DatagramTransport | None = None
        self._pending: asyncio.TimerHandle | None = None

    # ---- asyncio ------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.rt.observers.append(self.on_runtime)

    def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
        if self.on_runtime in self.rt.observers:
            self.rt.observers.remove(self.on_runtime)
        if self.transport is not None:
            self.transport.close()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        faults = self.rt.spec.faults
        if faults.snmp_timeout:
            return
        try:
            reply = self.answer(data)
        except ber.BERError:
            return
        if reply is None or self.transport is None:
            return
        if faults.snmp_delay_ms:
            loop = asyncio.get_running_loop()
            loop.call_later(faults.snmp_delay_ms / 1000, self._send, reply, addr)
        else:
            self.transport.sendto(reply, addr)

    def _send(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(data, addr)

    # ---- requests -----------------------------------------------------------------------------
    def answer(self, data: bytes) -> bytes | None:
        start, end = ber.expect(data, 0, ber.SEQUENCE)
        version, pos = ber.read_int(data, start)
        self.refresh()
        if version == 1:
            return self._v2c(data, pos, end)
        if version == 3:
            return self._v3(data, pos)
        return None

    def _v2c(self, data: bytes, pos: int, end: int) -> bytes | None:
        community, pos = ber.read_octets(data, pos)
        expected = self.rt.spec.faults.snmp_wrong_community or self.options.community
        if community != expected.encode():
            return None
        pdu = self._pdu(data, pos, end, usm.MAX_MESSAGE - len(community))
        if pdu is None:
            return None
        return ber.tlv(ber.SEQUENCE, ber.integer(1) + ber.octets(community) + pdu)

    def _pdu(self, data: bytes, pos: int, end: int, max_size: int) -> bytes | None:
        tag, p_start, p_end = ber.read(data, pos)
        if tag not in (ber.GET, ber.GETNEXT, ber.GETBULK, ber.SET) or p_end != end:
            return None
        request_id, p = ber.read_int(data, p_start)
        a, p = ber.read_int(data, p)
        b, p = ber.read_int(data, p)
        varbinds = ber.read_varbinds(data, p, p_end)
        return engine.respond(self.device.state, tag, request_id, a, b, varbinds, max_size)

    def _v3(self, data: bytes, pos: int) -> bytes | None:
        try:
            request = self.usm.parse(data, pos)
        except usm.USMError as exc:
            return self.usm.report(exc.request, exc) if exc.request else None
        max_size = min(request.max_size, usm.MAX_MESSAGE) - 64 - len(request.user)
        pdu = self._pdu(request.pdu, 0, len(request.pdu), max_size)
        if pdu is None:
            return None
        return self.usm.message(request, pdu, request.flags & (usm.FLAG_AUTH | usm.FLAG_PRIV))

    # ---- state changes -> traps and syslog ------------------------------------------------------
    def refresh(self) -> None:
        events = self.device.refresh(time.time())
        if events:
            self.emit(events)

    def on_runtime(self, event: str, user: str) -> None:
        if event == "config":
            self.refresh()
            self.emit([ConfigEvent(user)])
        elif self._pending is None:
            loop = asyncio.get_running_loop()
            self._pending = loop.call_later(DEBOUNCE_S, self._debounced)

    def neighbour_changed(self) -> None:
        """A linked device changed: its ports' far ends may have gone down or up."""
        self.device.stamp = ()
        self.on_runtime("change", "")

    def _debounced(self) -> None:
        self._pending = None
        self.refresh()

    def receivers(self) -> tuple[list[tuple[str, int, str]], list[tuple[str, int]]]:
        rt = self.rt
        if rt.spec.platform == "juniper_junos":
            traps, syslog = notify.junos_receivers(rt.running)
        else:
            traps, syslog = notify.cisco_receivers(rt.running, rt.spec.platform)
        o = self.options
        traps += [(*parse_target(t, 162), o.trap_community) for t in o.trap_receivers]
        syslog += [parse_target(t, 514) for t in o.syslog_receivers]
        return list(dict.fromkeys(traps)), list(dict.fromkeys(syslog))

    def emit(self, events: list[Event]) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        traps, syslog = self.receivers()
        now = time.time()
        platform, hostname = self.rt.spec.platform, self.rt.hostname
        for event in events:
            found = notify.trap_for(event)
            if found is not None:
                for host, port, community in traps:
                    packet = notify.trap(community, now - self.rt.boot_time, *found)
                    self._deliver((host, port), packet)
            for facility, severity, text in notify.syslog_for(event, platform):
                line = notify.rfc3164(facility, severity, hostname, text, now)
                for target in syslog:
                    self._deliver(target, line)

    def _deliver(self, target: tuple[str, int], packet: bytes) -> None:
        """Fire and forget, like a device: an unresolvable or unreachable receiver is skipped."""
        assert self.transport is not None
        with contextlib.suppress(OSError):
            self.transport.sendto(packet, target)


async def start_agent(
    rt: DeviceRuntime, options: SnmpOptions
) -> tuple[DeviceAgent, tuple[str, int]]:
    """Listen for `rt`'s device; returns the agent and the address it is bound to."""
    loop = asyncio.get_running_loop()
    transport, agent = await loop.create_datagram_endpoint(
        lambda: DeviceAgent(rt, options), local_addr=options.address_of(rt.spec.index)
    )
    host, port = transport.get_extra_info("sockname")[:2]
    return agent, (host, port)
