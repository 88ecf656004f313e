"""The RADIUS wire for webnet's CoA/Disconnect sender and the lab BNG (pyrad; no Django).

One dictionary (a subset of FreeRADIUS's, same names) and one request/answer exchange with
bounded retries, so the sender and the simulator cannot disagree on attributes.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyrad import packet
from pyrad.client import Client, Timeout
from pyrad.dictionary import Dictionary

DICTIONARY = Path(__file__).with_name("dictionary")

# RFC 5176 §3.5 Error-Cause values webnet names.
ERROR_CAUSES = {
    401: "Unsupported-Attribute",
    403: "NAS-Identification-Mismatch",
    404: "Invalid-Request",
    503: "Session-Context-Not-Found",
    506: "Resources-Unavailable",
}


@cache
def dictionary() -> Dictionary:
    return Dictionary(str(DICTIONARY))


@dataclass(frozen=True)
class Answer:
    """What a NAS said to one CoA or Disconnect request."""

    outcome: str  # "ack" | "nak" | "timeout"
    error_cause: int | None
    tries: int


def send_change(
    host: str,
    port: int,
    secret: str,
    attributes: dict[str, object],
    *,
    disconnect: bool = False,
    timeout: float = 1.0,
    tries: int = 3,
) -> Answer:
    """Send a CoA-Request (or Disconnect-Request) with a Message-Authenticator; resend the same
    packet up to `tries` times while no valid answer comes back."""
    client = Client(server=host, coaport=port, secret=secret.encode(), dict=dictionary())
    client.retries, client.timeout = 1, timeout
    code = packet.DisconnectRequest if disconnect else packet.CoARequest
    request = client.CreateCoAPacket(code=code)
    for name, value in attributes.items():
        request[name] = value
    request.add_message_authenticator()
    try:
        for attempt in range(1, tries + 1):
            try:
                reply = client.SendPacket(request)
            except Timeout:
                continue
            acked = reply.code in (packet.CoAACK, packet.DisconnectACK)
            cause = reply["Error-Cause"][0] if "Error-Cause" in reply else None
            return Answer("ack" if acked else "nak", cause, attempt)
        return Answer("timeout", None, tries)
    finally:
        client._CloseSocket()
