"""Interface state as the show commands see it, derived from the running configuration.

A description, address or `shutdown` pushed in config mode shows up in `show interfaces`.
"""

from __future__ import annotations

import ipaddress
import zlib
from dataclasses import dataclass

from .configtree import ConfigTree
from .devicestate import DeviceRuntime


@dataclass
class IfView:
    name: str
    description: str
    ip: str | None  # "a.b.c.d/len"
    admin_up: bool
    oper_up: bool
    mac: str
    speed_mbps: int
    mtu: int
    physical: bool

    @property
    def address(self) -> str | None:
        return self.ip.split("/")[0] if self.ip else None

    @property
    def prefixlen(self) -> int:
        return int(self.ip.split("/")[1]) if self.ip else 0

    @property
    def netmask(self) -> str:
        return str(ipaddress.IPv4Network(f"0.0.0.0/{self.prefixlen}").netmask)


def _parse_ip(words: list[str]) -> str | None:
    """`A M`, `A/len` -> "A/len"."""
    if not words:
        return None
    try:
        if "/" in words[0]:
            iface = ipaddress.IPv4Interface(words[0])
        elif len(words) > 1:
            iface = ipaddress.IPv4Interface(f"{words[0]}/{words[1]}")
        else:
            return None
    except ValueError:
        return None
    return f"{iface.ip}/{iface.network.prefixlen}"


def _fake_mac(rt: DeviceRuntime, name: str) -> str:
    value = zlib.crc32(f"{rt.spec.hostname}{name}".encode()) & 0xFFFFFF
    return rt.spec.base_mac[:9] + ":".join(f"{b:02x}" for b in value.to_bytes(3, "big"))


def cisco_interfaces(
    rt: DeviceRuntime, tree: ConfigTree | None = None, addr_key: str = "ip address"
) -> list[IfView]:
    tree = tree or rt.running
    views = []
    for node in tree.sections("interface"):
        name = node.text.split(None, 1)[1]
        spec = rt.spec.interface(name)
        desc, ip, shut = "", None, False
        for child in node.children:
            text = child.text
            if text.startswith("description "):
                desc = text[len("description ") :]
            elif text.startswith(addr_key + " ") and not text.endswith("secondary"):
                ip = _parse_ip(text[len(addr_key) + 1 :].split())
            elif text == "shutdown":
                shut = True
        physical = spec is not None or name == rt.spec.mgmt_if
        # loopbacks, SVIs, mgmt are up; a linked port while its far end is not shut
        link = spec.connected and rt.far_end_up(name) if spec is not None else True
        views.append(
            IfView(
                name=name,
                description=desc,
                ip=ip,
                admin_up=not shut,
                oper_up=link and not shut,
                mac=spec.mac if spec else _fake_mac(rt, name),
                speed_mbps=spec.speed_mbps if spec else 1000,
                mtu=spec.mtu if spec else 1500,
                physical=physical,
            )
        )
    return views
