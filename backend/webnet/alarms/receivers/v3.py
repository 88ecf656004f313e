"""SNMPv3 traps through pysnmp's USM (authentication, privacy, per-sender engine ids).

Users come from WEBNET_TRAP_V3_USERS, one `user:AUTH:authpass:PRIV:privpass:engine-id-hex` per
entry (AUTH MD5|SHA|SHA224|SHA256|SHA384|SHA512 or "", PRIV DES|AES|AES192|AES256 or ""); a trap's
keys are localised to the sending engine's id, so every sender's engine id is named. Datagrams are
handed to pysnmp's message dispatcher synchronously; the receiver callback captures the varbinds.
"""

from typing import Any

from django.conf import settings
from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import ntfrcv
from pysnmp.proto import rfc1902

from webnet.alarms.receivers.snmp import SNMP_TRAP_OID, Notification

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
    "AES": config.USM_PRIV_CFB128_AES,
    "AES192": config.USM_PRIV_CFB192_AES,
    "AES256": config.USM_PRIV_CFB256_AES,
}


class V3Receiver:
    def __init__(self, users: list[str]) -> None:
        self.engine = engine.SnmpEngine()
        for entry in users:
            name, auth, auth_key, priv, priv_key, engine_id = entry.split(":")
            config.add_v3_user(
                self.engine,
                name,
                AUTH[auth.upper()],
                auth_key or None,
                PRIV[priv.upper()],
                priv_key or None,
                securityEngineId=rfc1902.OctetString(hexValue=engine_id),
            )
        ntfrcv.NotificationReceiver(self.engine, self._received)
        self._captured: Notification | None = None

    @classmethod
    def from_settings(cls) -> "V3Receiver | None":
        users = settings.WEBNET_TRAP_V3_USERS
        return cls(users) if users else None

    def _received(self, snmp_engine: Any, ref: Any, ctx_id: Any, ctx: Any, varbinds: Any, _: Any):
        values = {str(oid): value.prettyPrint() for oid, value in varbinds}
        trap_oid = values.pop(SNMP_TRAP_OID, "")
        self._captured = Notification("v3", trap_oid, values) if trap_oid else None

    def decode(self, data: bytes, addr: tuple[str, int], transport: Any) -> Notification | None:
        """The trap in `data`, or None when USM refused it (unknown user, bad key, wrong engine)."""
        self._captured = None
        try:
            self.engine.message_dispatcher.receive_message(
                self.engine, udp.DOMAIN_NAME, udp.UdpTransportAddress(addr), data
            )
        except Exception:  # pysnmp raises on what it cannot answer (no transport for reports)
            return None
        return self._captured
