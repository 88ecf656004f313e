"""One RADIUS request and its verified answer over asyncio UDP, from the NAS's own address."""

import asyncio

from pyrad.packet import Packet, PacketError


class NoAnswer(Exception):
    """No valid answer after every try (the server is down, or dropped the request)."""


class _Exchange(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.answers: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        self.answers.put_nowait(data)


async def exchange(
    request: Packet,
    source: str,
    server: tuple[str, int],
    *,
    timeout: float = 1.0,
    tries: int = 3,
) -> Packet:
    """Send `request` from `source` to `server` until a reply that verifies against it arrives."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        _Exchange, local_addr=(source, 0), remote_addr=server
    )
    try:
        raw = request.RequestPacket()
        for _ in range(tries):
            transport.sendto(raw)
            deadline = loop.time() + timeout
            while (left := deadline - loop.time()) > 0:
                try:
                    data = await asyncio.wait_for(protocol.answers.get(), left)
                except TimeoutError:
                    break
                try:
                    reply = request.CreateReply(packet=data)
                except PacketError:
                    continue
                # A Message-Authenticator in the reply is verified; Debian's FreeRADIUS 3.2.1
                # does not add one to its answers, so it cannot be required here.
                if request.VerifyReply(reply, data):
                    return reply
        raise NoAnswer(f"no answer from {server[0]}:{server[1]}")
    finally:
        transport.close()
