"""Which device (of which customer) a trap or syslog datagram came from, by source address.

A device sends from its own SNMP agent address when monitoring names one (several devices behind
one management address — a console server, the lab — each have their own), else from its
management host. Customers may reuse private addresses: an address that two devices share
names no device (it is counted as ambiguous, never guessed), and an address no device has is
counted as unknown.

A v1/v2c trap must also carry one of its customer's SNMP communities (the v1/v2c SNMP
credentials' communities, decrypted here, in the receiver only); any other is dropped and
counted as unknown_community, and every v1/v2c trap of a customer that has named no community is
dropped and counted as no_community (a community is the only thing that tells its traps from
anyone's). A v3 notification must authenticate as one of its customer's v3 users (v3.V3User,
built from the v3 credentials and cached while they are unchanged).

Devices (and credentials) are reloaded every REFRESH_SECONDS; communities and v3 users also as
soon as an SNMP credential is added, saved or deleted (a count and latest `updated_at` compared
per batch), so a new or revoked credential counts from the next batch on.
"""

import ipaddress
import time
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Max

from webnet.alarms.receivers.v3 import V3User
from webnet.devices.models import Device
from webnet.monitoring.models import DeviceMonitoring, SnmpCredential, SnmpVersion

REFRESH_SECONDS = 30.0


def _normal(address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)


def _indexed(rows: Iterable[tuple[int, int, str]]) -> dict[str, tuple[int, int] | None]:
    index: dict[str, tuple[int, int] | None] = {}
    for customer_id, device_id, host in rows:
        address = _normal(host)
        if address is None:
            continue
        seen = index.get(address, (customer_id, device_id))
        index[address] = (customer_id, device_id) if seen == (customer_id, device_id) else None
    return index


def load() -> dict[str, tuple[int, int] | None]:
    """address → (customer id, device id); None where the address is ambiguous."""
    agents = _indexed(
        DeviceMonitoring.objects.filter(device__enabled=True)
        .exclude(snmp_address="")
        .values_list("customer_id", "device_id", "snmp_address")
    )
    hosts = _indexed(
        Device.objects.filter(enabled=True).values_list("customer_id", "pk", "management_host")
    )
    return hosts | agents


def communities() -> dict[int, set[str]]:
    """customer id → the communities its traps may carry."""
    found: dict[int, set[str]] = {}
    credentials = SnmpCredential.objects.exclude(version=SnmpVersion.V3).exclude(
        community_encrypted=""
    )
    for credential in credentials:
        found.setdefault(credential.customer_id, set()).add(credential.reveal("community"))
    return found


def v3_users(cached: dict[tuple, V3User]) -> dict[int, list[V3User]]:
    """customer id → its v3 users; `cached` (by credential and ciphertexts) is updated so an
    unchanged credential's pass phrases are not hashed again."""
    found: dict[int, list[V3User]] = {}
    fresh: dict[tuple, V3User] = {}
    for credential in SnmpCredential.objects.filter(version=SnmpVersion.V3).exclude(username=""):
        key = (
            credential.pk,
            credential.username,
            credential.auth_protocol,
            credential.auth_key_encrypted,
            credential.priv_protocol,
            credential.priv_key_encrypted,
        )
        user = cached.get(key)
        if user is None:
            try:
                user = V3User.of(
                    credential.customer_id,
                    credential.pk,
                    credential.username,
                    (credential.auth_protocol, _revealed(credential, "auth_key")),
                    (credential.priv_protocol, _revealed(credential, "priv_key")),
                )
            except ValueError:  # a protocol pysnmp lacks: that user cannot authenticate
                continue
        fresh[key] = user
        found.setdefault(credential.customer_id, []).append(user)
    cached.clear()
    cached.update(fresh)
    return found


def credentials_version() -> tuple[int, datetime | None]:
    """Changes when an SNMP credential is added, saved or deleted (one aggregate query; a bulk
    `update()` that leaves `updated_at` alone waits for the periodic reload)."""
    found = SnmpCredential.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return found["count"], found["latest"]


def _revealed(credential: SnmpCredential, secret: str) -> str:
    return credential.reveal(secret) if getattr(credential, f"{secret}_encrypted") else ""


class SourceIndex:
    """Cached `load()`, communities and v3 users (call `refresh_if_stale` from one thread at a
    time)."""

    def __init__(self) -> None:
        self.index: dict[str, tuple[int, int] | None] = {}
        self.communities: dict[int, set[str]] = {}
        self.v3: dict[int, list[V3User]] = {}
        self._v3_cache: dict[tuple, V3User] = {}
        self.loaded_at = float("-inf")
        self.version: tuple[int, datetime | None] | None = None

    def refresh_if_stale(self) -> bool:
        """Reload what is stale; True when the credentials (communities, v3 users) were."""
        if time.monotonic() - self.loaded_at >= REFRESH_SECONDS:
            self.index = load()
            self.loaded_at = time.monotonic()
            return self.refresh_credentials(always=True)
        return self.refresh_credentials()

    def refresh_credentials(self, always: bool = False) -> bool:
        """Communities and v3 users, reloaded when a credential changed since (or `always`);
        True when they were."""
        version = credentials_version()
        if version == self.version and not always:
            return False
        self.communities = communities()
        self.v3 = v3_users(self._v3_cache)
        self.version = version
        return True

    def v3_users(self) -> list[V3User]:
        """Every customer's v3 users."""
        return [user for users in self.v3.values() for user in users]

    def lookup(self, address: str) -> tuple[int, int] | str:
        """(customer, device), or why not: "unknown_source" or "ambiguous_source"."""
        normal = _normal(address)
        if normal is None or normal not in self.index:
            return "unknown_source"
        return self.index[normal] or "ambiguous_source"

    def community_refused(self, customer_id: int, community: str) -> str | None:
        """Why a v1/v2c trap with `community` is refused ("no_community",
        "unknown_community"), or None when the customer uses that community."""
        allowed = self.communities.get(customer_id)
        if allowed is None:
            return "no_community"
        return None if community in allowed else "unknown_community"
