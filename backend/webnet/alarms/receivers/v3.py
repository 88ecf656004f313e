"""SNMPv3 traps and informs through pysnmp's USM, with each customer's own v3 users.

The users are the customers' v3 SnmpCredential rows (user name, auth and privacy protocol and
keys). A message is only tried against the users of the customer whose device sent it (by source
address): one customer's credentials never authenticate another's traps, and two customers may
use the same user name with different keys. USM keys are localised to the authoritative engine —
the sender's for a trap, ours for an inform — so a user is installed in pysnmp's table per
(engine id, user name) when a message names them, from a master key hashed once per credential
(hashing a pass phrase costs about a million hash rounds; localising is one). Replies (reports
for engine discovery, an inform's Response) are captured and handed back to be sent.

A message naming a user its customer does not have is refused without reaching pysnmp: the
table may still hold that (engine id, name) for another customer, or from a credential since
deleted, and pysnmp would authenticate against whatever it holds.

pysnmp's engine is synchronous here and not thread-safe: one thread at a time (the receivers
build and prime it before their first batch, then use it from their database thread only).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import ntfrcv
from pysnmp.proto import rfc1902

from webnet.alarms.receivers.snmp import SNMP_TRAP_OID, DecodeError, Notification, tlv

AUTH = {
    "": config.USM_AUTH_NONE,
    "MD5": config.USM_AUTH_HMAC96_MD5,
    "SHA": config.USM_AUTH_HMAC96_SHA,
    "SHA224": config.USM_AUTH_HMAC128_SHA224,
    "SHA256": config.USM_AUTH_HMAC192_SHA256,
    "SHA384": config.USM_AUTH_HMAC256_SHA384,
    "SHA512": config.USM_AUTH_HMAC384_SHA512,
}
PRIV = {
    "": config.USM_PRIV_NONE,
    "DES": config.USM_PRIV_CBC56_DES,
    "3DES": config.USM_PRIV_CBC168_3DES,
    "AES": config.USM_PRIV_CFB128_AES,
    "AES128": config.USM_PRIV_CFB128_AES,
    "AES192": config.USM_PRIV_CFB192_AES,
    "AES256": config.USM_PRIV_CFB256_AES,
}
MAX_INSTALLED = 20_000  # (engine id, user) pairs kept; beyond it the table starts afresh


def _protocol(table: dict[str, tuple[int, ...]], name: str) -> tuple[int, ...]:
    """ "SHA-256" and "SHA256" alike; ValueError for one pysnmp lacks."""
    try:
        return table[name.upper().replace("-", "")]
    except KeyError:
        raise ValueError(f"unsupported SNMPv3 protocol {name!r}") from None


@dataclass(frozen=True)
class V3User:
    """One customer's v3 user, with its pass phrases already hashed to master keys."""

    customer_id: int
    credential_id: int
    name: str
    auth: tuple[int, ...]
    priv: tuple[int, ...]
    auth_master: bytes | None
    priv_master: bytes | None

    @classmethod
    def of(
        cls,
        customer_id: int,
        credential_id: int,
        name: str,
        auth: tuple[str, str],
        priv: tuple[str, str],
    ) -> "V3User":
        """`auth`, `priv`: (protocol name, pass phrase); an empty protocol means none."""
        auth_proto, priv_proto = _protocol(AUTH, auth[0]), _protocol(PRIV, priv[0])
        auth_master = (
            config.AUTH_SERVICES[auth_proto].hash_passphrase(auth[1].encode())
            if auth_proto != config.USM_AUTH_NONE
            else None
        )
        priv_master = (
            config.PRIV_SERVICES[priv_proto].hash_passphrase(auth_proto, priv[1].encode())
            if priv_proto != config.USM_PRIV_NONE
            else None
        )
        return cls(
            customer_id, credential_id, name, auth_proto, priv_proto, auth_master, priv_master
        )


