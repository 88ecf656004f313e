"""Where a tenant's webhook may point: never at webnet's own network (SSRF).

A URL a customer types (webhook, Slack, Teams, Mattermost) must not reach private, loopback,
link-local (169.254.169.254, the cloud metadata service), multicast, reserved or unspecified
addresses, unless an operator allows a network in WEBNET_WEBHOOK_ALLOWED_NETWORKS. It is
checked on save (a name that does not resolve yet passes: it is checked again) and at send time
after DNS resolution, and the request then connects to that checked address (no second lookup
for a rebinding DNS server to answer differently). No ORM here.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Blocked(ValueError):
    """The URL names or resolves to an address webhooks may not reach."""


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.WEBNET_WEBHOOK_ALLOWED_NETWORKS]


def address_allowed(address: str) -> bool:
    ip: IPAddress = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed_networks()):
        return True
    return ip.is_global and not ip.is_multicast


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Blocked("Give an http(s) URL with a host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise Blocked("The URL's port is not a number from 1 to 65535.") from exc
    return parts.hostname, port


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        return None


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _refuse(host: str, address: str) -> None:
    if not address_allowed(address):
        shown = host if host == address else f"{host} ({address})"
        raise Blocked(
            f"{shown} is a private, loopback, link-local or reserved address; "
            "webhooks may only reach public addresses."
        )


def check_url(url: str) -> None:
    """On save: Blocked for a literal or resolved address webhooks may not reach."""
    host, port = _host_port(url)
    literal = _literal(host)
    try:
        addresses = [literal] if literal else _resolve(host, port)
    except OSError:
        return  # not resolvable now; pinned_address checks it at send time
    for address in addresses:
        _refuse(host, address)


def pinned_address(url: str) -> str:
    """At send time: the address to connect to; Blocked if any resolved address is refused
    (or the name does not resolve)."""
    host, port = _host_port(url)
    literal = _literal(host)
    try:
        addresses = [literal] if literal else _resolve(host, port)
    except OSError as exc:
        raise Blocked(f"{host} does not resolve: {exc}") from exc
    for address in addresses:
        _refuse(host, address)
    return addresses[0]
