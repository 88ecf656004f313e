"""Which device (of which customer) a trap or syslog datagram came from, by source address.

A device sends from its own SNMP agent address when monitoring names one (several devices behind
one management address — a console server, the lab — each have their own), else from its
management host. Customers may reuse private addresses: an address that two devices share
names no device (it is counted as ambiguous, never guessed), and an address no device has is
counted as unknown.
"""

import ipaddress
import time
from collections.abc import Iterable

from webnet.devices.models import Device
from webnet.monitoring.models import DeviceMonitoring

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


class SourceIndex:
    """A cached `load()`, refreshed every REFRESH_SECONDS (call `refresh_if_stale` in the DB
    thread)."""

    def __init__(self) -> None:
        self.index: dict[str, tuple[int, int] | None] = {}
        self.loaded_at = float("-inf")

    def refresh_if_stale(self) -> None:
        if time.monotonic() - self.loaded_at >= REFRESH_SECONDS:
            self.index = load()
            self.loaded_at = time.monotonic()

    def lookup(self, address: str) -> tuple[int, int] | str:
        """(customer, device), or why not: "unknown_source" or "ambiguous_source"."""
        normal = _normal(address)
        if normal is None or normal not in self.index:
            return "unknown_source"
        return self.index[normal] or "ambiguous_source"
