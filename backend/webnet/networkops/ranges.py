"""Customer IP ranges: validation, and the only place scan targets come from.

A scan probes exactly the (address, port) pairs `targets()` yields for the customer's ranges —
never anything else — and a range is refused when it would mean more than MAX_TARGETS probes.
"""

import ipaddress
from collections.abc import Iterator

from django.core.exceptions import ValidationError

MAX_TARGETS = 4096
MIN_PREFIX = {4: 22, 6: 116}  # a /22 (1,024 addresses) at most
MAX_PORTS = 1024


def parse_ports(text: str) -> list[int]:
    """`22`, `22,2222`, `10001-10020` → sorted distinct ports."""
    ports: set[int] = set()
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise ValidationError({"ports": f"{part!r} is not a port or a port range"}) from None
        if not (1 <= first <= last <= 65535):
            raise ValidationError({"ports": f"{part!r} is outside 1-65535 or reversed"})
        if last - first + 1 + len(ports) > MAX_PORTS:
            raise ValidationError({"ports": f"at most {MAX_PORTS} ports per range"})
        ports.update(range(first, last + 1))
    if not ports:
        raise ValidationError({"ports": "give at least one port"})
    return sorted(ports)


def parse_network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        network = ipaddress.ip_network((cidr or "").strip(), strict=True)
    except ValueError as exc:
        raise ValidationError({"cidr": f"not a network in CIDR notation: {exc}"}) from None
    if network.prefixlen < MIN_PREFIX[network.version]:
        raise ValidationError(
            {"cidr": f"too large: at most a /{MIN_PREFIX[network.version]} per range"}
        )
    return network


def addresses(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> list[str]:
    hosts = list(network.hosts()) if network.num_addresses > 2 else list(network)
    return [str(address) for address in hosts]


def validate(cidr: str, ports: str) -> tuple[str, str]:
    """Normalized (cidr, ports) or a ValidationError, including the target limit."""
    network = parse_network(cidr)
    port_list = parse_ports(ports)
    count = len(addresses(network)) * len(port_list)
    if count > MAX_TARGETS:
        raise ValidationError(
            {"cidr": f"{count} targets (addresses × ports); at most {MAX_TARGETS} per range"}
        )
    return str(network), ports.replace(" ", "")


def targets(cidr: str, ports: str) -> Iterator[tuple[str, int]]:
    network = parse_network(cidr)
    port_list = parse_ports(ports)
    for address in addresses(network):
        for port in port_list:
            yield address, port
