"""Which device (of which customer) a trap or syslog datagram came from, by source address.

The inventory's management host is the address devices send from. Customers may reuse private
addresses: an address that two customers' devices share names no device (it is counted as
ambiguous, never guessed), and an address no device has is counted as unknown.
"""

import ipaddress
import time

from webnet.devices.models import Device

REFRESH_SECONDS = 30.0


def _normal(address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)


def load() -> dict[str, tuple[int, int] | None]:
    """address → (customer id, device id); None where the address is ambiguous."""
    index: dict[str, tuple[int, int] | None] = {}
    rows = Device.objects.filter(enabled=True).values_list("customer_id", "pk", "management_host")
    for customer_id, device_id, host in rows:
        address = _normal(host)
        if address is None:
            continue
        seen = index.get(address, (customer_id, device_id))
        index[address] = (customer_id, device_id) if seen == (customer_id, device_id) else None
    return index


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
