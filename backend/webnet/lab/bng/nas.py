"""The simulated BNG: subscriber sessions, their accounting, and a CoA/Disconnect listener.

A session's rate comes from the Access-Accept (Mikrotik-Rate-Limit); a CoA-Request carrying a new
rate replaces it, and the next Interim-Update reports it (the attribute, and octets that grow at
that rate). Requests are sent from the NAS's own address (its identity for the RADIUS server) and
every packet carries a Message-Authenticator; CoA and Disconnect requests without a valid one are
dropped unanswered, as FreeRADIUS does with `require_message_authenticator`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass, field

from pyrad import packet
from pyrad.packet import AcctPacket, AuthPacket, CoAPacket, PacketError

from webnet.drivers import radius

from .wire import NoAnswer, exchange

log = logging.getLogger("webnet.lab.bng")

RATE = "Mikrotik-Rate-Limit"
SESSION_NOT_FOUND = 503
UNSUPPORTED_ATTRIBUTE = 401
CHANGEABLE = {RATE, "Session-Timeout", "Filter-Id"}
IDENTITY = {"User-Name", "Acct-Session-Id", "NAS-IP-Address", "Message-Authenticator"}


@dataclass(frozen=True)
class BngOptions:
    """Where the BNG stands and which RADIUS server it uses."""

    address: str  # source of every request, and NAS-IP-Address
    secret: str
    radius_host: str = "127.0.0.1"
    auth_port: int = 1812
    acct_port: int = 1813
    coa_port: int = 3799  # the CoA listener, on `address`
    name: str = "bng1"
    timeout: float = 1.0


def parse_rate(text: str) -> int:
    """Bits per second of the download part of a MikroTik rate ("rx/tx", e.g. "2M/10M")."""
    down = text.split("/")[-1].split()[0].strip().upper()
    scale = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(down[-1:], 1)
    return int(float(down.rstrip("KMG") or 0) * scale)


@dataclass
class Session:
    username: str
    session_id: str
    framed_ip: str
    rate: str
    started: float = field(default_factory=time.monotonic)
    output_octets: int = 0
    input_octets: int = 0
    last_report: float = field(default_factory=time.monotonic)
    interims: int = 0

    def advance(self, now: float) -> None:
        """Traffic since the last report at the current rate (full download, a tenth up)."""
        seconds = max(0.0, now - self.last_report)
        self.output_octets += int(parse_rate(self.rate) / 8 * seconds)
        self.input_octets += int(parse_rate(self.rate) / 80 * seconds)
        self.last_report = now


class Bng:
    """A NAS with sessions. `start()` opens the CoA listener; `stop()` closes it."""

    def __init__(self, options: BngOptions) -> None:
        self.options = options
        self.sessions: dict[str, Session] = {}
        self.coa_log: list[str] = []
        self._ids = itertools.count(1)
        self._transport: asyncio.DatagramTransport | None = None
        self._secret = options.secret.encode()

    # -- the CoA listener -------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: _CoaProtocol(self), local_addr=(self.options.address, self.options.coa_port)
        )

    @property
    def coa_port(self) -> int:
        assert self._transport is not None
        return self._transport.get_extra_info("sockname")[1]

    async def stop(self) -> None:
        if self._transport is not None:
            self._transport.close()

    # -- subscribers ------------------------------------------------------------------------
    async def connect(self, username: str, password: str) -> Session | None:
        """Access-Request; on Access-Accept a session and its Accounting-Start. None if rejected."""
        request = self._packet(AuthPacket, packet.AccessRequest, {"User-Name": username})
        request["User-Password"] = request.PwCrypt(password)
        request["NAS-Port-Type"] = "Ethernet"
        request["Service-Type"] = "Framed-User"
        reply = await self._send(request, self.options.auth_port)
        if reply.code != packet.AccessAccept:
            return None
        number = next(self._ids)
        session = Session(
            username=username,
            session_id=f"{self.options.name}-{number:08x}",
            framed_ip=f"100.64.{number // 250}.{number % 250 + 1}",
            rate=reply[RATE][0] if RATE in reply else "",
        )
        await self._account(session, "Start")
        self.sessions[session.session_id] = session
        return session

    async def interim(self) -> None:
        """One Interim-Update per session: its counters, time, and rate as it is now."""
        now = time.monotonic()
        for session in list(self.sessions.values()):
            session.advance(now)
            session.interims += 1
            await self._account(session, "Interim-Update")

    async def hang_up(self, session_id: str, cause: str = "User-Request") -> None:
        session = self.sessions.pop(session_id)
        session.advance(time.monotonic())
        await self._account(session, "Stop", cause)

    async def reboot(self) -> None:
        """Accounting-On: the NAS restarted and every session it held is gone."""
        self.sessions.clear()
        request = self._packet(AcctPacket, packet.AccountingRequest, {})
        request["Acct-Status-Type"] = "Accounting-On"
        request["Acct-Session-Id"] = f"{self.options.name}-on-{next(self._ids)}"
        await self._send(request, self.options.acct_port)

    def status(self) -> str:
        """One line per session, the `show subscribers` of this BNG."""
        lines = [f"{self.options.name} {self.options.address}: {len(self.sessions)} sessions"]
        lines += [
            f"  {s.username:<16} {s.session_id} {s.framed_ip:<15} rate={s.rate or '-'} "
            f"out={s.output_octets} in={s.input_octets} interims={s.interims}"
            for s in self.sessions.values()
        ]
        return "\n".join(lines)

    # -- CoA / Disconnect -------------------------------------------------------------------
    def answer(self, data: bytes) -> bytes | None:
        """The reply to one received CoA/Disconnect request; None drops it unanswered."""
        try:
            request = CoAPacket(packet=data, secret=self._secret, dict=radius.dictionary())
        except PacketError:
            return None
        if request.code not in (packet.CoARequest, packet.DisconnectRequest):
            return None
        if not request.VerifyCoARequest() or not request.message_authenticator:
            return None
        if not request.verify_message_authenticator():
            return None
        reply = request.CreateReply()
        reply.add_message_authenticator()
        cause = self._apply(request)
        if cause is not None:
            coa = request.code == packet.CoARequest
            reply.code = packet.CoANAK if coa else packet.DisconnectNAK
            reply["Error-Cause"] = cause
        return reply.ReplyPacket()

    def _apply(self, request: CoAPacket) -> int | None:
        """Change or end the session the request names; the Error-Cause when it can't."""
        session = self._find(request)
        kind = "coa" if request.code == packet.CoARequest else "disconnect"
        if session is None:
            self.coa_log.append(f"{kind} nak session-not-found")
            return SESSION_NOT_FOUND
        if kind == "disconnect":
            self.sessions.pop(session.session_id)
            asyncio.get_running_loop().create_task(self._stop_after_disconnect(session))
            self.coa_log.append(f"disconnect ack {session.session_id}")
            return None
        # pyrad's keys() are attribute names (iterating the packet gives numeric codes).
        names = {str(name) for name in request.keys()} - IDENTITY  # noqa: SIM118
        if not names <= CHANGEABLE:
            self.coa_log.append(f"coa nak unsupported {sorted(names - CHANGEABLE)}")
            return UNSUPPORTED_ATTRIBUTE
        if RATE in request:
            session.advance(time.monotonic())
            session.rate = request[RATE][0]
        self.coa_log.append(f"coa ack {session.session_id} rate={session.rate}")
        return None

    def _find(self, request: CoAPacket) -> Session | None:
        if "Acct-Session-Id" in request:
            return self.sessions.get(request["Acct-Session-Id"][0])
        if "User-Name" in request:
            user = request["User-Name"][0]
            return next((s for s in self.sessions.values() if s.username == user), None)
        return None

    async def _stop_after_disconnect(self, session: Session) -> None:
        session.advance(time.monotonic())
        try:
            await self._account(session, "Stop", "Admin-Reset")
        except NoAnswer:
            log.warning("no answer to the Accounting-Stop of %s", session.session_id)

    # -- the wire ---------------------------------------------------------------------------
    def _packet(self, kind: type, code: int, attributes: dict[str, object]):  # type: ignore[no-untyped-def]
        request = kind(code=code, secret=self._secret, dict=radius.dictionary())
        request["NAS-IP-Address"] = self.options.address
        request["NAS-Identifier"] = self.options.name
        for name, value in attributes.items():
            request[name] = value
        request.add_message_authenticator()
        return request

    async def _account(self, session: Session, status: str, cause: str = "") -> None:
        request = self._packet(
            AcctPacket,
            packet.AccountingRequest,
            {
                "Acct-Status-Type": status,
                "User-Name": session.username,
                "Acct-Session-Id": session.session_id,
                "Framed-IP-Address": session.framed_ip,
                "Acct-Session-Time": int(time.monotonic() - session.started),
                "Acct-Output-Octets": session.output_octets % 2**32,
                "Acct-Output-Gigawords": session.output_octets // 2**32,
                "Acct-Input-Octets": session.input_octets % 2**32,
                "Acct-Input-Gigawords": session.input_octets // 2**32,
                "NAS-Port-Type": "Ethernet",
            },
        )
        if session.rate:
            request[RATE] = session.rate
        if cause:
            request["Acct-Terminate-Cause"] = cause
        await self._send(request, self.options.acct_port)

    async def _send(self, request, port: int):  # type: ignore[no-untyped-def]
        server = (self.options.radius_host, port)
        return await exchange(request, self.options.address, server, timeout=self.options.timeout)


class _CoaProtocol(asyncio.DatagramProtocol):
    def __init__(self, bng: Bng) -> None:
        self.bng = bng
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        reply = self.bng.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)
