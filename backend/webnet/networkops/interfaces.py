"""Interface names as vendors abbreviate them (Gi0/0, Et1, Eth1/1) → one canonical spelling,
so both ends of a link and LLDP/CDP agree on what a port is called."""

import re

PREFIXES = (
    ("hundredgige", "HundredGigE"),
    ("hu", "HundredGigE"),
    ("fortygigabitethernet", "FortyGigabitEthernet"),
    ("fo", "FortyGigabitEthernet"),
    ("tengigabitethernet", "TenGigabitEthernet"),
    ("tengige", "TenGigE"),
    ("te", "TenGigabitEthernet"),
    ("gigabitethernet", "GigabitEthernet"),
    ("gi", "GigabitEthernet"),
    ("fastethernet", "FastEthernet"),
    ("fa", "FastEthernet"),
    ("ethernet", "Ethernet"),
    ("eth", "Ethernet"),
    ("et", "Ethernet"),
    ("port-channel", "Port-channel"),
    ("po", "Port-channel"),
    ("loopback", "Loopback"),
    ("lo", "Loopback"),
    ("management", "Management"),
    ("mgmt", "mgmt"),
    ("mgmteth", "MgmtEth"),
)
_SPLIT = re.compile(r"^([A-Za-z][A-Za-z\-]*?)\s*(\d.*)$")


def canonical(name: str) -> str:
    """`Gi0/1` → `GigabitEthernet0/1`; Junos names (ge-0/0/1) and unknown ones are kept."""
    name = name.strip()
    match = _SPLIT.match(name)
    if not match:
        return name
    prefix, rest = match.group(1).lower(), match.group(2)
    for short, full in PREFIXES:
        if prefix == short:
            return f"{full}{rest}"
    return name