def header(data: bytes) -> tuple[bytes, str]:
    """(msgAuthoritativeEngineID, msgUserName) of a v3 message (RFC 3412 §6, RFC 3414 §2.4)."""
    _, pos, _ = tlv(data, 0)  # SNMPv3Message
    _, _, pos = tlv(data, pos)  # msgVersion
    _, _, pos = tlv(data, pos)  # msgGlobalData
    tag, start, _ = tlv(data, pos)  # msgSecurityParameters: OCTET STRING wrapping a SEQUENCE
    if tag != 0x04:
        raise DecodeError("no security parameters")
    _, pos, _ = tlv(data, start)
    tag, engine_start, pos = tlv(data, pos)
    engine_id = data[engine_start:pos]
    _, _, pos = tlv(data, pos)  # boots
    _, _, pos = tlv(data, pos)  # time
    tag, user_start, user_end = tlv(data, pos)
    if tag != 0x04:
        raise DecodeError("no user name")
    return engine_id, data[user_start:user_end].decode("utf-8", "replace")


class Outcome(NamedTuple):
    notification: Notification | None  # None: refused (unknown user, bad key) or a discovery
    reply: bytes  # to send back (a discovery report, an inform's Response), or b""
    discovery: bool  # a probe for our engine id, not a notification


class _Replies:
    """Stands in for pysnmp's transport dispatcher: what the engine sends is kept for the
    caller (our UDP socket belongs to asyncio)."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send_message(self, message: Any, domain: Any, address: Any) -> None:
        self.sent.append(bytes(message))

    def get_timer_ticks(self) -> int:
        return 0

    def get_timer_resolution(self) -> float:
        return 0.5


class V3Receiver:
    def __init__(self) -> None:
        self.engine = engine.SnmpEngine()
        self.replies = _Replies()
        self.engine.transport_dispatcher = self.replies  # type: ignore[assignment]
        ntfrcv.NotificationReceiver(self.engine, self._received)
        self.installed: dict[tuple[bytes, str], V3User] = {}
        self._captured: Notification | None = None

    def _received(self, snmp_engine: Any, ref: Any, ctx_id: Any, ctx: Any, varbinds: Any, _: Any):
        values = {str(oid): value.prettyPrint() for oid, value in varbinds}
        trap_oid = values.pop(SNMP_TRAP_OID, "")
        self._captured = Notification("v3", trap_oid, values) if trap_oid else None

    def _install(self, engine_id: bytes, user: V3User) -> None:
        key = (engine_id, user.name)
        if self.installed.get(key) == user:
            return
        if key in self.installed:
            config.del_v3_user(self.engine, user.name, rfc1902.OctetString(engine_id))
        elif len(self.installed) >= MAX_INSTALLED:
            for engine_key, name in self.installed:
                config.del_v3_user(self.engine, name, rfc1902.OctetString(engine_key))
            self.installed.clear()
        config.add_v3_user(
            self.engine,
            user.name,
            user.auth,
            user.auth_master,
            user.priv,
            user.priv_master,
            securityEngineId=rfc1902.OctetString(engine_id),
            authKeyType=config.USM_KEY_TYPE_MASTER,
            privKeyType=config.USM_KEY_TYPE_MASTER,
        )
        self.installed[key] = user

    def prime(self, users: Iterable[V3User]) -> None:
        """Install `users` for our own engine id, where an inform's keys are localised, so the
        first inform after a start finds its user in place. A name two customers share is
        installed for one of them; `decode` swaps in the other's when their inform arrives."""
        ours = self.engine.snmpEngineID.asOctets()
        for user in users:
            if (ours, user.name) not in self.installed:
                self._install(ours, user)

    def _dispatch(self, data: bytes, addr: tuple[str, int]) -> tuple[Notification | None, bytes]:
        self._captured = None
        self.replies.sent.clear()
        try:
            self.engine.message_dispatcher.receive_message(
                self.engine, udp.DOMAIN_NAME, udp.UdpTransportAddress(addr), data
            )
        except Exception:  # pysnmp raises on what it cannot parse or answer
            return None, b""
        return self._captured, b"".join(self.replies.sent[:1])

    def decode(self, data: bytes, addr: tuple[str, int], users: list[V3User]) -> Outcome:
        """`data` through USM with `users`: the v3 users of the customer that owns the source
        address. DecodeError when the header is malformed."""
        engine_id, name = header(data)
        if not engine_id:  # engine discovery: pysnmp answers with a report naming our engine
            return Outcome(*self._dispatch(data, addr), discovery=True)
        candidates = [user for user in users if user.name == name]
        if not candidates:  # a user this customer does not have
            return Outcome(None, b"", False)
        for user in candidates:
            self._install(engine_id, user)
            notification, reply = self._dispatch(data, addr)
            if notification is not None:
                return Outcome(notification, reply, False)
        return Outcome(None, b"", False)
