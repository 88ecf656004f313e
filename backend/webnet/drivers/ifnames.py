"""Interface names as each OS stores them: `lo233` is `Loopback233` on IOS, `loopback233` on NX-OS.

Why: a device accepts abbreviations but its running configuration holds the full name, so a
change written `interface gi0/1` must be compared (and previewed) as `interface GigabitEthernet0/1`.
Pure data: the deploy planner and the lab's simulated parsers read the same table.
"""

import re

_NUMBER = re.compile(r"\d[\w/.:]*")

# Per platform: (canonical type name, shortest abbreviation the CLI accepts), in the order the
# CLI resolves an abbreviation; extra spellings that are no prefix of the name are in _ALIASES.
_IOS = (
    ("GigabitEthernet", 2),
    ("TenGigabitEthernet", 2),
    ("FastEthernet", 2),
    ("FortyGigabitEthernet", 2),
    ("HundredGigE", 2),
    ("Ethernet", 1),
    ("Loopback", 2),
    ("Port-channel", 2),
    ("Tunnel", 2),
    ("Vlan", 2),
    ("Serial", 2),
    ("Management", 2),
)
_TYPES: dict[str, tuple[tuple[str, int], ...]] = {
    "cisco_ios": _IOS,
    "cisco_iosxe": _IOS,
    "cisco_nxos": (
        ("Ethernet", 1),
        ("loopback", 2),
        ("port-channel", 2),
        ("mgmt", 2),
        ("Vlan", 2),
        ("Tunnel", 2),
        ("nve", 2),
    ),
    "arista_eos": (
        ("Ethernet", 1),
        ("Loopback", 2),
        ("Port-Channel", 2),
        ("Management", 2),
        ("Vlan", 2),
        ("Vxlan", 2),
        ("Tunnel", 2),
    ),
    "cisco_iosxr": (
        ("GigabitEthernet", 2),
        ("TenGigE", 2),
        ("FortyGigE", 2),
        ("HundredGigE", 2),
        ("Loopback", 2),
        ("Bundle-Ether", 2),
        ("MgmtEth", 2),
        ("tunnel-ip", 2),
        ("BVI", 2),
    ),
}
_ALIASES: dict[str, dict[str, str]] = {
    "cisco_nxos": {"eth": "Ethernet", "po": "port-channel"},
    "arista_eos": {"et": "Ethernet", "po": "Port-Channel"},
    "cisco_iosxr": {"be": "Bundle-Ether", "te": "TenGigE", "hu": "HundredGigE"},
}


def canonical_ifname(platform: str, name: str) -> str:
    """`gi0/1` → `GigabitEthernet0/1`, `lo 5` → `Loopback5`; unknown names come back as given."""
    raw = name.replace(" ", "")
    split = next((i for i, c in enumerate(raw) if not (c.isalpha() or c == "-")), len(raw))
    word, rest = raw[:split].lower(), raw[split:]
    if not word or not _NUMBER.fullmatch(rest):  # a list or a range of names stays as written
        return name
    alias = _ALIASES.get(platform, {}).get(word)
    if alias:
        return alias + rest
    for full, shortest in _TYPES.get(platform, ()):
        if len(word) >= shortest and full.lower().startswith(word):
            return full + rest
    return name
